//! Import writes its notes in batches (one transaction per batch), and each note is
//! still all-or-nothing: a refusal or a failed write costs only its own note.

use starpunk::backup::import;
use starpunk::domain::{NoteInput, Slug};
use starpunk::notes::NoteError;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_slug_twice_in_one_batch_is_refused_the_second_time() {
    let app = TestApp::new().await;
    let src = tempfile::tempdir().unwrap();
    let dir = src.path().join("notes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.md"), "---\nslug: same\n---\nfirst\n").unwrap();
    std::fs::write(dir.join("b.md"), "---\nslug: same\n---\nsecond\n").unwrap();
    std::fs::write(dir.join("c.md"), "third\n").unwrap();
    let report = import::import_dir(&app.state.notes, &app.state.media, src.path())
        .await
        .unwrap();
    assert_eq!(report.imported, 2);
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    let (path, reason) = &report.failed[0];
    assert!(path.ends_with("b.md"), "{path:?}");
    assert!(reason.contains("slug same already exists"), "{reason}");
    let page = app.get("/note/same").await;
    assert!(page.body.contains("first"), "the first file won");
    assert_eq!(app.get("/note/c").await.status, axum::http::StatusCode::OK);
}

#[tokio::test]
async fn more_notes_than_a_batch_are_all_imported_and_found() {
    let app = TestApp::new().await;
    let src = tempfile::tempdir().unwrap();
    for i in 0..1203 {
        let text = format!("---\ntags: [batch]\n---\nNote {i} about wombats\n");
        std::fs::write(src.path().join(format!("n{i:04}.md")), text).unwrap();
    }
    let report = import::import_dir(&app.state.notes, &app.state.media, src.path())
        .await
        .unwrap();
    assert_eq!(report.imported, 1203, "{:?}", report.failed);
    let v: serde_json::Value =
        serde_json::from_str(&app.get("/api/search?q=wombats&limit=1").await.body).unwrap();
    assert_eq!(v["total"], 1000);
    assert_eq!(v["total_exact"], false);
    assert!(app.get("/tag/batch").await.body.contains("Note 1202 about"));
}

#[tokio::test]
async fn a_write_failing_part_way_costs_only_its_own_note() {
    let app = TestApp::new().await;
    let input = |slug: &str| NoteInput {
        content: format!("note {slug}"),
        slug: Some(slug.into()),
        ..Default::default()
    };
    // The middle note names a photo that does not exist: its write fails after the
    // first note's rows are in the transaction, so the batch is rolled back and
    // written again note by note.
    let broken = NoteInput {
        photos: Some(vec![(987_654, None)]),
        ..input("broken")
    };
    let results = app
        .state
        .notes
        .import_many(&[input("before"), broken, input("after")])
        .await;
    assert_eq!(results[0].as_ref().unwrap().as_str(), "before");
    assert!(
        matches!(
            &results[1],
            Err(NoteError::Invalid(_)) | Err(NoteError::Db(_))
        ),
        "{:?}",
        results[1]
    );
    assert_eq!(results[2].as_ref().unwrap().as_str(), "after");
    let slugs: Vec<Slug> = app.live_notes().await.into_iter().map(|n| n.slug).collect();
    assert_eq!(slugs.len(), 2, "{slugs:?}");
    assert!(
        app.state
            .notes
            .by_slug(&Slug::parse("broken").unwrap())
            .await
            .unwrap()
            .is_none(),
        "nothing of the failed note is left"
    );
}
