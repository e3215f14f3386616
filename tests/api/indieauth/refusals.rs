//! What the server refuses, and that a refusal changes nothing.

use std::sync::Arc;

use axum::http::header;
use reqwest::StatusCode;
use starpunk::auth::crypto::{pkce_challenge, random_token};
use starpunk::auth::tokens::{Pkce, TokenService};

use super::support::*;
use crate::helpers::TestServer;

/// A query built from `pairs`, the application's defaults filled in.
fn query_with(app: &FakeApp, pairs: &[(&str, &str)]) -> String {
    let challenge = pkce_challenge(&random_token());
    let mut all: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", &app.client_id),
        ("redirect_uri", &app.redirect_uri),
        ("state", "s"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
        ("scope", "create"),
    ];
    for (k, v) in pairs {
        all.retain(|(ak, _)| ak != k);
        if !v.is_empty() {
            all.push((k, v));
        }
    }
    form(&all)
}

/// Asserts an error page (400, HTML) with no redirect anywhere.
async fn assert_error_page(res: reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get(header::LOCATION).is_none());
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    res.text().await.unwrap()
}

#[tokio::test]
async fn wrong_verifier_and_reused_code() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let cookie = sign_in(&server).await;

    let (code, _) = code_for(&server, &app, &cookie, "create", &["create"]).await;
    let (status, body) = redeem(&server, &app, &code, &random_token()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    // A code used twice: refused, and the token it gave is revoked.
    let (code, verifier) = code_for(&server, &app, &cookie, "create", &["create"]).await;
    let (status, first) = redeem(&server, &app, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(
        micropub_create(&server, access, "before").await.status(),
        StatusCode::CREATED
    );
    let (status, again) = redeem(&server, &app, &code, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(again["error"], "invalid_grant");
    assert_eq!(
        micropub_create(&server, access, "after").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn missing_or_plain_pkce_goes_back_to_the_client() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let cookie = sign_in(&server).await;
    for q in [
        query_with(
            &app,
            &[("code_challenge", ""), ("code_challenge_method", "")],
        ),
        query_with(&app, &[("code_challenge_method", "plain")]),
    ] {
        let res = get_authorize(&server, Some(&cookie), &q).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (loc, p) = location_params(&res);
        assert!(loc.starts_with(&app.redirect_uri));
        assert_eq!(p["error"], "invalid_request");
        assert_eq!(p["state"], "s");
        assert_eq!(p["iss"], "http://blog.example.test/");
        assert!(!p.contains_key("code"));
    }
}

#[tokio::test]
async fn pkce_can_be_made_optional_with_a_warning() {
    let server = TestServer::start(&[("ADMIN_ME", ""), ("INDIEAUTH_REQUIRE_PKCE", "false")]).await;
    let app = FakeApp::start(&[]).await;
    let cookie = sign_in(&server).await;
    let q = query_with(
        &app,
        &[("code_challenge", ""), ("code_challenge_method", "")],
    );
    let page = get_authorize(&server, Some(&cookie), &q).await;
    assert_eq!(page.status(), StatusCode::OK);
    let consent = parse_consent(&page.text().await.unwrap());
    let doc = scraper::Html::parse_document(&consent.html);
    let warn = scraper::Selector::parse(".consent-pkce").unwrap();
    assert!(doc.select(&warn).next().is_some(), "the owner is warned");
    let res = post_consent(&server, &cookie, &consent, &["create"], "approve", None).await;
    let (_, p) = location_params(&res);
    let (status, body, _) = post_form(
        &server,
        "/auth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &p["code"]),
            ("client_id", &app.client_id),
            ("redirect_uri", &app.redirect_uri),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Plain is refused even so.
    let q = query_with(&app, &[("code_challenge_method", "plain")]);
    let res = get_authorize(&server, Some(&cookie), &q).await;
    assert_eq!(location_params(&res).1["error"], "invalid_request");
}

#[tokio::test]
async fn expired_code() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let verifier = random_token();
    let challenge = pkce_challenge(&verifier);
    let eleven_minutes_ago = chrono::Utc::now() - chrono::Duration::minutes(11);
    let past = TokenService::new(server.state.db.clone(), true)
        .with_clock(Arc::new(move || eleven_minutes_ago));
    let code = past
        .issue_code(
            &app.client_id,
            &app.redirect_uri,
            Some(Pkce {
                method: "S256",
                challenge: &challenge,
            }),
            "create",
            "http://blog.example.test/",
        )
        .await
        .unwrap();
    let (status, body) = redeem(&server, &app, &code, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn redirect_uri_elsewhere_must_be_listed() {
    let server = own_server().await;
    let app = FakeApp::start(&["http://localhost:{port}/listed"]).await;
    let cookie = sign_in(&server).await;

    let unlisted = format!("http://localhost:{}/not-listed", app.port);
    let res = get_authorize(
        &server,
        Some(&cookie),
        &query_with(&app, &[("redirect_uri", &unlisted)]),
    )
    .await;
    let page = assert_error_page(res).await;
    assert!(page.contains("redirect"), "{page}");

    let listed = format!("http://localhost:{}/listed", app.port);
    let res = get_authorize(
        &server,
        Some(&cookie),
        &query_with(&app, &[("redirect_uri", &listed)]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let consent = parse_consent(&res.text().await.unwrap());
    let doc = scraper::Html::parse_document(&consent.html);
    let warn = scraper::Selector::parse(".consent-redirect.warning").unwrap();
    assert!(
        doc.select(&warn).next().is_some(),
        "another host is pointed out"
    );
    let res = post_consent(&server, &cookie, &consent, &["create"], "approve", None).await;
    let (loc, p) = location_params(&res);
    assert!(loc.starts_with(&listed));
    assert!(p.contains_key("code"));
}

#[tokio::test]
async fn bad_client_ids_get_an_error_page_even_before_sign_in() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let cookie = sign_in(&server).await;
    for bad in [
        format!("http://127.0.0.1:{}/app#frag", app.port),
        format!("http://user:pw@127.0.0.1:{}/app", app.port),
        "http://10.0.0.1/app".to_string(),
        "ftp://app.example/".to_string(),
    ] {
        for c in [None, Some(cookie.as_str())] {
            let res = get_authorize(&server, c, &query_with(&app, &[("client_id", &bad)])).await;
            assert_error_page(res).await;
        }
    }
    let res = get_authorize(
        &server,
        Some(&cookie),
        &query_with(&app, &[("redirect_uri", "javascript:alert(1)")]),
    )
    .await;
    assert_error_page(res).await;
}

#[tokio::test]
async fn consent_needs_its_csrf_token() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let cookie = sign_in(&server).await;
    let (q, _) = app.query("create", "s");
    let page = get_authorize(&server, Some(&cookie), &q).await;
    let consent = parse_consent(&page.text().await.unwrap());
    for csrf in [Some(""), Some("not-the-token")] {
        let res = post_consent(&server, &cookie, &consent, &["create"], "approve", csrf).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.headers().get(header::LOCATION).is_none());
    }
    // An altered form (a scope that was not asked for, another redirect) is refused.
    let res = post_consent(
        &server,
        &cookie,
        &consent,
        &["create", "delete"],
        "approve",
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let mut altered = parse_consent(&consent.html);
    for (k, v) in altered.hidden.iter_mut() {
        if k == "redirect_uri" {
            *v = format!("http://127.0.0.1:{}/elsewhere", app.port);
        }
    }
    let res = post_consent(&server, &cookie, &altered, &["create"], "approve", None).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get(header::LOCATION).is_none());
    // The same form from another session is refused too.
    let other = sign_in(&server).await;
    let res = post_consent(&server, &other, &consent, &["create"], "approve", None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deny_sends_access_denied() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let cookie = sign_in(&server).await;
    let (q, _) = app.query("create", "keep-me");
    let page = get_authorize(&server, Some(&cookie), &q).await;
    let consent = parse_consent(&page.text().await.unwrap());
    let res = post_consent(&server, &cookie, &consent, &["create"], "deny", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, p) = location_params(&res);
    assert_eq!(p["error"], "access_denied");
    assert_eq!(p["state"], "keep-me");
    assert_eq!(p["iss"], "http://blog.example.test/");
    assert!(!p.contains_key("code"));
}

#[tokio::test]
async fn refresh_cannot_widen_and_grant_types_are_checked() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let tok = tokens_for(&server, &app, "create").await;
    let refresh = tok["refresh_token"].as_str().unwrap();
    let (status, body, _) = post_form(
        &server,
        "/auth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", &app.client_id),
            ("scope", "create delete"),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_scope");
    // Still good for a narrower or equal scope.
    let (status, body, _) = post_form(
        &server,
        "/auth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", &app.client_id),
            ("scope", "create"),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    for (pairs, error) in [
        (vec![("grant_type", "password")], "unsupported_grant_type"),
        (vec![("code", "x")], "invalid_request"),
        (
            vec![("grant_type", "authorization_code"), ("code", "x")],
            "invalid_request",
        ),
    ] {
        let (status, body, headers) = post_form(&server, "/auth/token", &pairs, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], error);
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    }
}
