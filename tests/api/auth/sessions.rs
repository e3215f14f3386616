//! The login page, sessions, CSRF, rate limits and the author h-card.

use axum::http::StatusCode;
use starpunk::auth::crypto::sha256_hex;
use starpunk::auth::session::csrf_token_for;

use super::browser::{Browser, app_for};
use super::provider::{Advert, Provider};
use crate::helpers::TestApp;

#[tokio::test]
async fn login_page_names_the_owner_and_keeps_security_headers() {
    let app = TestApp::new().await;
    let res = app.get("/auth/login?next=%2Fadmin%2Fnew").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("https://owner.example.test/"));
    assert!(res.body.contains("Ada Owner"));
    assert!(
        res.body.contains(r#"name="next" value="/admin/new""#),
        "{}",
        res.body
    );
    assert_eq!(
        res.body.matches("<button").count(),
        2,
        "the search button and one sign-in button"
    );
    assert_eq!(res.header("cache-control"), "private, no-store");
    assert_eq!(res.header("x-content-type-options"), "nosniff");
    assert!(
        res.header("content-security-policy")
            .contains("frame-ancestors 'none'")
    );
    assert!(!res.header("referrer-policy").is_empty());

    let evil = app.get("/auth/login?next=%2F%2Fevil.example%2F").await;
    assert!(!evil.body.contains("evil.example"));
}

#[tokio::test]
async fn pages_needing_a_session_redirect_to_sign_in_and_back() {
    let app = TestApp::new().await;
    let res = app.get("/health?detailed=true").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.header("location"),
        "/auth/login?next=%2Fhealth%3Fdetailed%3Dtrue"
    );
    assert_eq!(app.get("/health").await.status, StatusCode::OK);
}

#[tokio::test]
async fn dev_login_only_in_dev_mode() {
    let app = TestApp::new().await;
    assert_eq!(
        app.get("/auth/dev-login").await.status,
        StatusCode::NOT_FOUND
    );
    let app = TestApp::with(&[("DEV_MODE", "true")]).await;
    let mut b = Browser::new(&app);
    let res = b
        .get("/auth/dev-login?next=%2Fhealth%3Fdetailed%3Dtrue")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/health?detailed=true").await.status, StatusCode::OK);
}

fn csrf_for(app: &TestApp, b: &Browser<'_>) -> String {
    csrf_token_for(
        app.state.auth.key(),
        &sha256_hex(&b.cookies["starpunk_session"]),
    )
}

#[tokio::test]
async fn logout_needs_the_csrf_token() {
    let app = TestApp::with(&[("DEV_MODE", "true")]).await;
    let mut b = Browser::new(&app);
    b.get("/auth/dev-login").await;
    for form in ["", "csrf_token=wrong"] {
        let res = b.post("/auth/logout", form).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{form}");
        assert!(res.body.contains("nothing was changed"), "{}", res.body);
        assert_eq!(
            b.get("/health?detailed=true").await.status,
            StatusCode::OK,
            "still signed in"
        );
    }
    let token = csrf_for(&app, &b);
    let res = b.post("/auth/logout", &format!("csrf_token={token}")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !b.cookies.contains_key("starpunk_session"),
        "the cookie is removed"
    );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0, "the session is gone on the server too");
}

#[tokio::test]
async fn sessions_slide_at_most_hourly_and_expire() {
    let app = TestApp::with(&[("DEV_MODE", "true")]).await;
    let mut b = Browser::new(&app);
    b.get("/auth/dev-login").await;
    let res = b.get("/health?detailed=true").await;
    assert!(
        res.header("set-cookie").is_empty(),
        "no refresh within the hour"
    );
    let pool = app.state.db.pool();
    sqlx::query("UPDATE sessions SET refreshed_at = '2000-01-01T00:00:00.000000Z'")
        .execute(pool)
        .await
        .unwrap();
    let res = b.get("/health?detailed=true").await;
    assert!(
        res.header("set-cookie").starts_with("starpunk_session="),
        "refreshed cookie"
    );
    let refreshed: String = sqlx::query_scalar("SELECT refreshed_at FROM sessions")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(refreshed.as_str() > "2001", "{refreshed}");
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000000Z'")
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(
        b.get("/health?detailed=true").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_per_address() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let me = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let app = TestApp::with(&[("ADMIN_ME", &me)]).await;
    let mut b = Browser::new(&app);
    b.peer = Some("198.51.100.7:4000".parse().unwrap());
    for _ in 0..10 {
        assert_eq!(b.start().await.status, StatusCode::BAD_GATEWAY);
    }
    let res = b.get("/auth/callback?state=x").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Too many sign-in attempts"));
    assert!(res.header("retry-after").parse::<u64>().unwrap() > 0);
    let mut other = Browser::new(&app);
    other.peer = Some("203.0.113.9:4000".parse().unwrap());
    assert_eq!(
        other.start().await.status,
        StatusCode::BAD_GATEWAY,
        "another address has its own budget"
    );
}

#[tokio::test]
async fn author_h_card_is_fetched_cached_and_shown() {
    let p = Provider::start(Advert::LinkHeader).await;
    let app = app_for(&p).await;
    starpunk::auth::author::refresh(&app.state, true).await;
    let author = app.state.site.author();
    assert_eq!(author.name, "Ada Lovelace");
    assert_eq!(
        author.photo.as_deref(),
        Some(format!("{}/ada.jpg", p.base).as_str())
    );
    let home = app.get("/").await;
    assert!(
        home.body.contains("Ada Lovelace"),
        "pages re-render with the new author"
    );
    let card: String = sqlx::query_scalar("SELECT card FROM author_cards")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert!(
        card.contains("Counts things.") && card.contains("https://code.example/ada"),
        "{card}"
    );

    // A failed fetch keeps what was known; nothing known means SITE_AUTHOR.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let me = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let app = TestApp::with(&[("ADMIN_ME", &me)]).await;
    starpunk::auth::author::refresh(&app.state, true).await;
    assert_eq!(app.state.site.author().name, "Ada Owner");
}

#[tokio::test]
async fn cookies_are_secure_on_https() {
    let app = TestApp::with(&[
        ("SITE_URL", "https://blog.example.test"),
        ("DEV_MODE", "true"),
    ])
    .await;
    let res = app.get("/auth/dev-login").await;
    let cookie = res.header("set-cookie");
    assert!(
        cookie.starts_with("starpunk_session=") && cookie.ends_with("; Secure"),
        "{cookie}"
    );
}
