//! Failed passwords are limited per client and across all clients; the passkey path
//! stays open.

use super::*;

async fn wrong(srv: &TestServer, from: Option<&str>) -> reqwest::Response {
    let mut req = srv
        .client()
        .post(srv.url("/auth/login"))
        .form(&[("password", "wrong password"), ("next", "/admin/")]);
    if let Some(ip) = from {
        req = req.header("x-forwarded-for", ip);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn ten_wrong_passwords_then_429_and_the_passkey_still_works() {
    let srv = own_server(&[]).await;
    let mut auth = authenticator();
    let _ = setup_passkey(&srv, &mut auth, "Phone").await;
    set_password(&srv, PASSWORD).await;
    for i in 0..10 {
        assert_eq!(wrong(&srv, None).await.status(), 401, "attempt {i}");
    }
    let res = wrong(&srv, None).await;
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    let body = res.text().await.unwrap();
    assert!(body.contains("Too many wrong passwords"), "{body}");
    // even the right password waits now
    assert_eq!(sign_in(&srv, PASSWORD, "/admin/").await.status(), 429);
    // the passkey path is not limited by the password limiter
    let done = passkey_sign_in(&srv, &mut auth, "/admin/").await;
    assert_eq!(done.status(), 200);
    assert!(session_cookie(&done).is_some());
}

#[tokio::test]
async fn a_right_password_is_not_counted() {
    let srv = own_server(&[]).await;
    set_password(&srv, PASSWORD).await;
    for _ in 0..9 {
        assert_eq!(wrong(&srv, None).await.status(), 401);
    }
    for _ in 0..3 {
        assert_eq!(sign_in(&srv, PASSWORD, "/admin/").await.status(), 303);
    }
    assert_eq!(wrong(&srv, None).await.status(), 401, "the tenth failure");
    assert_eq!(wrong(&srv, None).await.status(), 429);
}

#[tokio::test]
async fn failures_are_capped_across_all_clients() {
    // Behind a trusted proxy every request names its own client; no password is set,
    // so each refusal is quick (no hash to compute).
    let srv = own_server(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let cap = starpunk::auth::owner::GLOBAL_FAILURES;
    for i in 0..cap {
        let ip = format!("203.0.113.{}", i / 10 + 1);
        assert_eq!(
            wrong(&srv, Some(&ip)).await.status(),
            401,
            "attempt {i} from {ip}"
        );
    }
    let res = wrong(&srv, Some("198.51.100.77")).await;
    assert_eq!(res.status(), 429, "a fresh address meets the global cap");
    assert!(res.headers().contains_key("retry-after"));
    assert!(res.text().await.unwrap().contains("on this site"));
    // the passkey ceremony still starts (no passkey here: 404, not 429)
    let res = post_json(&srv, None, "/auth/passkey/options", serde_json::json!({})).await;
    assert_eq!(res.status(), 404);
}

/// The `name=value` of the known-device cookie a response sets.
fn device_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("starpunk_device=") && !c.starts_with("starpunk_device=;"))
        .map(|c| c.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn strangers_over_the_global_cap_cannot_lock_out_the_owners_browser() {
    let srv = own_server(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    set_password(&srv, PASSWORD).await;
    let signed_in = sign_in(&srv, PASSWORD, "/admin/").await;
    assert_eq!(signed_in.status(), 303);
    let device = device_cookie(&signed_in).expect("the browser is marked as the owner's");
    let set = signed_in
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("starpunk_device="))
        .unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"));
    // Without a password each refusal is quick (no hash): the guessing is the same.
    sqlx::query("DELETE FROM owner_password")
        .execute(srv.state.db.pool())
        .await
        .unwrap();
    let cap = starpunk::auth::owner::GLOBAL_FAILURES;
    for i in 0..cap {
        let ip = format!("203.0.113.{}", i / 10 + 1);
        assert_eq!(wrong(&srv, Some(&ip)).await.status(), 401, "attempt {i}");
    }
    set_password(&srv, PASSWORD).await;
    let login = |cookie: Option<&str>| {
        let mut req = srv
            .client()
            .post(srv.url("/auth/login"))
            .header("x-forwarded-for", "198.51.100.7")
            .form(&[("password", PASSWORD), ("next", "/admin/")]);
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        req.send()
    };
    assert_eq!(login(None).await.unwrap().status(), 429, "a stranger waits");
    let forged = format!("{}x", device);
    assert_eq!(login(Some(&forged)).await.unwrap().status(), 429, "forged");
    let res = login(Some(&device)).await.unwrap();
    assert_eq!(res.status(), 303, "the owner's browser signs in");
    assert!(session_cookie(&res).is_some());
    assert!(device_cookie(&res).is_some(), "and stays known");
}
