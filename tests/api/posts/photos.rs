//! Photo posts: photos hosted elsewhere (Micropub `photo` URLs) shown as sent, and
//! notes of photos alone, titled by a caption or "Photo".

use serde_json::{Value, json};
use starpunk::domain::{ContentKind, NoteInput};

use super::{content_of, entry, feed_entries, post};
use crate::admin::image_bytes;
use crate::helpers::TestApp;
use crate::photos::bytes_stream;

#[tokio::test]
async fn outside_photos_are_hotlinked_as_sent() {
    let app = TestApp::new().await;
    let note = post(
        &app,
        "",
        ContentKind::Markdown,
        json!({"photo": [
            {"value": "https://cdn.example/cat.jpg", "alt": "A cat asleep"},
            "https://cdn.example/dog.jpg",
            "http://insecure.example/x.jpg",
        ]}),
    )
    .await;
    let res = app.get(&format!("/note/{}", note.slug)).await;
    let (e, body) = entry(&app, &note).await;
    assert_eq!(
        e["properties"]["photo"],
        json!([{"value": "https://cdn.example/cat.jpg", "alt": "A cat asleep"},
               {"value": "https://cdn.example/dog.jpg", "alt": ""}])
    );
    assert!(
        e["properties"].get("content").is_none(),
        "a photo post has no empty e-content"
    );
    assert!(body.contains("<img class=\"u-photo\" src=\"https://cdn.example/cat.jpg\" alt=\"A cat asleep\" loading=\"lazy\" decoding=\"async\" referrerpolicy=\"no-referrer\">"));
    assert!(!body.contains("insecure.example"), "the CSP would block it");
    assert!(body.contains("<title>A cat asleep · Test Blog</title>"));
    assert!(
        body.contains("<meta property=\"og:image\" content=\"https://cdn.example/cat.jpg\">")
            && !body.contains("og:image:width"),
        "the link preview shows the outside photo, size unknown"
    );
    let csp = res.header("content-security-policy");
    assert!(csp.contains("img-src 'self' https:"), "{csp}");
    assert!(
        csp.contains("default-src 'self'") && csp.contains("script-src 'self';"),
        "{csp}"
    );

    for (path, items) in feed_entries(&app).await {
        assert_eq!(items[0]["title"], "A cat asleep", "{path}");
        let c = content_of(&items[0]);
        assert!(
            c.contains("src=\"https://cdn.example/cat.jpg\"")
                && c.contains("alt=\"A cat asleep\"")
                && c.contains("https://cdn.example/dog.jpg"),
            "{path}: {c}"
        );
    }
    let json: Value = serde_json::from_str(&app.get("/feed.json").await.body).unwrap();
    assert_eq!(json["items"][0]["image"], "https://cdn.example/cat.jpg");

    let untitled = post(
        &app,
        "",
        ContentKind::Markdown,
        json!({"photo": ["https://cdn.example/a.jpg"]}),
    )
    .await;
    let (_, body) = entry(&app, &untitled).await;
    assert!(body.contains("<title>Photo · Test Blog</title>"));
}

#[tokio::test]
async fn a_note_of_stored_photos_only_is_a_photo_post() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for caption in [None, Some("Sunset over the bay")] {
        let m = app
            .state
            .media
            .save(
                bytes_stream(image_bytes(image::ImageFormat::Png, 40, 30)),
                Some("p.png"),
            )
            .await
            .unwrap();
        ids.push((m.id, caption.map(str::to_string)));
    }
    let note = app
        .note_with(NoteInput {
            photos: Some(ids),
            ..Default::default()
        })
        .await;
    let (e, body) = entry(&app, &note).await;
    assert_eq!(e["properties"]["photo"].as_array().unwrap().len(), 2);
    assert!(
        e["properties"].get("content").is_none(),
        "no empty e-content"
    );
    assert!(e["properties"].get("name").is_none(), "{e}");
    assert!(body.contains("<title>Sunset over the bay · Test Blog</title>"));
    for (path, items) in feed_entries(&app).await {
        assert_eq!(items[0]["title"], "Sunset over the bay", "{path}");
    }
}
