//! Search at scale: bm25 within the newest matches, a bounded count, and answers cached
//! like pages.

use axum::http::StatusCode;

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

#[tokio::test]
async fn a_common_word_is_counted_up_to_a_bound_and_every_match_is_listed_once() {
    let app = TestApp::new().await;
    app.many(1003, &[]).await;
    let v = json(&app.get("/api/search?q=words&limit=20").await.body);
    assert_eq!(v["total"], 1000);
    assert_eq!(v["total_exact"], false);
    let page = app.get("/search?q=words").await;
    assert!(
        page.body.contains("More than 1000 notes found"),
        "{}",
        page.body
    );

    // Straddling the ranked bound: the last ranked matches, then the older ones by date.
    let v = json(
        &app.get("/api/search?q=words&limit=20&offset=990")
            .await
            .body,
    );
    let slugs: Vec<String> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(slugs.len(), 13, "1003 matches, from 990");
    let mut unique = slugs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 13, "no match twice");
    // Page 50 ends the ranked set and still links on; page 51 holds the oldest three.
    let p50 = app.get("/search?q=words&page=50").await;
    assert!(p50.body.contains("page=51"), "{}", p50.body);
    let p51 = app.get("/search?q=words&page=51").await;
    assert_eq!(p51.status, StatusCode::OK);
    assert!(
        p51.body.contains("Note number 0 "),
        "the oldest note is last"
    );
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
