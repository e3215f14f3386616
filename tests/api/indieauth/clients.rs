//! What the consent page knows about an app: from its metadata, from an h-app page,
//! or nothing at all.

use axum::http::header;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use super::support::*;

#[tokio::test]
async fn consent_works_when_the_app_cannot_be_fetched() {
    let server = own_server().await;
    // A port nobody listens on: the metadata fetch fails at once.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let client_id = format!("http://127.0.0.1:{port}/app");
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let verifier = starpunk::auth::crypto::random_token();
    let q = form(&[
        ("response_type", "code"),
        ("client_id", &client_id),
        ("redirect_uri", &redirect),
        ("state", "s"),
        (
            "code_challenge",
            &starpunk::auth::crypto::pkce_challenge(&verifier),
        ),
        ("code_challenge_method", "S256"),
        ("scope", "create"),
    ]);
    let cookie = sign_in(&server).await;
    let page = get_authorize(&server, Some(&cookie), &q).await;
    assert_eq!(page.status(), StatusCode::OK);
    let consent = parse_consent(&page.text().await.unwrap());
    let doc = Html::parse_document(&consent.html);
    let name = Selector::parse(".consent-app-name").unwrap();
    assert_eq!(
        doc.select(&name).next().unwrap().inner_html(),
        format!("127.0.0.1:{port}"),
        "the bare address stands in for the name"
    );
    assert!(
        doc.select(&Selector::parse("img.consent-logo").unwrap())
            .next()
            .is_none()
    );
    let res = post_consent(&server, &cookie, &consent, &["create"], "approve", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location_params(&res).1.contains_key("code"));
}

#[tokio::test]
async fn an_app_described_by_an_h_app_page() {
    let server = own_server().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Its redirect target is on "another host" (localhost), listed as a rel link.
    let page = format!(
        r#"<!doctype html><link rel="redirect_uri" href="http://localhost:{port}/back">
        <div class="h-app"><img class="u-logo" src="/logo.png" alt="">
        <a class="u-url p-name" href="/">Old School App</a></div>"#
    );
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::get(move || {
                let page = page.clone();
                async move { ([(header::CONTENT_TYPE, "text/html")], page) }
            }),
        )
        .route(
            "/logo.png",
            axum::routing::get(|| async { ([(header::CONTENT_TYPE, "image/png")], LOGO_PNG) }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client_id = format!("http://127.0.0.1:{port}/");
    let redirect = format!("http://localhost:{port}/back");
    let verifier = starpunk::auth::crypto::random_token();
    let q = form(&[
        ("response_type", "code"),
        ("client_id", &client_id),
        ("redirect_uri", &redirect),
        ("state", "s"),
        (
            "code_challenge",
            &starpunk::auth::crypto::pkce_challenge(&verifier),
        ),
        ("code_challenge_method", "S256"),
        ("scope", "create"),
    ]);
    let cookie = sign_in(&server).await;
    let res = get_authorize(&server, Some(&cookie), &q).await;
    assert_eq!(res.status(), StatusCode::OK);
    let consent = parse_consent(&res.text().await.unwrap());
    let doc = Html::parse_document(&consent.html);
    let name = Selector::parse(".consent-app-name").unwrap();
    assert_eq!(
        doc.select(&name).next().unwrap().inner_html(),
        "Old School App"
    );
    let logo = Selector::parse("img.consent-logo").unwrap();
    assert!(doc.select(&logo).next().is_some());
    let res = post_consent(&server, &cookie, &consent, &["create"], "approve", None).await;
    let (loc, p) = location_params(&res);
    assert!(loc.starts_with(&redirect));
    let (status, tok, _) = post_form(
        &server,
        "/auth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &p["code"]),
            ("client_id", &client_id),
            ("redirect_uri", &redirect),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tok}");
}

#[tokio::test]
async fn a_loopback_app_cannot_send_the_code_to_another_host() {
    let server = own_server().await;
    let steal = "https://attacker.example/steal";
    let app = FakeApp::start(&[steal]).await;
    let cookie = sign_in(&server).await;
    let (q, _) = app.query("create", "st");
    let q = q.replace(
        &form(&[("redirect_uri", &app.redirect_uri)]),
        &form(&[("redirect_uri", steal)]),
    );
    assert!(q.contains("attacker.example"));
    let res = get_authorize(&server, Some(&cookie), &q).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get(header::LOCATION).is_none());
    let body = res.text().await.unwrap();
    assert!(body.contains("on this computer"), "{body}");
    // Its own callback still works.
    let (q, _) = app.query("create", "st");
    let res = get_authorize(&server, Some(&cookie), &q).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn approving_does_not_fetch_the_app_again() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let server = own_server().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let client_id = format!("http://127.0.0.1:{port}/app");
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let doc = serde_json::json!({
        "client_id": client_id,
        "client_name": "Counted",
        "client_uri": format!("http://127.0.0.1:{port}/"),
        "redirect_uris": [redirect],
    })
    .to_string();
    let fetches = Arc::new(AtomicUsize::new(0));
    let seen = fetches.clone();
    let app = axum::Router::new().route(
        "/app",
        axum::routing::get(move || {
            seen.fetch_add(1, Ordering::SeqCst);
            let doc = doc.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], doc) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let verifier = starpunk::auth::crypto::random_token();
    let q = form(&[
        ("response_type", "code"),
        ("client_id", &client_id),
        ("redirect_uri", &redirect),
        ("state", "s"),
        (
            "code_challenge",
            &starpunk::auth::crypto::pkce_challenge(&verifier),
        ),
        ("code_challenge_method", "S256"),
        ("scope", "create"),
    ]);
    let cookie = sign_in(&server).await;
    let page = get_authorize(&server, Some(&cookie), &q).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    let consent = parse_consent(&page.text().await.unwrap());
    let res = post_consent(&server, &cookie, &consent, &["create"], "approve", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "no second fetch");
    let known = starpunk::db::clients::all(&server.state.db).await.unwrap();
    let known = known.iter().find(|k| k.client_id == client_id).unwrap();
    assert_eq!(known.name.as_deref(), Some("Counted"));
}
