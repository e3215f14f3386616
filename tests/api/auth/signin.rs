//! The sign-in flow against the fake provider: discovery, state, iss, me, failures.

use std::time::{Duration, Instant};

use axum::http::StatusCode;

use super::browser::{Browser, app_for, assert_signed_in};
use super::provider::{Advert, Provider};
use crate::helpers::{SITE, TestApp, find_item, mf2};

#[tokio::test]
async fn endpoint_in_link_header_signs_in_with_pkce() {
    let p = Provider::start(Advert::LinkHeader).await;
    let app = app_for(&p).await;
    let mut b = Browser::new(&app);
    let started = b.start().await;
    let to = url::Url::parse(started.header("location")).unwrap();
    assert_eq!(
        format!("{}{}", to.origin().ascii_serialization(), to.path()),
        format!("{}/auth", p.base)
    );
    assert!(started.header("cache-control").contains("no-store"));
    let callback = b.approve(to.as_str()).await;
    let res = b.get(&callback).await;
    assert_signed_in(&res);

    let seen = p.seen();
    let q = &seen.authorize[0];
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], format!("{SITE}/"));
    assert_eq!(q["redirect_uri"], format!("{SITE}/auth/callback"));
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["me"], p.me());
    assert_eq!(q["state"].len(), 43);
    let r = &seen.redeem[0];
    assert_eq!(r["client_id"], format!("{SITE}/"));
    assert_eq!(r["redirect_uri"], format!("{SITE}/auth/callback"));
    assert!(!r["code_verifier"].is_empty());

    // The session works on a page that needs it.
    let health = b.get("/health?detailed=true").await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.body);
    assert_eq!(
        health.header("cache-control"),
        "private, no-store",
        "it depends on the session"
    );
    let v: serde_json::Value = serde_json::from_str(&health.body).unwrap();
    assert_eq!(v["details"]["notes"], 0);
    assert!(v["details"]["database_bytes"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn endpoint_in_html_link() {
    let p = Provider::start(Advert::HtmlLink).await;
    let app = app_for(&p).await;
    assert_signed_in(&Browser::new(&app).sign_in().await);
}

#[tokio::test]
async fn endpoint_via_metadata_with_matching_iss_and_advertised_on_pages() {
    let p = Provider::start(Advert::Metadata).await;
    p.set(|b| b.iss = Some(format!("{}/", p.base)));
    let app = app_for(&p).await;
    assert_signed_in(&Browser::new(&app).sign_in().await);

    let home = app.get("/").await;
    let link = home.header("link");
    assert!(
        link.contains(&format!(
            "<{}/auth>; rel=\"authorization_endpoint\"",
            p.base
        )),
        "{link}"
    );
    assert!(
        link.contains(&format!("<{}/token>; rel=\"token_endpoint\"", p.base)),
        "{link}"
    );
    let meta = format!("{}/.well-known/oauth-authorization-server", p.base);
    assert!(
        link.contains(&format!("<{meta}>; rel=\"indieauth-metadata\"")),
        "{link}"
    );
    let doc = mf2(&home.body, &format!("{SITE}/"));
    assert_eq!(
        doc["rels"]["authorization_endpoint"][0],
        format!("{}/auth", p.base)
    );
    assert_eq!(
        doc["rels"]["token_endpoint"][0],
        format!("{}/token", p.base)
    );
    assert_eq!(doc["rels"]["indieauth-metadata"][0], meta);
    assert_eq!(
        doc["rels"]["redirect_uri"][0],
        format!("{SITE}/auth/callback")
    );
    let h_app = find_item(&doc, "h-app");
    assert_eq!(h_app["properties"]["url"][0], format!("{SITE}/"));
    assert_eq!(h_app["properties"]["name"][0], "Test Blog");
}

#[tokio::test]
async fn relative_endpoint_and_form_encoded_answer() {
    let p = Provider::start(Advert::Relative).await;
    p.set(|b| b.form_answer = true);
    let app = app_for(&p).await;
    assert_signed_in(&Browser::new(&app).sign_in().await);
}

#[tokio::test]
async fn endpoint_behind_a_redirect_resolves_against_the_final_url() {
    let p = Provider::start(Advert::HtmlLink).await;
    let me = format!("{}/old", p.base);
    p.set(|b| b.me_answer = Some(me.clone()));
    let app = TestApp::with(&[("ADMIN_ME", &me)]).await;
    let mut b = Browser::new(&app);
    let started = b.start().await;
    let target = format!("{}/people/ada/auth?", p.base);
    assert!(
        started.header("location").starts_with(&target),
        "{}",
        started.header("location")
    );
    let callback = b.approve(started.header("location")).await;
    let res = b.get(&callback).await;
    assert_signed_in(&res);
}

#[tokio::test]
async fn replayed_state_is_refused() {
    let p = Provider::start(Advert::LinkHeader).await;
    let app = app_for(&p).await;
    let mut b = Browser::new(&app);
    let started = b.start().await;
    let callback = b.approve(started.header("location")).await;
    assert_signed_in(&b.get(&callback).await);
    let again = b.get(&callback).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("already used"), "{}", again.body);
    assert!(again.header("set-cookie").is_empty());
}

#[tokio::test]
async fn expired_state_is_refused() {
    let p = Provider::start(Advert::LinkHeader).await;
    let app = app_for(&p).await;
    let mut b = Browser::new(&app);
    let started = b.start().await;
    let callback = b.approve(started.header("location")).await;
    sqlx::query("UPDATE auth_requests SET expires_at = '2000-01-01T00:00:00.000000Z'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let res = b.get(&callback).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("expired"), "{}", res.body);
    assert!(
        p.seen().redeem.is_empty(),
        "an expired state never reaches redemption"
    );
}

#[tokio::test]
async fn state_from_another_browser_missing_or_unknown_is_refused() {
    let p = Provider::start(Advert::LinkHeader).await;
    let app = app_for(&p).await;
    let mut b = Browser::new(&app);
    let started = b.start().await;
    let callback = b.approve(started.header("location")).await;
    let mut other = Browser::new(&app);
    let res = other.get(&callback).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("another browser"), "{}", res.body);

    let res = b.get("/auth/callback?code=x").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("no state"), "{}", res.body);
    let res = b.get("/auth/callback?code=x&state=made-up").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("Unknown sign-in"), "{}", res.body);
    assert!(p.seen().redeem.is_empty());
}

#[tokio::test]
async fn iss_mismatch_is_refused() {
    let p = Provider::start(Advert::Metadata).await;
    p.set(|b| b.iss = Some("https://evil.example/".into()));
    let app = app_for(&p).await;
    let res = Browser::new(&app).sign_in().await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("wrong sign-in service"), "{}", res.body);
    assert!(p.seen().redeem.is_empty());
}

/// RFC 9207 (issue 8.4): a provider whose metadata promises `iss` must send it; an
/// answer without it may come from a mix-up attacker and is refused before redemption.
#[tokio::test]
async fn missing_iss_is_refused_when_the_metadata_promises_it() {
    let p = Provider::start(Advert::Metadata).await;
    p.set(|b| {
        b.iss_promised = true;
        b.iss = None;
    });
    let app = app_for(&p).await;
    let res = Browser::new(&app).sign_in().await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(
        res.body.contains("did not say where it came from"),
        "{}",
        res.body
    );
    assert!(
        !res.headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("starpunk_session=")),
        "nobody is signed in"
    );
    assert!(p.seen().redeem.is_empty(), "the code is never redeemed");

    // With the promised iss the same provider signs in.
    p.set(|b| b.iss = Some(format!("{}/", p.base)));
    assert_signed_in(&Browser::new(&app).sign_in().await);
}

/// Without the promise, `iss` stays optional (older IndieAuth providers send none).
#[tokio::test]
async fn missing_iss_is_accepted_when_not_promised() {
    let p = Provider::start(Advert::Metadata).await;
    let app = app_for(&p).await;
    assert_signed_in(&Browser::new(&app).sign_in().await);
}

#[tokio::test]
async fn someone_else_is_not_signed_in() {
    let p = Provider::start(Advert::LinkHeader).await;
    p.set(|b| b.me_answer = Some("https://mallory.example/".into()));
    let app = app_for(&p).await;
    let mut b = Browser::new(&app);
    let res = b.sign_in().await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body.contains("Signed in as someone else"),
        "{}",
        res.body
    );
    assert!(res.body.contains("https://mallory.example/"));
    assert!(!b.cookies.contains_key("starpunk_session"));
}

#[tokio::test]
async fn provider_access_denied_is_explained() {
    let p = Provider::start(Advert::LinkHeader).await;
    p.set(|b| b.error_for = Some(("code", "access_denied")));
    let app = app_for(&p).await;
    let res = Browser::new(&app).sign_in().await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("access_denied"), "{}", res.body);
    assert!(res.header("content-type").starts_with("text/html"));
}

#[tokio::test]
async fn unsupported_response_type_gets_one_legacy_retry() {
    let p = Provider::start(Advert::LinkHeader).await;
    p.set(|b| b.error_for = Some(("code", "unsupported_response_type")));
    let app = app_for(&p).await;
    let mut b = Browser::new(&app);
    let started = b.start().await;
    let callback = b.approve(started.header("location")).await;
    let first = b.get(&callback).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert!(
        first.header("location").contains("response_type=id"),
        "{}",
        first.header("location")
    );
    let callback = b.approve(first.header("location")).await;
    let done = b.get(&callback).await;
    assert_signed_in(&done);

    // A provider that refuses both gets no third try.
    let p = Provider::start(Advert::LinkHeader).await;
    p.set(|b| b.error_for = Some(("code", "unsupported_response_type")));
    let app = app_for(&p).await;
    let mut b = Browser::new(&app);
    let started = b.start().await;
    let callback = b.approve(started.header("location")).await;
    let first = b.get(&callback).await;
    p.set(|b| b.error_for = Some(("id", "unsupported_response_type")));
    let callback = b.approve(first.header("location")).await;
    let second = b.get(&callback).await;
    assert_eq!(second.status, StatusCode::BAD_GATEWAY);
    assert!(
        second.body.contains("unsupported_response_type"),
        "{}",
        second.body
    );
}

#[tokio::test]
async fn provider_down_is_explained() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let me = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let app = TestApp::with(&[("ADMIN_ME", &me)]).await;
    let res = Browser::new(&app).start().await;
    assert_eq!(res.status, StatusCode::BAD_GATEWAY);
    assert!(res.body.contains("could not be reached"), "{}", res.body);
    assert_eq!(res.header("cache-control"), "private, no-store");
}

#[tokio::test]
async fn slow_provider_times_out() {
    let p = Provider::start(Advert::LinkHeader).await;
    let app = TestApp::with(&[("ADMIN_ME", &format!("{}/slow", p.base))]).await;
    app.state.auth.set_fetch_timeout(Duration::from_millis(300));
    let t = Instant::now();
    let res = Browser::new(&app).start().await;
    assert_eq!(res.status, StatusCode::GATEWAY_TIMEOUT, "{}", res.body);
    assert!(res.body.contains("did not answer"), "{}", res.body);
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "the timeout, not the provider, ended it"
    );
}

#[tokio::test]
async fn no_endpoint_and_plain_http_endpoint_are_explained() {
    let p = Provider::start(Advert::Nothing).await;
    let app = app_for(&p).await;
    let res = Browser::new(&app).start().await;
    assert_eq!(res.status, StatusCode::BAD_GATEWAY);
    assert!(
        res.body.contains("No sign-in service found"),
        "{}",
        res.body
    );

    p.set(|b| b.advert = Advert::PlainHttp);
    let res = Browser::new(&app).start().await;
    assert_eq!(res.status, StatusCode::BAD_GATEWAY);
    assert!(res.body.contains("is not https"), "{}", res.body);
}

#[tokio::test]
async fn without_admin_me_sign_in_is_the_blogs_own() {
    // ADMIN_ME unset: the blog is its own identity (tests/api/owner_signin), so sign-in
    // no longer answers "not configured": the page says how to set a credential up,
    // and a password POST without one is refused.
    let app = TestApp::with(&[("ADMIN_ME", "")]).await;
    let page = app.get("/auth/login").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("starpunk set-password"), "{}", page.body);
    let res = Browser::new(&app).start().await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn two_sign_ins_started_in_one_browser_both_stay_valid() {
    let p = Provider::start(Advert::LinkHeader).await;
    let app = app_for(&p).await;
    let mut b = Browser::new(&app);
    let first = b.start().await;
    let second = b.start().await;
    assert_ne!(first.header("location"), second.header("location"));
    let callback = b.approve(first.header("location")).await;
    assert_signed_in(&b.get(&callback).await);
}
