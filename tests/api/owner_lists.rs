//! The owner's lists Micropub builds on: every note a page at a time by keyset
//! (`q=source`), and the tags in use (`q=category`).

use starpunk::db::notes::Cursor;
use starpunk::domain::NoteInput;
use starpunk::notes::Listing;

use crate::helpers::TestApp;

#[tokio::test]
async fn keyset_pages_cover_every_note_once_while_notes_arrive() {
    let app = TestApp::new().await;
    let notes = &app.state.notes;
    for i in 0..7 {
        app.note(&format!("note {i}"), &[]).await;
    }
    app.draft("a draft is listed too").await;
    let mut seen = Vec::new();
    let mut after: Option<Cursor> = None;
    loop {
        let page = notes
            .all_after(Listing::Live, after.as_ref(), 3)
            .await
            .unwrap();
        if seen.is_empty() {
            // A note written meanwhile lands before the first page, not in a later one.
            app.note("arrived while paging", &[]).await;
        }
        let Some(last) = page.last() else { break };
        after = Some(Cursor {
            at: last.created_at,
            id: last.id,
        });
        seen.extend(page.iter().map(|n| n.id));
    }
    let mut expected: Vec<i64> = notes
        .all(Listing::Live, 100, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.content != "arrived while paging")
        .map(|n| n.id)
        .collect();
    assert_eq!(seen, expected, "newest first, each once");
    expected.sort();
    expected.dedup();
    assert_eq!(expected.len(), 8);
}

#[tokio::test]
async fn categories_in_use_with_a_filter() {
    let app = TestApp::new().await;
    let notes = &app.state.notes;
    app.note("one", &["IndieWeb", "Rust"]).await;
    app.note("two", &["rust", "Web Dev"]).await;
    app.note("three", &["rust"]).await;
    let gone = app.note("deleted", &["Forgotten"]).await;
    notes.delete(gone.id).await.unwrap();
    app.note_with(NoteInput {
        content: "draft".into(),
        tags: vec![starpunk::domain::Tag::parse("Drafting").unwrap()],
        status: Some(starpunk::domain::Status::Draft),
        ..Default::default()
    })
    .await;

    let all = notes.categories(None, 100).await.unwrap();
    assert_eq!(all[0], "Rust", "the most used first, as first written");
    assert!(all.contains(&"Drafting".to_string()));
    assert!(!all.contains(&"Forgotten".to_string()), "{all:?}");
    assert_eq!(all.len(), 4);

    // Names starting with the filter come before those merely containing it.
    let web = notes.categories(Some("WEB"), 10).await.unwrap();
    assert_eq!(web, ["Web Dev", "IndieWeb"]);
    assert_eq!(notes.categories(Some("#ru"), 10).await.unwrap(), ["Rust"]);
    assert_eq!(notes.categories(None, 2).await.unwrap().len(), 2);
    assert!(notes.categories(Some("zzz"), 10).await.unwrap().is_empty());
}
