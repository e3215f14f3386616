//! Bad input gets the right status and a page that explains it; never a 500.

use axum::http::{Method, StatusCode};

use crate::helpers::TestApp;

#[tokio::test]
async fn bad_input_gets_clear_errors() {
    let app = TestApp::new().await;
    app.note("something to find", &[]).await;
    let long = format!("/?x={}", "a".repeat(10_000));
    let cases: Vec<(&str, StatusCode)> = vec![
        ("/?page=abc", StatusCode::BAD_REQUEST),
        ("/?page=-1", StatusCode::BAD_REQUEST),
        ("/?page=0", StatusCode::BAD_REQUEST),
        ("/?before=garbage", StatusCode::BAD_REQUEST),
        ("/?after=1.x", StatusCode::BAD_REQUEST),
        (&long, StatusCode::URI_TOO_LONG),
        ("/nothing-here", StatusCode::NOT_FOUND),
        ("/note/", StatusCode::NOT_FOUND),
    ];
    for (path, want) in cases {
        let res = app.get(path).await;
        assert_eq!(res.status, want, "{}", &path[..path.len().min(40)]);
        assert!(
            res.header("content-type").starts_with("text/html"),
            "{path}"
        );
        assert!(
            res.body.contains("<html") && res.body.contains("Test Blog"),
            "site layout for {path}"
        );
        assert!(res.body.contains(&want.as_u16().to_string()));
    }
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let app = TestApp::new().await;
    let res = app.request(Method::POST, "/", &[]).await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.header("allow").contains("GET"));
    assert!(res.body.contains("<html"));
    let res = app.request(Method::DELETE, "/feed.atom", &[]).await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    // A POST-only route names POST, not the GET a page would have.
    let res = app.request(Method::GET, "/auth/logout", &[]).await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.header("allow"), "POST");
    assert!(res.body.contains("<html"));
}

#[tokio::test]
async fn garbage_accept_headers_never_500() {
    let app = TestApp::new().await;
    app.note("n", &[]).await;
    for accept in ["", "*/*;q=abc", ";;;", "a/b/c", "application/rss+xml;q=-1"] {
        for path in ["/", "/feed", "/feed.atom", "/search?q=test"] {
            let res = app.get_with(path, &[("accept", accept)]).await;
            assert!(
                res.status.as_u16() < 500,
                "{path} with {accept:?} -> {}",
                res.status
            );
        }
    }
}
