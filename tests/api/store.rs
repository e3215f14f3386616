//! The store under concurrent writers: every write lands, none is refused as busy,
//! and same-second default slugs get their -1, -2… suffixes.

use std::collections::HashSet;

use starpunk::domain::NoteInput;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_all_land_with_distinct_slugs() {
    let app = TestApp::new().await;
    let published = chrono::DateTime::parse_from_rfc3339("2025-06-01T12:00:00Z")
        .unwrap()
        .to_utc();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let notes = app.state.notes.clone();
        tasks.push(tokio::spawn(async move {
            notes
                .create(NoteInput {
                    content: format!("Written at the same second, number {i}"),
                    published_at: Some(published),
                    ..Default::default()
                })
                .await
        }));
    }
    let mut slugs = HashSet::new();
    for t in tasks {
        let note = t.await.unwrap().expect("every concurrent write lands");
        slugs.insert(note.slug.to_string());
    }
    assert_eq!(slugs.len(), 24, "one slug each: {slugs:?}");
    assert!(slugs.contains("20250601120000"));
    assert!(slugs.contains("20250601120000-23"));
    let page = app.get("/feed.json").await;
    assert_eq!(page.body.matches("number ").count(), 24);
}
