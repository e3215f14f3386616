//! The machine-facing endpoints one by one: metadata, CORS, bearer checks, external
//! mode, the failure limit.

use axum::http::header;
use reqwest::StatusCode;
use serde_json::Value;
use starpunk::auth::crypto::random_token;

use super::support::*;
use crate::helpers::TestServer;

#[tokio::test]
async fn metadata_lists_every_endpoint() {
    let server = own_server().await;
    let res = server
        .client()
        .get(server.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(
        res.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let m: Value = res.json().await.unwrap();
    let site = "http://blog.example.test";
    assert_eq!(m["issuer"], format!("{site}/"));
    assert_eq!(
        m["authorization_endpoint"],
        format!("{site}/auth/authorize")
    );
    assert_eq!(m["token_endpoint"], format!("{site}/auth/token"));
    assert_eq!(
        m["introspection_endpoint"],
        format!("{site}/auth/introspect")
    );
    assert_eq!(m["revocation_endpoint"], format!("{site}/auth/revoke"));
    assert_eq!(m["userinfo_endpoint"], format!("{site}/auth/userinfo"));
    assert_eq!(
        m["introspection_endpoint_auth_methods_supported"][0],
        "Bearer"
    );
    assert_eq!(m["revocation_endpoint_auth_methods_supported"][0], "none");
    assert_eq!(m["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        m["grant_types_supported"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(m["authorization_response_iss_parameter_supported"], true);
    let scopes: Vec<&str> = m["scopes_supported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for s in ["create", "update", "delete", "media", "profile", "email"] {
        assert!(scopes.contains(&s), "{s}");
    }
}

#[tokio::test]
async fn cors_preflight_on_the_token_endpoint() {
    let server = own_server().await;
    for path in [
        "/auth/token",
        "/auth/introspect",
        "/auth/revoke",
        "/auth/userinfo",
        "/auth/authorize",
    ] {
        let res = server
            .client()
            .request(reqwest::Method::OPTIONS, server.url(path))
            .header(header::ORIGIN, "https://app.example")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
        let h = res.headers();
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(
            h[header::ACCESS_CONTROL_ALLOW_HEADERS]
                .to_str()
                .unwrap()
                .contains("Authorization")
        );
        assert!(h.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
        assert!(
            h[header::ACCESS_CONTROL_ALLOW_METHODS]
                .to_str()
                .unwrap()
                .contains("POST"),
            "{path}"
        );
    }
    // The consent form is the owner's, posted from our own page: no CORS there.
    let res = server
        .client()
        .request(
            reqwest::Method::OPTIONS,
            server.url("/auth/authorize/consent"),
        )
        .header(header::ORIGIN, "https://app.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
}

#[tokio::test]
async fn bearer_checks() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let http = server.client();

    // Introspection without a bearer token, or with a wrong one: 401.
    let (status, body, headers) =
        post_form(&server, "/auth/introspect", &[("token", "x")], None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    let (status, _, _) = post_form(
        &server,
        "/auth/introspect",
        &[("token", "x")],
        Some(&random_token()),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A session cookie counts for nothing here.
    let cookie = sign_in(&server).await;
    let res = http
        .get(server.url("/auth/token"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Userinfo needs the profile scope.
    let tok = tokens_for(&server, &app, "create").await;
    let access = tok["access_token"].as_str().unwrap();
    let res = http
        .get(server.url("/auth/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_scope");
    let res = http.get(server.url("/auth/userinfo")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Revoking an unknown token is fine; the legacy action=revoke works.
    let (status, _, _) =
        post_form(&server, "/auth/revoke", &[("token", &random_token())], None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = post_form(
        &server,
        "/auth/token",
        &[("action", "revoke"), ("token", access)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let res = http
        .get(server.url("/auth/token"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn json_bodies_are_accepted() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let cookie = sign_in(&server).await;
    let (code, verifier) = code_for(&server, &app, &cookie, "create", &["create"]).await;
    let res = server
        .client()
        .post(server.url("/auth/token"))
        .json(&serde_json::json!({
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app.client_id,
            "redirect_uri": app.redirect_uri,
            "code_verifier": verifier,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let big = "a".repeat(20_000);
    let (status, _, _) = post_form(&server, "/auth/token", &[("code", &big)], None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn external_mode_has_none_of_these_routes() {
    let server = TestServer::start(&[]).await;
    let http = server.client();
    for path in [
        "/.well-known/oauth-authorization-server",
        "/auth/authorize?client_id=https://app.example/",
        "/auth/token",
        "/auth/userinfo",
    ] {
        let res = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        "/auth/token",
        "/auth/introspect",
        "/auth/revoke",
        "/auth/authorize",
        "/auth/authorize/consent",
    ] {
        let (status, _, _) = post_form(&server, path, &[("token", "x")], None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn repeated_failures_are_slowed_down() {
    let server = own_server().await;
    let pairs = [
        ("grant_type", "authorization_code"),
        ("code", "guess"),
        ("client_id", "https://app.example/"),
        ("redirect_uri", "https://app.example/cb"),
    ];
    for _ in 0..starpunk::auth::tokens::limit::MAX_FAILURES {
        let (status, _, _) = post_form(&server, "/auth/token", &pairs, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let (status, body, headers) = post_form(&server, "/auth/token", &pairs, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"], "slow_down");
    assert!(headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn own_tokens_are_not_rate_limited_but_guesses_are() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let tok = tokens_for(&server, &app, "create").await;
    let access = tok["access_token"].as_str().unwrap();
    let limit = starpunk::micropub::token::CHECKS_PER_MINUTE as usize;
    for i in 0..limit + 5 {
        let res = micropub_create(&server, access, &format!("note {i}")).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create {i}");
    }
    let mut statuses = Vec::new();
    for _ in 0..limit + 2 {
        statuses.push(
            micropub_create(&server, &random_token(), "guess")
                .await
                .status(),
        );
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
}
