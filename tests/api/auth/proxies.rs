//! `TRUSTED_PROXIES` (issue 8.6): forwarding headers pick the sign-in rate-limit bucket
//! only when the TCP peer is a trusted proxy; spoofed left-most entries never do.

use super::provider::{Advert, Provider};
use crate::helpers::TestServer;

/// Posts a sign-in start `n` times with the headers `header(i)`; returns the statuses.
async fn attempts(
    server: &TestServer,
    n: u8,
    header: impl Fn(u8) -> (&'static str, String),
) -> Vec<u16> {
    let client = server.client();
    let mut out = Vec::new();
    for i in 1..=n {
        let (name, value) = header(i);
        let res = client
            .post(server.url("/auth/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(name, value)
            .body("next=%2Fadmin%2F")
            .send()
            .await
            .unwrap();
        out.push(res.status().as_u16());
    }
    out
}

/// The limit is 10 attempts a minute: the 11th from one bucket is a 429.
const ATTEMPTS: u8 = 11;

#[tokio::test]
async fn a_loopback_peer_without_trusted_proxies_cannot_pick_its_bucket() {
    let p = Provider::start(Advert::LinkHeader).await;
    let server = TestServer::start(&[("ADMIN_ME", &p.me())]).await;
    let got = attempts(&server, ATTEMPTS, |i| {
        ("x-forwarded-for", format!("203.0.113.{i}"))
    })
    .await;
    assert_eq!(&got[..10], &[303; 10], "{got:?}");
    assert_eq!(got[10], 429, "all share the peer's bucket: {got:?}");

    let server = TestServer::start(&[("ADMIN_ME", &p.me())]).await;
    let got = attempts(&server, ATTEMPTS, |i| {
        ("forwarded", format!("for=203.0.113.{i}"))
    })
    .await;
    assert_eq!(got[10], 429, "Forwarded is not believed either: {got:?}");
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client() {
    let p = Provider::start(Advert::LinkHeader).await;
    let server =
        TestServer::start(&[("ADMIN_ME", &p.me()), ("TRUSTED_PROXIES", "127.0.0.1, ::1")]).await;
    let got = attempts(&server, ATTEMPTS, |i| {
        ("x-forwarded-for", format!("203.0.113.{i}"))
    })
    .await;
    assert_eq!(got, vec![303; ATTEMPTS as usize], "one bucket per client");
    let got = attempts(&server, ATTEMPTS, |i| {
        (
            "forwarded",
            // clients in distinct /64s (one /64 is one bucket)
            format!("for=\"[2001:db8:{i:x}::1]:4711\";proto=https"),
        )
    })
    .await;
    assert_eq!(got, vec![303; ATTEMPTS as usize], "RFC 7239 Forwarded");
}

#[tokio::test]
async fn spoofed_left_most_entries_are_ignored() {
    let p = Provider::start(Advert::LinkHeader).await;
    let server =
        TestServer::start(&[("ADMIN_ME", &p.me()), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    // What nginx's $proxy_add_x_forwarded_for sends when the client forges the header:
    // the forged entries, then the address nginx saw.
    let got = attempts(&server, ATTEMPTS, |i| {
        (
            "x-forwarded-for",
            format!("6.6.6.{i}, 10.9.9.{i}, 198.51.100.1"),
        )
    })
    .await;
    assert_eq!(&got[..10], &[303; 10], "{got:?}");
    assert_eq!(got[10], 429, "the real client's bucket fills: {got:?}");
}

#[tokio::test]
async fn an_invalid_trusted_proxies_value_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_starpunk"))
        .env_clear()
        .env("DATA_PATH", dir.path())
        .env("TRUSTED_PROXIES", "127.0.0.1, nginx.local")
        .arg("serve")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TRUSTED_PROXIES"), "{err}");
    assert!(err.contains("nginx.local"), "{err}");
}
