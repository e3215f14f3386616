//! Browser-based clients: CORS on both endpoints (any origin may send an
//! `Authorization` header, `Location` is exposed), and cookies that never authorise.

use axum::http::StatusCode;

use super::client::{Blog, Req, assert_error, created};
use super::token_endpoint::Advert;

#[tokio::test]
async fn a_session_cookie_never_authorises() {
    let blog = Blog::start_with(Advert::HtmlLink, &[("DEV_MODE", "true")]).await;
    let login = blog.get("/auth/dev-login").await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    let cookie = login
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("starpunk_session="))
        .expect("a session")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        blog.get_with("/admin/", &[("cookie", &cookie)])
            .await
            .status,
        StatusCode::OK,
        "the session works for the admin"
    );
    let req = Req {
        content_type: Some("application/x-www-form-urlencoded"),
        headers: &[("cookie", &cookie), ("origin", "https://evil.example")],
        body: b"h=entry&content=csrf".to_vec(),
        ..Default::default()
    };
    let res = blog.send(reqwest::Method::POST, "/micropub", req).await;
    assert_error(&res, StatusCode::UNAUTHORIZED, "unauthorized");
    blog.assert_nothing_stored().await;
}

#[tokio::test]
async fn cors_preflight_and_exposed_location() {
    let blog = Blog::start().await;
    for path in ["/micropub", "/micropub/media"] {
        let req = Req {
            headers: &[
                ("origin", "https://client.example"),
                ("access-control-request-method", "POST"),
                (
                    "access-control-request-headers",
                    "authorization, content-type",
                ),
            ],
            ..Default::default()
        };
        let res = blog.send(reqwest::Method::OPTIONS, path, req).await;
        assert!(
            res.status == StatusCode::NO_CONTENT || res.status == StatusCode::OK,
            "{path}: {}",
            res.status
        );
        assert_eq!(res.header("access-control-allow-origin"), "*", "{path}");
        let headers = res.header("access-control-allow-headers").to_lowercase();
        // `*` does not cover Authorization (Fetch standard): it must be named.
        assert!(headers.contains("authorization"), "{path}: {headers:?}");
        let methods = res.header("access-control-allow-methods").to_uppercase();
        assert!(
            methods.contains("POST") || methods == "*",
            "{path}: {methods:?}"
        );
        assert!(
            res.header("access-control-allow-credentials").is_empty(),
            "no cookies are honoured, so none are invited"
        );
    }
    let req = Req {
        bearer: Some(&blog.token),
        content_type: Some("application/x-www-form-urlencoded"),
        headers: &[("origin", "https://client.example")],
        body: b"h=entry&content=from+a+browser".to_vec(),
    };
    let res = blog.send(reqwest::Method::POST, "/micropub", req).await;
    created(&res);
    assert_eq!(res.header("access-control-allow-origin"), "*");
    assert!(
        res.header("access-control-expose-headers")
            .to_lowercase()
            .contains("location"),
        "{:?}",
        res.header("access-control-expose-headers")
    );
    // Errors carry the CORS header too, so a browser client can read them.
    let req = Req {
        content_type: Some("application/x-www-form-urlencoded"),
        headers: &[("origin", "https://client.example")],
        body: b"h=entry&content=x".to_vec(),
        ..Default::default()
    };
    let res = blog.send(reqwest::Method::POST, "/micropub", req).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.header("access-control-allow-origin"), "*");
}
