//! `next` after sign-in never leaves the site, whatever dot segments, encodings,
//! backslashes or tabs it hides behind (issue 8, item 1), through all three routes.

use std::net::SocketAddr;

use axum::http::StatusCode;

use super::browser::{Browser, app_for};
use super::provider::{Advert, Provider};
use crate::helpers::{Res, TestApp};

/// `next` values that must never lead off the site (raw, before form encoding).
const HOSTILE: &[&str] = &[
    "/..//evil.example",
    "/.//evil.example",
    "/x/..//evil.example",
    "/a/../..//evil.example",
    "/%2e%2e//evil.example",
    "/%2E%2E//evil.example",
    "/.%2e//evil.example",
    "//evil.example",
    "/\\evil.example",
    "/..\\evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/\t/evil.example",
    "/\t\\evil.example",
    "\t//evil.example",
    "http://evil.example/",
    "https://evil.example/",
    "https:evil.example",
    "///evil",
    "/x/../\\/evil.example",
];

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The redirect stays on this site: a path that a browser cannot read as another host.
fn assert_on_site(res: &Res, next: &str) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{next:?}: {}", res.body);
    let loc = res.header("location");
    assert!(loc.starts_with('/'), "{next:?} gave Location {loc:?}");
    assert!(
        !loc.starts_with("//") && !loc.starts_with("/\\"),
        "{next:?} gave Location {loc:?}"
    );
    assert!(!loc.contains("evil"), "{next:?} gave Location {loc:?}");
    assert_eq!(loc, "/admin/", "{next:?} falls back to the default");
}

#[tokio::test]
async fn dev_login_refuses_every_off_site_next() {
    let app = TestApp::with(&[("DEV_MODE", "true")]).await;
    for next in HOSTILE {
        let res = app
            .get(&format!("/auth/dev-login?next={}", encode(next)))
            .await;
        assert_on_site(&res, next);
    }
    let ok = app
        .get("/auth/dev-login?next=%2Fa%2F..%2Fadmin%2Fnew")
        .await;
    assert_eq!(ok.header("location"), "/admin/new", "normal form kept");
}

#[tokio::test]
async fn login_page_of_a_signed_in_owner_refuses_every_off_site_next() {
    let app = TestApp::with(&[("DEV_MODE", "true")]).await;
    let mut b = Browser::new(&app);
    let signed = b.get("/auth/dev-login").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    for next in HOSTILE {
        let res = b.get(&format!("/auth/login?next={}", encode(next))).await;
        assert_on_site(&res, next);
    }
    let ok = b.get("/auth/login?next=%2Fhealth%3Fdetailed%3Dtrue").await;
    assert_eq!(ok.header("location"), "/health?detailed=true");
}

#[tokio::test]
async fn full_sign_in_refuses_every_off_site_next() {
    let p = Provider::start(Advert::LinkHeader).await;
    let app = app_for(&p).await;
    for (i, next) in HOSTILE.iter().enumerate() {
        let mut b = Browser::new(&app);
        // one address per attempt, so the sign-in rate limit stays out of the way
        b.peer = Some(SocketAddr::from(([198, 51, 100, i as u8 + 1], 40000)));
        let started = b
            .post("/auth/login", &format!("next={}", encode(next)))
            .await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
        let callback = b.approve(started.header("location")).await;
        let res = b.get(&callback).await;
        assert_on_site(&res, next);
    }
}
