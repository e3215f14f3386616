//! The Apps page: apps holding live tokens with what the consent page learnt of them,
//! revocation behind CSRF and a confirmation step, and what a revoked token then gets.

use std::time::Duration;

use image::ImageFormat;
use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;
use scraper::{ElementRef, Html, Selector};
use starpunk::auth::crypto::{pkce_challenge, random_token};
use starpunk::auth::tokens::{Issued, Pkce};
use starpunk::db::clients::{KnownClient, remember};

use super::Owner;
use crate::admin::image_bytes;

const QUILL: &str = "https://quill.example.test/";
const OTHER: &str = "https://other.example.test/app";
const NINETY_DAYS: Duration = Duration::from_secs(90 * 24 * 3600);

/// Tokens for `scope` issued to `client` through the code flow, as the token endpoint
/// would issue them.
async fn issue(owner: &Owner, client: &str, scope: &str, lifetime: Option<Duration>) -> Issued {
    let svc = &owner.server.state.tokens;
    let redirect = format!("{client}/callback");
    let verifier = random_token();
    let challenge = pkce_challenge(&verifier);
    let pkce = Pkce {
        method: "S256",
        challenge: &challenge,
    };
    let me = owner.server.state.config.me();
    let code = svc
        .issue_code(client, &redirect, Some(pkce), scope, &me)
        .await
        .unwrap();
    let redeemed = svc
        .redeem_code(&code, client, &redirect, Some(&verifier))
        .await
        .unwrap();
    svc.issue_tokens(&redeemed, true, lifetime).await.unwrap()
}

async fn remember_quill(owner: &Owner) -> Vec<u8> {
    let logo = image_bytes(ImageFormat::Png, 16, 16);
    let known = KnownClient {
        client_id: QUILL.into(),
        name: Some("Quill".into()),
        url: Some("https://quill.example.test/about".into()),
        logo_type: Some("image/png".into()),
        logo: Some(logo.clone()),
    };
    remember(&owner.server.state.db, &known, chrono::Utc::now())
        .await
        .unwrap();
    logo
}

async fn micropub_status(owner: &Owner, token: &str) -> StatusCode {
    owner
        .http
        .post(owner.server.url("/micropub"))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .form(&[("h", "entry"), ("content", "posted from an app")])
        .send()
        .await
        .unwrap()
        .status()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(el: ElementRef<'_>, s: &str) -> String {
    el.select(&sel(s))
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string())
        .unwrap_or_default()
}

/// The app of the Apps page whose client id is `client`.
fn item<'a>(doc: &'a Html, client: &str) -> Option<ElementRef<'a>> {
    doc.select(&sel(".app-item"))
        .find(|i| text(*i, ".app-id") == client)
}

#[tokio::test]
async fn with_no_app_the_page_says_how_apps_get_here() {
    let owner = Owner::start().await;
    let page = owner.get("/admin/apps").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), "private, no-store");
    assert!(page.body.contains("No app can post"));
    assert!(page.body.contains("http://blog.example.test/"));
    assert!(!page.body.contains("app-item"));
}

#[tokio::test]
async fn apps_are_listed_with_logo_scopes_and_dates() {
    let owner = Owner::start().await;
    let logo = remember_quill(&owner).await;
    let quill = issue(&owner, QUILL, "create media", Some(NINETY_DAYS)).await;
    issue(&owner, OTHER, "profile", None).await;
    // Quill posts once: "last used" is recorded.
    assert_eq!(
        micropub_status(&owner, &quill.access_token).await,
        StatusCode::CREATED
    );

    let page = owner.get("/admin/apps").await;
    assert_eq!(page.status, StatusCode::OK);
    let doc = Html::parse_document(&page.body);
    assert_eq!(doc.select(&sel(".app-item")).count(), 2);

    let q = item(&doc, QUILL).expect("Quill is listed");
    assert_eq!(text(q, ".app-name"), "Quill");
    let img = q.select(&sel("img.app-logo")).next().expect("a logo");
    use base64::Engine;
    let expected = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&logo)
    );
    assert_eq!(img.value().attr("src"), Some(expected.as_str()));
    let scopes: Vec<&str> = q
        .select(&sel(".app-scopes li"))
        .filter_map(|li| li.value().attr("data-scope"))
        .collect();
    assert_eq!(scopes, ["create", "media"]);
    assert!(text(q, ".app-scopes").contains("upload photos"));
    let when = |class: &str| {
        q.select(&sel(&format!("time.{class}")))
            .next()
            .and_then(|t| t.value().attr("datetime"))
            .map(|d| chrono::DateTime::parse_from_rfc3339(d).unwrap())
    };
    let now = chrono::Utc::now();
    let granted = when("granted").expect("authorized date");
    assert!((now - granted.to_utc()).num_seconds().abs() < 60);
    let used = when("used").expect("last used date");
    assert!((now - used.to_utc()).num_seconds().abs() < 60);
    // Access lasts as long as its last token: the refresh token outlives the access one.
    let expires = when("expires").expect("an expiry");
    assert!(expires.to_utc() - now >= chrono::Duration::days(90) - chrono::Duration::minutes(1));

    // An app the consent page knew nothing about: its host, a placeholder, no expiry.
    let o = item(&doc, OTHER).expect("the other app is listed");
    assert_eq!(text(o, ".app-name"), "other.example.test");
    assert!(o.select(&sel("img")).next().is_none());
    assert_eq!(text(o, ".app-initial"), "O");
    assert_eq!(text(o, ".expires"), "until revoked");
    assert_eq!(text(o, ".used"), "never");
}

/// The fewest statements one load of the Apps page ran, over three loads.
async fn fewest_queries(owner: &Owner) -> u64 {
    let db = &owner.server.state.db;
    let mut fewest = u64::MAX;
    for _ in 0..3 {
        let before = db.query_count();
        assert_eq!(owner.get("/admin/apps").await.status, StatusCode::OK);
        fewest = fewest.min(db.query_count() - before);
    }
    fewest
}

#[tokio::test]
async fn the_page_runs_as_many_queries_for_five_apps_as_for_one() {
    let owner = Owner::start().await;
    remember_quill(&owner).await;
    issue(&owner, QUILL, "create", None).await;
    // Start-up work (purges, the set-up link) may still be running in the background
    // and counts too: the fewest queries of three loads is the page's own.
    let one = fewest_queries(&owner).await;
    for i in 0..4 {
        issue(
            &owner,
            &format!("https://app{i}.example.test/"),
            "create",
            None,
        )
        .await;
    }
    let five = fewest_queries(&owner).await;
    let page = owner.get("/admin/apps").await;
    assert_eq!(page.body.matches("class=\"app-item\"").count(), 5);
    assert_eq!(one, five, "{one} queries for one app, {five} for five");
}

#[tokio::test]
async fn revoking_needs_the_csrf_token_and_a_confirmation_then_the_token_is_dead() {
    let owner = Owner::start().await;
    remember_quill(&owner).await;
    let quill = issue(&owner, QUILL, "create", Some(NINETY_DAYS)).await;
    let other = issue(&owner, OTHER, "create", None).await;
    let tokens = &owner.server.state.tokens;

    // Without the token: refused, nothing revoked.
    let res = owner
        .post_form(
            "/admin/apps/revoke",
            &[("client_id", QUILL), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = owner
        .post_form(
            "/admin/apps/revoke",
            &[
                ("csrf_token", "forged"),
                ("client_id", QUILL),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(tokens.check_access(&quill.access_token).await.is_some());

    // The button leads to the confirmation step.
    let res = owner
        .post_form(
            "/admin/apps/revoke",
            &[("csrf_token", &owner.csrf), ("client_id", QUILL)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let confirm_at = res.header("location").to_string();
    assert!(
        confirm_at.starts_with("/admin/apps/revoke?client_id="),
        "{confirm_at}"
    );
    let confirm = owner.get(&confirm_at).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Revoke Quill?"));
    assert!(confirm.body.contains("name=\"confirm\" value=\"yes\""));
    assert!(tokens.check_access(&quill.access_token).await.is_some());

    let res = owner
        .post_form(
            "/admin/apps/revoke",
            &[
                ("csrf_token", &owner.csrf),
                ("client_id", QUILL),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.header("location"), "/admin/apps?done=revoked");
    assert!(tokens.check_access(&quill.access_token).await.is_none());
    assert_eq!(
        micropub_status(&owner, &quill.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    // The refresh token went with it.
    let refresh = quill.refresh_token.unwrap();
    assert!(tokens.refresh(&refresh, QUILL, None).await.is_err());

    let page = owner.get("/admin/apps?done=revoked").await;
    assert!(page.body.contains("Access revoked"));
    let doc = Html::parse_document(&page.body);
    assert!(item(&doc, QUILL).is_none(), "Quill is gone");
    assert!(item(&doc, OTHER).is_some(), "the other app stays");
    assert!(tokens.check_access(&other.access_token).await.is_some());

    // Revoking it again, or an app that never was: a 404, not a false success.
    let res = owner
        .post_form(
            "/admin/apps/revoke",
            &[
                ("csrf_token", &owner.csrf),
                ("client_id", QUILL),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(owner.get(&confirm_at).await.status, StatusCode::NOT_FOUND);
}
