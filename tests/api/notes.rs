//! The notes service's rules and updates, as every writer (admin, import, Micropub)
//! meets them: what makes a note, field-wise changes, and finding a note by its URL.

use axum::http::StatusCode;
use image::ImageFormat;
use serde_json::json;
use starpunk::domain::{NoteInput, NoteUpdate, Patch, Properties, Status};
use starpunk::notes::NoteError;

use crate::admin::{Admin, Part, image_bytes};
use crate::helpers::{SITE, TestApp, find_item, mf2, parse_feed};
use crate::photos::bytes_stream;

fn props(v: serde_json::Value) -> Properties {
    Properties::from_value(v).unwrap()
}

#[tokio::test]
async fn photo_only_and_like_only_notes_are_valid_and_render() {
    let app = TestApp::new().await;
    let photo = app
        .state
        .media
        .save(
            bytes_stream(image_bytes(ImageFormat::Jpeg, 400, 300)),
            Some("p.jpg"),
        )
        .await
        .unwrap();
    let photo_note = app
        .note_with(NoteInput {
            photos: Some(vec![(photo.id, Some("A view".into()))]),
            ..Default::default()
        })
        .await;
    let like = app
        .note_with(NoteInput {
            properties: props(json!({"like-of": ["https://other.example/post"]})),
            ..Default::default()
        })
        .await;
    assert_eq!(like.content, "");
    assert_eq!(
        like.properties.values("like-of"),
        [json!("https://other.example/post")]
    );
    for note in [&photo_note, &like] {
        let page = app.get(&note.path()).await;
        assert_eq!(page.status, StatusCode::OK, "{}", note.path());
        let doc = mf2(&page.body, &format!("{SITE}{}", note.path()));
        find_item(&doc, "h-entry");
    }
    let feed = parse_feed(&app.get("/feed.atom").await.body);
    assert_eq!(feed["entries"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_note_with_nothing_is_refused_and_nothing_is_written() {
    let app = TestApp::new().await;
    for input in [
        NoteInput::default(),
        NoteInput {
            content: " \n\n ".into(),
            ..Default::default()
        },
        // kept properties that are not responses do not make a note
        NoteInput {
            properties: props(json!({"syndication": ["https://s.example/1"]})),
            ..Default::default()
        },
    ] {
        match app.state.notes.create(input).await {
            Err(NoteError::Invalid(m)) => assert!(m.contains("needs some content"), "{m}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert!(app.live_notes().await.is_empty());
    // an update that empties a note is refused the same way
    let note = app.note("words", &[]).await;
    let change = NoteUpdate {
        patch: Patch::default().replace("content", vec![]),
        photos: None,
    };
    assert!(matches!(
        app.state.notes.update(note.id, change).await,
        Err(NoteError::Invalid(_))
    ));
}

#[tokio::test]
async fn the_admin_form_takes_a_photo_without_text_but_not_an_empty_note() {
    let admin = Admin::new().await;
    let res = admin
        .post_multipart(
            "/admin/new",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", ""),
                Part::Text("status", "published"),
                Part::File(
                    "photo0",
                    "only.jpg",
                    "image/jpeg",
                    image_bytes(ImageFormat::Jpeg, 320, 240),
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = admin
        .post_multipart(
            "/admin/new",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "  "),
                Part::Text("status", "published"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("needs some content"), "{}", res.body);
    let notes = admin.app.live_notes().await;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].photos.len(), 1);
}

#[tokio::test]
async fn an_admin_edit_keeps_properties_it_does_not_show() {
    let admin = Admin::new().await;
    let checkin = json!({"type": ["h-card"], "properties": {"name": ["Café"], "latitude": [51.5]}});
    let note = admin
        .app
        .note_with(NoteInput {
            content: "Coffee, liked".into(),
            name: Some("A named note".into()),
            properties: props(json!({
                "syndication": ["https://social.example/@ada/1"],
                "like-of": ["https://other.example/post"],
                "checkin": [checkin],
            })),
            ..Default::default()
        })
        .await;
    let res = admin
        .post_multipart(
            &format!("/admin/edit/{}", note.id),
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "Coffee, liked and edited"),
                Part::Text("tags", "coffee"),
                Part::Text("status", "published"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = admin.app.state.notes.get(note.id).await.unwrap().unwrap();
    assert_eq!(after.content, "Coffee, liked and edited");
    assert_eq!(after.title.as_deref(), Some("A named note"));
    assert_eq!(after.tags.len(), 1);
    assert_eq!(
        after.properties.values("syndication"),
        [json!("https://social.example/@ada/1")]
    );
    assert_eq!(
        after.properties.values("like-of"),
        [json!("https://other.example/post")]
    );
    assert_eq!(after.properties.values("checkin"), [checkin]);
    assert_eq!(after.slug, note.slug);
}

#[tokio::test]
async fn patches_change_only_what_they_name() {
    let app = TestApp::new().await;
    let note = app
        .note_with(NoteInput {
            content: "first".into(),
            tags: vec![starpunk::domain::Tag::parse("a").unwrap()],
            properties: props(json!({"syndication": ["https://s.example/1"]})),
            ..Default::default()
        })
        .await;
    let patch = Patch::from_micropub(&json!({
        "replace": {"content": ["second"]},
        "add": {"category": ["b"], "in-reply-to": ["https://other.example/x"]},
        "delete": {"syndication": ["https://s.example/1"]},
    }))
    .unwrap();
    let after = app
        .state
        .notes
        .update(
            note.id,
            NoteUpdate {
                patch,
                photos: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(after.content, "second");
    let tags: Vec<&str> = after.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["a", "b"]);
    assert!(after.properties.values("syndication").is_empty());
    assert_eq!(after.properties.values("in-reply-to").len(), 1);
    assert!(after.updated_at >= note.updated_at);
    // a draft by patch, then whole properties deleted
    let patch = Patch::from_micropub(&json!({
        "replace": {"post-status": ["draft"]},
        "delete": ["category", "in-reply-to"],
    }))
    .unwrap();
    let after = app
        .state
        .notes
        .update(
            note.id,
            NoteUpdate {
                patch,
                photos: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(after.status, Status::Draft);
    assert!(after.tags.is_empty());
    assert!(after.properties.is_empty());
    assert_eq!(app.get(&note.path()).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn notes_are_found_by_their_public_url() {
    let app = TestApp::new().await;
    let note = app.note("find me", &[]).await;
    let slug = note.slug.to_string();
    for url in [
        format!("{SITE}/note/{slug}"),
        format!("{SITE}/note/{slug}/"),
        format!("{SITE}/notes/{slug}"),
        format!("{SITE}/notes/{slug}/"),
    ] {
        let found = app.state.notes.by_url(&url).await.unwrap();
        assert_eq!(found.map(|n| n.id), Some(note.id), "{url}");
    }
    for url in [
        format!("https://elsewhere.example/note/{slug}"),
        format!("{SITE}/tag/{slug}"),
        format!("{SITE}/note/no-such-note"),
        format!("/note/{slug}"),
    ] {
        assert!(
            app.state.notes.by_url(&url).await.unwrap().is_none(),
            "{url}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_patches_all_land() {
    let app = TestApp::new().await;
    let note = app.note("racing", &[]).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let notes = app.state.notes.clone();
        tasks.push(tokio::spawn(async move {
            let patch = Patch::from_micropub(&json!({
                "add": {"syndication": [format!("https://s.example/{i}")]},
            }))
            .unwrap();
            notes
                .update(
                    note.id,
                    NoteUpdate {
                        patch,
                        photos: None,
                    },
                )
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let after = app.state.notes.get(note.id).await.unwrap().unwrap();
    let mut got: Vec<String> = after
        .properties
        .values("syndication")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    got.sort();
    let want: Vec<String> = (0..8).map(|i| format!("https://s.example/{i}")).collect();
    assert_eq!(got, want, "no add was lost to another");
}
