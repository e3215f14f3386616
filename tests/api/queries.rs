//! No N+1: listing pages, search and feeds run the same number of SQL statements for
//! 1 note as for 50 notes with 3 tags each.

use crate::helpers::TestApp;

/// Statements run by one uncached request to `path`.
async fn queries_for(app: &TestApp, path: &str) -> u64 {
    app.state.generation.bump(); // forget cached responses
    let before = app.state.db.query_count();
    let res = app.get(path).await;
    assert!(res.status.is_success(), "{path}: {}", res.status);
    app.state.db.query_count() - before
}

#[tokio::test]
async fn listing_query_counts_do_not_grow_with_notes() {
    let paths = [
        "/",
        "/tag/alpha",
        "/search?q=note",
        "/api/search?q=note",
        "/feed.rss",
        "/feed.atom",
        "/feed.json",
        "/feed",
        "/sitemap.xml",
    ];
    let small = TestApp::new().await;
    small.many(1, &["alpha", "beta", "gamma"]).await;
    let large = TestApp::new().await;
    large.many(50, &["alpha", "beta", "gamma"]).await;
    for path in paths {
        let one = queries_for(&small, path).await;
        let fifty = queries_for(&large, path).await;
        assert!(one > 0, "{path} was counted");
        assert_eq!(
            one, fifty,
            "{path}: {one} queries for 1 note, {fifty} for 50"
        );
        assert!(fifty <= 6, "{path} runs {fifty} queries");
    }
}
