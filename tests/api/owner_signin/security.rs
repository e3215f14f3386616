//! The Security page: password change, passkeys added, renamed and removed, with CSRF
//! checks and the last-credential guard.

use super::*;

/// Adds a passkey on the Security page (JSON ceremony with the page's CSRF token).
pub async fn add_passkey(
    srv: &TestServer,
    cookie: &str,
    auth: &mut WebauthnAuthenticator<SoftPasskey>,
    name: &str,
) {
    let token = csrf(srv, cookie).await;
    let start = post_json(
        srv,
        Some(cookie),
        "/admin/security/passkeys/options",
        serde_json::json!({"csrf_token": token, "name": name}),
    )
    .await;
    assert_eq!(start.status(), 200);
    let start: serde_json::Value = start.json().await.unwrap();
    let credential = auth
        .do_registration(
            origin(),
            serde_json::from_value(start["options"].clone()).unwrap(),
        )
        .unwrap();
    let done = post_json(
        srv,
        Some(cookie),
        "/admin/security/passkeys/verify",
        serde_json::json!({"csrf_token": token, "ceremony": start["ceremony"], "credential": credential}),
    )
    .await;
    assert_eq!(done.status(), 200);
    let v: serde_json::Value = done.json().await.unwrap();
    assert_eq!(v["next"], "/admin/security?done=passkey-added");
}

async fn signed_in_with_password(srv: &TestServer) -> String {
    set_password(srv, PASSWORD).await;
    session_cookie(&sign_in(srv, PASSWORD, "/admin/").await).unwrap()
}

#[tokio::test]
async fn changing_the_password_needs_the_old_one_and_the_csrf_token() {
    let srv = own_server(&[]).await;
    let cookie = signed_in_with_password(&srv).await;
    let token = csrf(&srv, &cookie).await;
    let new = "a brand new passphrase";
    let change = |t: &str, old: &str, again: &str| {
        let form = [
            ("csrf_token", t),
            ("current_password", old),
            ("password", new),
            ("password_again", again),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        srv.client()
            .post(srv.url("/admin/security/password"))
            .header(COOKIE, &cookie)
            .form(&form)
            .send()
    };
    let res = change("bogus", PASSWORD, new).await.unwrap();
    assert_eq!(res.status(), 403, "without the CSRF token");
    let res = change(&token, "not the old one", new).await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("current password is not right")
    );
    let res = change(&token, PASSWORD, "different").await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        pw::verify_password(&srv.state.auth.store, PASSWORD)
            .await
            .unwrap(),
        "nothing changed"
    );
    let res = change(&token, PASSWORD, new).await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/security?done=password");
    assert!(
        pw::verify_password(&srv.state.auth.store, new)
            .await
            .unwrap()
    );
    assert_eq!(sign_in(&srv, PASSWORD, "/admin/").await.status(), 401);
    assert_eq!(sign_in(&srv, new, "/admin/").await.status(), 303);
}

#[tokio::test]
async fn passkeys_are_listed_renamed_and_removed() {
    let srv = own_server(&[]).await;
    let cookie = signed_in_with_password(&srv).await;
    let mut auth = authenticator();
    add_passkey(&srv, &cookie, &mut auth, "Laptop").await;
    let mut other = authenticator();
    add_passkey(&srv, &cookie, &mut other, "Phone").await;
    let page = get_as(&srv, &cookie, "/admin/security")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Laptop") && page.contains("Phone"));
    let id = starpunk::db::passkeys::list(&srv.state.db).await.unwrap()[0]
        .id
        .clone();
    let token = csrf(&srv, &cookie).await;

    let rename = format!("/admin/security/passkeys/{id}/rename");
    assert_eq!(
        post_as(
            &srv,
            &cookie,
            &rename,
            &[("csrf_token", "nope"), ("name", "X")]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        post_as(
            &srv,
            &cookie,
            &rename,
            &[("csrf_token", &token), ("name", " ")]
        )
        .await
        .status(),
        400
    );
    let res = post_as(
        &srv,
        &cookie,
        &rename,
        &[("csrf_token", &token), ("name", "Work laptop")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        starpunk::db::passkeys::find(&srv.state.db, &id)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Work laptop"
    );
    let res = post_as(
        &srv,
        &cookie,
        "/admin/security/passkeys/nope/rename",
        &[("csrf_token", &token), ("name", "x")],
    )
    .await;
    assert_eq!(res.status(), 404);

    let remove = format!("/admin/security/passkeys/{id}/remove");
    let confirm = get_as(&srv, &cookie, &remove).await;
    assert_eq!(confirm.status(), 200);
    assert!(confirm.text().await.unwrap().contains("Work laptop"));
    assert_eq!(
        post_as(&srv, &cookie, &remove, &[("confirm", "yes")])
            .await
            .status(),
        403
    );
    let res = post_as(
        &srv,
        &cookie,
        &remove,
        &[("csrf_token", &token), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/security?done=passkey-removed");
    assert!(
        starpunk::db::passkeys::find(&srv.state.db, &id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_last_credential_cannot_be_removed() {
    let srv = own_server(&[]).await;
    let mut auth = authenticator();
    let cookie = setup_passkey(&srv, &mut auth, "Phone").await;
    let id = starpunk::db::passkeys::list(&srv.state.db).await.unwrap()[0]
        .id
        .clone();
    let token = csrf(&srv, &cookie).await;
    let remove = format!("/admin/security/passkeys/{id}/remove");
    let res = post_as(
        &srv,
        &cookie,
        &remove,
        &[("csrf_token", &token), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("only way to sign in"));
    assert!(
        starpunk::db::passkeys::find(&srv.state.db, &id)
            .await
            .unwrap()
            .is_some()
    );
    // with a password set (no old one needed: none was set), it may go
    let new = "a password at last";
    let res = post_as(
        &srv,
        &cookie,
        "/admin/security/password",
        &[
            ("csrf_token", &token),
            ("password", new),
            ("password_again", new),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post_as(
        &srv,
        &cookie,
        &remove,
        &[("csrf_token", &token), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn adding_a_passkey_needs_the_session_and_its_csrf_token() {
    let srv = own_server(&[]).await;
    let cookie = signed_in_with_password(&srv).await;
    let body = serde_json::json!({"csrf_token": "wrong", "name": "Laptop"});
    let res = post_json(
        &srv,
        Some(&cookie),
        "/admin/security/passkeys/options",
        body.clone(),
    )
    .await;
    assert_eq!(res.status(), 403);
    let res = post_json(&srv, None, "/admin/security/passkeys/options", body).await;
    assert_eq!(res.status(), 401);
    // a ceremony started by one session cannot be finished by another
    let token = csrf(&srv, &cookie).await;
    let start: serde_json::Value = post_json(
        &srv,
        Some(&cookie),
        "/admin/security/passkeys/options",
        serde_json::json!({"csrf_token": token, "name": "Laptop"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let mut auth = authenticator();
    let credential = auth
        .do_registration(
            origin(),
            serde_json::from_value(start["options"].clone()).unwrap(),
        )
        .unwrap();
    let other = session_cookie(&sign_in(&srv, PASSWORD, "/admin/").await).unwrap();
    let other_token = csrf(&srv, &other).await;
    let res = post_json(
        &srv,
        Some(&other),
        "/admin/security/passkeys/verify",
        serde_json::json!({"csrf_token": other_token, "ceremony": start["ceremony"], "credential": credential}),
    )
    .await;
    assert_eq!(res.status(), 400);
    assert!(
        starpunk::db::passkeys::list(&srv.state.db)
            .await
            .unwrap()
            .is_empty()
    );
}
