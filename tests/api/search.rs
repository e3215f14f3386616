//! Full-text search: HTML page with safe highlighting, and the JSON API.

use axum::http::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn search_page_marks_matches_without_xss() {
    let app = TestApp::new().await;
    app.note(
        "Running with <b>scissors</b> & the quick brown fox <script>alert(1)</script>",
        &[],
    )
    .await;
    app.note("nothing relevant", &[]).await;
    app.draft("running drafts stay private").await;
    let res = app.get("/search?q=run").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains("1 note found"),
        "porter stemming matches 'Running'"
    );
    assert!(res.body.contains("<mark>Running</mark>"));
    assert!(
        !res.body.contains("<script>alert"),
        "note text is escaped in snippets"
    );
    assert!(!res.body.contains("drafts stay private"));

    // the query itself is escaped where it is echoed
    let res = app
        .get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert!(!res.body.contains("<script>alert(1)</script>"));
    assert!(res.body.contains("&#60;script&#62;") || res.body.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn hostile_and_out_of_range_queries() {
    let app = TestApp::new().await;
    app.note("near and far", &[]).await;
    for q in ["%22", "*", "%22%22", "a", "--", "%28%29"] {
        let res = app.get(&format!("/search?q={q}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(res.body.contains("<html"), "{q}");
    }
    for q in ["NEAR(", "near%20AND", "far*", "%22near", "OR%20near"] {
        let res = app.get(&format!("/search?q={q}")).await;
        assert_eq!(res.status, StatusCode::OK, "{q} is searched as plain words");
    }
    let long = "x".repeat(101);
    assert_eq!(
        app.get(&format!("/search?q={long}")).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/search").await.status,
        StatusCode::OK,
        "the empty form"
    );
    assert_eq!(
        app.get("/search?q=near&page=abc").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn api_search_json() {
    let app = TestApp::new().await;
    for i in 0..25 {
        app.note(&format!("searchable item {i}"), &["Tagged"]).await;
    }
    let res = app.get("/api/search?q=searchable").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("content-type").starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["total"], 25);
    assert_eq!(v["limit"], 20);
    assert_eq!(v["results"].as_array().unwrap().len(), 20);
    let first = &v["results"][0];
    assert!(
        first["url"]
            .as_str()
            .unwrap()
            .starts_with("http://blog.example.test/note/")
    );
    assert_eq!(first["tags"][0], "Tagged");
    assert!(
        first["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>searchable</mark>")
    );

    let page = app.get("/api/search?q=searchable&limit=10&offset=20").await;
    let v: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 5);
    assert_eq!(v["offset"], 20);

    let big = app.get("/api/search?q=searchable&limit=100").await;
    assert_eq!(big.status, StatusCode::OK);
    for bad in [
        "/api/search",
        "/api/search?q=x",
        "/api/search?q=ok&limit=101",
        "/api/search?q=ok&limit=0",
        "/api/search?q=ok&offset=-1",
        "/api/search?q=%22",
    ] {
        let res = app.get(bad).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{bad}");
        let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(v["error"], "invalid_request");
        assert!(!v["error_description"].as_str().unwrap().is_empty());
    }
}

/// A NUL byte used to reach FTS5 and come back as a 500 with pages of log (issue 8.2).
#[tokio::test]
async fn nul_and_control_bytes_are_a_bad_request_not_a_server_error() {
    let app = TestApp::new().await;
    app.note("ab cd and more", &[]).await;
    for q in ["ab%00cd", "%00%00", "ab%01", "ab%7F"] {
        let res = app.get(&format!("/search?q={q}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{q}: {}", res.body);
        assert!(res.body.contains("<html"), "{q}: the site's page");
        assert!(!res.body.contains('\0'), "{q}: no NUL echoed");
    }
    let res = app.get("/search?q=ab%09cd").await;
    assert_eq!(res.status, StatusCode::OK, "a tab is a space between words");
}

/// `/api/search` answers JSON, with a JSON content type, on every error (issue 8.2).
#[tokio::test]
async fn api_search_errors_are_always_json() {
    let app = TestApp::new().await;
    app.note("ab cd and more", &[]).await;
    let long = "x".repeat(101);
    for bad in [
        "/api/search?q=ab%00cd".to_string(),
        "/api/search?q=%00".to_string(),
        format!("/api/search?q={long}"),
        "/api/search?q=ab&limit=abc".to_string(),
        "/api/search?q=ab&limit=99999999999999999999".to_string(),
        "/api/search?q=ab&offset=1e3".to_string(),
        "/api/search?q=ab&offset=100001".to_string(),
        "/api/search?q=ab&q=cd".to_string(),
        "/api/search?q".to_string(),
        "/api/search?q=".to_string(),
    ] {
        let res = app.get(&bad).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{bad}: {}", res.body);
        assert!(
            res.header("content-type").starts_with("application/json"),
            "{bad}: {}",
            res.header("content-type")
        );
        assert!(!res.body.contains("<html"), "{bad}");
        let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(v["error"], "invalid_request", "{bad}");
        assert!(!v["error_description"].as_str().unwrap().is_empty());
    }
    let res = app
        .request(axum::http::Method::POST, "/api/search?q=ab", &[])
        .await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.header("content-type").starts_with("application/json"));
    assert!(res.header("allow").contains("GET"));
    // answered by the site layer before any handler runs: JSON too
    let res = app
        .get(&format!("/api/search?q={}", "a".repeat(5000)))
        .await;
    assert_eq!(res.status, StatusCode::URI_TOO_LONG);
    assert!(res.header("content-type").starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["error"], "invalid_request");
    // and an unknown address under /api/ is a JSON 404
    let res = app.get("/api/nothing-here").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["error"], "not_found");
}
