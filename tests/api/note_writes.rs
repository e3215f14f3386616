//! Writes at the edges of a note's life: deleting and restoring twice, changing a
//! deleted note, slugs that collide, and the content kind through export and import.

use serde_json::json;
use starpunk::backup::{export, import};
use starpunk::domain::{ContentKind, NoteInput, NoteUpdate, Patch, Properties};
use starpunk::notes::NoteError;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_deleted_note_refuses_changes_and_delete_restore_repeat_harmlessly() {
    let app = TestApp::new().await;
    let note = app.note("soon gone", &[]).await;
    let notes = &app.state.notes;
    notes.delete(note.id).await.unwrap();
    let deleted = notes.get(note.id).await.unwrap().unwrap();
    let generation = app.state.generation.get();
    notes.delete(note.id).await.unwrap();
    let again = notes.get(note.id).await.unwrap().unwrap();
    assert_eq!(
        again.deleted_at, deleted.deleted_at,
        "a second delete changes nothing"
    );
    assert_eq!(again.updated_at, deleted.updated_at);
    assert_eq!(app.state.generation.get(), generation);

    let patch = Patch::default().replace("content", vec![json!("changed")]);
    let err = notes
        .update(
            note.id,
            NoteUpdate {
                patch,
                photos: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, NoteError::Invalid(m) if m.contains("undelete it before changing it")),
        "{err:?}"
    );
    assert!(matches!(
        notes.set_photos(note.id, &[]).await,
        Err(NoteError::Invalid(_))
    ));
    assert_eq!(
        notes.get(note.id).await.unwrap().unwrap().content,
        "soon gone"
    );

    notes.restore(note.id).await.unwrap();
    let live = notes.get(note.id).await.unwrap().unwrap();
    assert!(live.deleted_at.is_none());
    let generation = app.state.generation.get();
    notes.restore(note.id).await.unwrap();
    let still = notes.get(note.id).await.unwrap().unwrap();
    assert_eq!(
        still.updated_at, live.updated_at,
        "restoring a live note changes nothing"
    );
    assert_eq!(app.state.generation.get(), generation);
}

#[tokio::test]
async fn colliding_slugs_take_the_next_suffix_with_one_read() {
    let app = TestApp::new().await;
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z")
        .unwrap()
        .to_utc();
    let stamped = |content: &str| NoteInput {
        content: content.into(),
        published_at: Some(at),
        ..Default::default()
    };
    let custom = |slug: &str| NoteInput {
        content: "custom".into(),
        slug: Some(slug.into()),
        ..Default::default()
    };
    let mut slugs = Vec::new();
    for i in 0..3 {
        slugs.push(
            app.note_with(stamped(&format!("same second {i}")))
                .await
                .slug,
        );
    }
    for _ in 0..3 {
        slugs.push(app.note_with(custom("Hello World")).await.slug);
    }
    // A slug that only looks like a variant of another base does not block it.
    app.note_with(custom("hello-world-x9")).await;
    let slugs: Vec<String> = slugs.iter().map(ToString::to_string).collect();
    assert_eq!(
        slugs,
        [
            "20260304050607",
            "20260304050607-1",
            "20260304050607-2",
            "hello-world",
            "hello-world-2",
            "hello-world-3"
        ]
    );
    // The 40th collision costs what the 4th did: the taken slugs are read at once.
    let cost = |app: &TestApp| app.state.db.query_count();
    let before = cost(&app);
    app.note_with(stamped("fourth")).await;
    let fourth = cost(&app) - before;
    for i in 0..35 {
        app.note_with(stamped(&format!("more {i}"))).await;
    }
    let before = cost(&app);
    let last = app.note_with(stamped("fortieth")).await;
    assert_eq!(cost(&app) - before, fourth);
    assert_eq!(last.slug.to_string(), "20260304050607-39");
}

#[tokio::test]
async fn html_notes_stay_html_through_export_and_import() {
    let a = TestApp::new().await;
    a.note_with(NoteInput {
        content: "<p>Written in <b>HTML</b></p>".into(),
        content_kind: ContentKind::Html,
        slug: Some("in-html".into()),
        properties: Properties::from_value(json!({
            "category": ["https://alice.example/"],
            "photo": [{"value": "https://out.example/p.jpg", "alt": "Outside"}],
        }))
        .unwrap(),
        ..Default::default()
    })
    .await;
    a.note_with(NoteInput {
        content: "Plain *Markdown*".into(),
        slug: Some("in-markdown".into()),
        ..Default::default()
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    export::export_dir(&a.state.notes, &a.state.media, out.path())
        .await
        .unwrap();
    let b = TestApp::new().await;
    let report = import::import_dir(&b.state.notes, &b.state.media, out.path())
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let shape = |notes: Vec<starpunk::domain::Note>| {
        let mut v: Vec<_> = notes
            .into_iter()
            .map(|n| {
                let props = serde_json::Value::Object(a.state.notes.properties_of(&n));
                (n.slug.to_string(), n.content_kind, n.content, props)
            })
            .collect();
        v.sort_by(|x, y| x.0.cmp(&y.0));
        v
    };
    let (before, after) = (shape(a.live_notes().await), shape(b.live_notes().await));
    assert_eq!(before, after);
    assert_eq!(after[0].1, ContentKind::Html);
    assert_eq!(after[1].1, ContentKind::Markdown);
    let imported = b.get("/note/in-html").await.body;
    assert!(
        imported.contains("<b>HTML</b>"),
        "rendered as HTML: {imported}"
    );
}
