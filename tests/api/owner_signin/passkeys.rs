//! Signing in with a passkey (a software authenticator over real HTTP).

use super::*;

#[tokio::test]
async fn a_registered_passkey_signs_in_and_its_use_is_recorded() {
    let srv = own_server(&[]).await;
    let mut auth = authenticator();
    let _ = setup_passkey(&srv, &mut auth, "Phone").await;
    let before = starpunk::db::passkeys::list(&srv.state.db).await.unwrap();
    assert!(before[0].last_used_at.is_none());
    let res = passkey_sign_in(&srv, &mut auth, "/admin/media").await;
    assert_eq!(res.status(), 200);
    let cookie = session_cookie(&res).expect("a session");
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["next"], "/admin/media");
    assert_eq!(get_as(&srv, &cookie, "/admin/").await.status(), 200);
    let after = starpunk::db::passkeys::list(&srv.state.db).await.unwrap();
    assert!(after[0].last_used_at.is_some());
    assert_ne!(
        before[0].credential, after[0].credential,
        "the counter moved"
    );
    // next is checked like the password form's
    let res = passkey_sign_in(&srv, &mut auth, "//evil.example/").await;
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["next"], "/admin/");
}

#[tokio::test]
async fn a_ceremony_is_single_use() {
    let srv = own_server(&[]).await;
    let mut auth = authenticator();
    let _ = setup_passkey(&srv, &mut auth, "Phone").await;
    let start: serde_json::Value =
        post_json(&srv, None, "/auth/passkey/options", serde_json::json!({}))
            .await
            .json()
            .await
            .unwrap();
    let credential = auth
        .do_authentication(
            origin(),
            serde_json::from_value(start["options"].clone()).unwrap(),
        )
        .unwrap();
    let body = serde_json::json!({"ceremony": start["ceremony"], "credential": credential});
    let first = post_json(&srv, None, "/auth/passkey/verify", body.clone()).await;
    assert_eq!(first.status(), 200);
    let replay = post_json(&srv, None, "/auth/passkey/verify", body).await;
    assert_eq!(replay.status(), 400);
    assert!(session_cookie(&replay).is_none());
    let v: serde_json::Value = replay.json().await.unwrap();
    assert_eq!(v["error"], "ceremony_expired");
}

#[tokio::test]
async fn an_unknown_authenticator_is_refused() {
    let srv = own_server(&[]).await;
    let mut owner = authenticator();
    let _ = setup_passkey(&srv, &mut owner, "Phone").await;
    let mut stranger = authenticator();
    let start: serde_json::Value =
        post_json(&srv, None, "/auth/passkey/options", serde_json::json!({}))
            .await
            .json()
            .await
            .unwrap();
    // the stranger's authenticator holds none of the allowed credentials
    let got = stranger.do_authentication(
        origin(),
        serde_json::from_value(start["options"].clone()).unwrap(),
    );
    assert!(got.is_err());
    // a made-up assertion is refused
    let res = post_json(
        &srv,
        None,
        "/auth/passkey/verify",
        serde_json::json!({"ceremony": start["ceremony"], "credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
            "response": {"authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA", "userHandle": null}}}),
    )
    .await;
    assert_eq!(res.status(), 401);
    assert!(session_cookie(&res).is_none());
}

#[tokio::test]
async fn without_passkeys_the_options_say_so() {
    let srv = own_server(&[]).await;
    let res = post_json(&srv, None, "/auth/passkey/options", serde_json::json!({})).await;
    assert_eq!(res.status(), 404);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"], "no_passkeys");
}

/// Starts a passkey sign-in (with a cookie when given); the ceremony's JSON.
async fn options(srv: &TestServer, cookie: Option<&str>) -> serde_json::Value {
    let res = post_json(srv, cookie, "/auth/passkey/options", serde_json::json!({})).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Finishes a ceremony started with `options`; the status.
async fn finish(
    srv: &TestServer,
    auth: &mut WebauthnAuthenticator<SoftPasskey>,
    start: &serde_json::Value,
) -> u16 {
    let options = serde_json::from_value(start["options"].clone()).unwrap();
    let credential = auth.do_authentication(origin(), options).unwrap();
    let body = serde_json::json!({"ceremony": start["ceremony"], "credential": credential});
    let res = post_json(srv, None, "/auth/passkey/verify", body).await;
    res.status().as_u16()
}

#[tokio::test]
async fn strangers_cannot_push_out_the_owners_ceremony() {
    let srv = own_server(&[]).await;
    let mut auth = authenticator();
    let _ = setup_passkey(&srv, &mut auth, "Phone").await;
    let share = starpunk::auth::owner::ceremony::PER_CLIENT;
    // A browser nobody knows shares its address's few places with everyone there.
    let mine = options(&srv, None).await;
    for _ in 0..share {
        options(&srv, None).await;
    }
    assert_eq!(finish(&srv, &mut auth, &mine).await, 400, "pushed out");
    // The browser signed in before keeps its ceremony in the owner's own pool.
    let signed = passkey_sign_in(&srv, &mut auth, "/admin/").await;
    let device = signed
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("starpunk_device="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .expect("a passkey sign-in marks the browser");
    let mine = options(&srv, Some(&device)).await;
    for _ in 0..share * 2 {
        options(&srv, None).await;
    }
    assert_eq!(finish(&srv, &mut auth, &mine).await, 200);
}
