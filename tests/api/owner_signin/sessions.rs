//! Changing a credential ends every other session of the owner (a thief's too) and
//! keeps the one that made the change.

use super::*;

/// Whether `cookie` still opens the admin (a signed-out browser is sent to sign in).
async fn signed_in(srv: &TestServer, cookie: &str) -> bool {
    let res = get_as(srv, cookie, "/admin/").await;
    match res.status().as_u16() {
        200 => true,
        303 => {
            assert!(location(&res).starts_with("/auth/login"));
            false
        }
        other => panic!("unexpected {other}"),
    }
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_session() {
    let srv = own_server(&[]).await;
    set_password(&srv, PASSWORD).await;
    let mine = session_cookie(&sign_in(&srv, PASSWORD, "/admin/").await).unwrap();
    let thief = session_cookie(&sign_in(&srv, PASSWORD, "/admin/").await).unwrap();
    assert!(signed_in(&srv, &thief).await);
    let token = csrf(&srv, &mine).await;
    let res = post_as(
        &srv,
        &mine,
        "/admin/security/password",
        &[
            ("csrf_token", &token),
            ("current_password", PASSWORD),
            ("password", "a brand new passphrase"),
            ("password_again", "a brand new passphrase"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert!(!signed_in(&srv, &thief).await, "the other session ended");
    assert!(signed_in(&srv, &mine).await, "the current one stays");
    let page = get_as(&srv, &mine, "/admin/security?done=password").await;
    assert!(page.text().await.unwrap().contains("signed out"));
}

#[tokio::test]
async fn removing_a_passkey_signs_out_every_other_session() {
    let srv = own_server(&[]).await;
    let mut auth = authenticator();
    let mine = setup_passkey(&srv, &mut auth, "Phone").await;
    set_password(&srv, PASSWORD).await;
    let thief = session_cookie(&sign_in(&srv, PASSWORD, "/admin/").await).unwrap();
    let id = starpunk::db::passkeys::list(&srv.state.db).await.unwrap()[0]
        .id
        .clone();
    let token = csrf(&srv, &mine).await;
    let res = post_as(
        &srv,
        &mine,
        &format!("/admin/security/passkeys/{id}/remove"),
        &[("csrf_token", &token), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert!(!signed_in(&srv, &thief).await, "the other session ended");
    assert!(signed_in(&srv, &mine).await, "the current one stays");
}
