//! Photos as Micropub properties: stored images and outside URLs side by side in
//! `photo`, as `q=source` shows them and as an update patches them.

use image::ImageFormat;
use serde_json::{Value, json};
use starpunk::domain::media::Media;
use starpunk::domain::{NoteInput, NoteUpdate, Patch, Properties};
use starpunk::notes::NoteError;

use crate::admin::image_bytes;
use crate::helpers::{SITE, TestApp};
use crate::photos::bytes_stream;

async fn stored(app: &TestApp) -> Media {
    app.state
        .media
        .save(
            bytes_stream(image_bytes(ImageFormat::Jpeg, 700, 500)),
            Some("p.jpg"),
        )
        .await
        .unwrap()
}

fn url(m: &Media) -> String {
    format!("{SITE}/media/{}", m.path)
}

fn patch(body: Value) -> NoteUpdate {
    NoteUpdate {
        patch: Patch::from_micropub(&body).unwrap(),
        photos: None,
    }
}

#[tokio::test]
async fn source_lists_stored_photos_as_urls_before_outside_ones() {
    let app = TestApp::new().await;
    let (a, b) = (stored(&app).await, stored(&app).await);
    let note = app
        .note_with(NoteInput {
            content: "three photos".into(),
            photos: Some(vec![(a.id, Some("A view".into())), (b.id, None)]),
            properties: Properties::from_value(json!({"photo": ["https://out.example/c.jpg"]}))
                .unwrap(),
            ..Default::default()
        })
        .await;
    let props = app.state.notes.properties_of(&note);
    assert_eq!(
        props["photo"],
        json!([{"value": url(&a), "alt": "A view"}, url(&b), "https://out.example/c.jpg"])
    );
    assert_eq!(props["content"], json!(["three photos"]));
}

#[tokio::test]
async fn a_photo_patch_attaches_reorders_and_detaches_stored_photos() {
    let app = TestApp::new().await;
    let notes = &app.state.notes;
    let (a, b) = (stored(&app).await, stored(&app).await);
    let note = app.note("words", &[]).await;
    // A variant's URL and a site-relative path name stored images too.
    let variant = format!("{SITE}{}", b.variants[0].url_path());
    // An address on this site's /media/ that names no stored image is a mistake: refused,
    // and the note is unchanged.
    let missing = format!("{SITE}/media/2026/01/nobody-stored-this.jpg");
    let refused = notes
        .update(note.id, patch(json!({"replace": {"photo": [missing]}})))
        .await;
    assert!(
        matches!(&refused, Err(starpunk::notes::NoteError::Invalid(m)) if m.contains("not an image stored")),
        "{refused:?}"
    );
    let changed = notes
        .update(
            note.id,
            patch(json!({"replace": {"photo": [
                variant,
                {"value": format!("/media/{}", a.path), "alt": "Now captioned"},
                "https://out.example/x.jpg",
            ]}})),
        )
        .await
        .unwrap();
    let got: Vec<(i64, Option<&str>)> = changed
        .photos
        .iter()
        .map(|p| (p.media.id, p.caption.as_deref()))
        .collect();
    assert_eq!(got, [(b.id, None), (a.id, Some("Now captioned"))]);
    assert_eq!(
        changed.properties.values("photo"),
        [json!("https://out.example/x.jpg")]
    );

    // Deleting a captioned stored photo by its URL detaches it; the image stays.
    let changed = notes
        .update(note.id, patch(json!({"delete": {"photo": [url(&a)]}})))
        .await
        .unwrap();
    assert_eq!(changed.photos.len(), 1);
    assert_eq!(changed.photos[0].media.id, b.id);
    assert!(app.state.media.get(a.id).await.unwrap().is_some());

    // Deleting the property detaches every photo, stored or not.
    let changed = notes
        .update(note.id, patch(json!({"delete": ["photo"]})))
        .await
        .unwrap();
    assert!(changed.photos.is_empty());
    assert!(changed.properties.values("photo").is_empty());
    assert!(app.state.media.get(b.id).await.unwrap().is_some());
    assert!(notes.properties_of(&changed).get("photo").is_none());
}

#[tokio::test]
async fn more_than_four_photos_in_all_are_refused_and_nothing_changes() {
    let app = TestApp::new().await;
    let notes = &app.state.notes;
    let (a, b) = (stored(&app).await, stored(&app).await);
    let note = app
        .note_with(NoteInput {
            content: "two".into(),
            photos: Some(vec![(a.id, None), (b.id, None)]),
            ..Default::default()
        })
        .await;
    let five = json!({"add": {"photo": [
        "https://out.example/1.jpg", "https://out.example/2.jpg", "https://out.example/3.jpg"
    ]}});
    let err = notes.update(note.id, patch(five)).await.unwrap_err();
    assert!(matches!(err, NoteError::Invalid(_)), "{err:?}");
    let after = notes.get(note.id).await.unwrap().unwrap();
    assert_eq!(after.photos.len(), 2);
    assert!(after.properties.values("photo").is_empty());
    assert_eq!(after.updated_at, note.updated_at);

    let bad = notes
        .update(
            note.id,
            patch(json!({"add": {"photo": [{"alt": "no URL"}]}})),
        )
        .await;
    assert!(matches!(bad, Err(NoteError::Invalid(_))));
}

#[tokio::test]
async fn the_admin_photo_list_wins_and_split_photos_serves_create() {
    let app = TestApp::new().await;
    let notes = &app.state.notes;
    let (a, b) = (stored(&app).await, stored(&app).await);
    let note = app.note("words", &[]).await;
    let mut update = patch(json!({"replace": {"photo": [url(&a), "https://out.example/o.jpg"]}}));
    update.photos = Some(vec![(b.id, Some("Chosen".into()))]);
    let changed = notes.update(note.id, update).await.unwrap();
    assert_eq!(changed.photos.len(), 1);
    assert_eq!(changed.photos[0].media.id, b.id);
    assert_eq!(
        changed.properties.values("photo"),
        [json!("https://out.example/o.jpg")]
    );

    let (ids, outside) = notes
        .split_photos(&[
            json!({"value": url(&a), "alt": "Alt"}),
            json!("https://out.example/p.jpg"),
        ])
        .await
        .unwrap();
    assert_eq!(ids, [(a.id, Some("Alt".to_string()))]);
    assert_eq!(outside, [json!("https://out.example/p.jpg")]);
    let five: Vec<Value> = (0..5)
        .map(|i| json!(format!("https://o.example/{i}")))
        .collect();
    assert!(notes.split_photos(&five).await.is_err());
}
