//! Search at scale: bm25 up to a bound of matches and newest first past it, a bounded
//! count, and answers cached like pages.

use axum::http::StatusCode;

use starpunk::domain::{NoteInput, NoteUpdate, Patch};

use crate::helpers::TestApp;

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap()
}

#[tokio::test]
async fn a_rare_word_comes_back_best_match_first() {
    let app = TestApp::new().await;
    let best = app.note("quokka quokka quokka", &[]).await;
    app.note(
        "A long walk by the river, past the mill and the bridge, where once a quokka sat",
        &[],
    )
    .await;
    let v = json(&app.get("/api/search?q=quokka").await.body);
    assert_eq!(v["total"], 2);
    assert_eq!(v["total_exact"], true);
    assert_eq!(
        v["results"][0]["slug"],
        best.slug.to_string(),
        "best match first, though older"
    );
}

fn slugs(v: &serde_json::Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].as_str().unwrap().to_string())
        .collect()
}

/// Replaces the content of note `id`.
async fn rewrite(app: &TestApp, id: i64, content: &str) {
    let patch = Patch::default().replace("content", vec![serde_json::json!(content)]);
    let change = NoteUpdate {
        patch,
        photos: None,
    };
    app.state.notes.update(id, change).await.unwrap();
}

#[tokio::test]
async fn past_the_bound_matches_come_newest_first_and_at_it_best_first() {
    let app = TestApp::new().await;
    // The best match for "words" is the oldest note; 1,000 others follow it.
    let best = app
        .note_with(NoteInput {
            content: "words words words".into(),
            published_at: Some(
                chrono::DateTime::parse_from_rfc3339("2023-01-01T00:00:00Z")
                    .unwrap()
                    .to_utc(),
            ),
            ..Default::default()
        })
        .await;
    let notes = app.many(1002, &[]).await;
    // A strong match among the recent notes is not lifted past the bound either.
    rewrite(&app, notes[500].id, "words words").await;

    // 1,003 matches: counted up to the bound, listed newest first.
    let v = json(&app.get("/api/search?q=words&limit=20").await.body);
    assert_eq!(v["total"], 1000);
    assert_eq!(v["total_exact"], false);
    assert_eq!(slugs(&v)[0], notes[1001].slug.to_string(), "newest first");
    let page = app.get("/search?q=words").await;
    assert!(
        page.body
            .contains("More than 1000 notes found, newest first"),
        "{}",
        page.body
    );
    // Every match is listed once, and the pages keep going past the bound.
    let v = json(
        &app.get("/api/search?q=words&limit=20&offset=990")
            .await
            .body,
    );
    let mut tail = slugs(&v);
    assert_eq!(tail.len(), 13, "1003 matches, from 990");
    assert_eq!(tail[12], best.slug.to_string(), "the oldest is last");
    tail.sort();
    tail.dedup();
    assert_eq!(tail.len(), 13, "no match twice");
    let p50 = app.get("/search?q=words&page=50").await;
    assert!(p50.body.contains("page=51"), "{}", p50.body);
    let p51 = app.get("/search?q=words&page=51").await;
    assert_eq!(p51.status, StatusCode::OK);
    assert!(
        p51.body.contains(&format!("/note/{}", best.slug)),
        "the oldest note is last"
    );

    // Three matches fewer, exactly at the bound: ranked, the best match first.
    for note in &notes[..3] {
        rewrite(&app, note.id, "gone").await;
    }
    let v = json(&app.get("/api/search?q=words&limit=20").await.body);
    assert_eq!(v["total"], 1000);
    assert_eq!(v["total_exact"], true);
    assert_eq!(slugs(&v)[0], best.slug.to_string(), "best match first");
    let page = app.get("/search?q=words").await;
    assert!(page.body.contains("1000 notes found."), "{}", page.body);
}

#[tokio::test]
async fn a_repeated_search_is_cached_and_a_write_invalidates_it() {
    let app = TestApp::new().await;
    app.note("wombat one", &[]).await;
    for path in ["/search?q=wombat", "/api/search?q=wombat"] {
        app.get(path).await;
        let before = app.state.db.query_count();
        let again = app.get(path).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(
            app.state.db.query_count(),
            before,
            "{path}: the second answer comes from the cache"
        );
    }
    app.note("wombat two", &[]).await;
    let v = json(&app.get("/api/search?q=wombat").await.body);
    assert_eq!(v["total"], 2, "a new note invalidates cached searches");
    let page = app.get("/search?q=wombat").await;
    assert!(page.body.contains("2 notes found"));
}

#[tokio::test]
async fn a_flood_of_distinct_searches_does_not_evict_the_pages() {
    let app = TestApp::new().await;
    app.note("wombat", &[]).await;
    app.get("/").await;
    for i in 0..600 {
        app.get(&format!("/api/search?q=wombat+w{i}")).await;
    }
    let before = app.state.db.query_count();
    assert_eq!(app.get("/").await.status, StatusCode::OK);
    assert_eq!(
        app.state.db.query_count(),
        before,
        "the home page is still served from its cache"
    );
    assert!(
        app.state.searches.len() <= 128,
        "the search cache is bounded"
    );
}

#[tokio::test]
async fn words_apart_and_words_together_are_different_searches() {
    let app = TestApp::new().await;
    app.note("wombat one", &[]).await;
    let apart = app.get("/search?q=wombat%09one").await;
    assert!(apart.body.contains("1 note found"), "{}", apart.body);
    assert!(
        apart.body.contains("value=\"wombat one\""),
        "a tab shown as a space"
    );
    let together = app.get("/search?q=wombatone").await;
    assert!(
        together.body.contains("0 notes found"),
        "not the cached answer of the other search: {}",
        together.body
    );
}
