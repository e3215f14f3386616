//! A set-up link is spent only together with the credential it stores: when storing
//! fails, the link still works.

use starpunk::auth::owner::setup::issue_token;

use super::*;

/// Makes every insert into `table` fail, the way a full disk or a broken database would.
async fn break_inserts(srv: &TestServer, table: &str) {
    let sql = match table {
        "owner_password" => {
            "CREATE TRIGGER broken BEFORE INSERT ON owner_password \
             BEGIN SELECT RAISE(ABORT, 'storage failed'); END"
        }
        _ => {
            "CREATE TRIGGER broken BEFORE INSERT ON passkeys \
             BEGIN SELECT RAISE(ABORT, 'storage failed'); END"
        }
    };
    sqlx::query(sql).execute(srv.state.db.pool()).await.unwrap();
}

async fn mend_inserts(srv: &TestServer) {
    sqlx::query("DROP TRIGGER broken")
        .execute(srv.state.db.pool())
        .await
        .unwrap();
}

async fn open(srv: &TestServer, token: &str) -> bool {
    let page = srv
        .client()
        .get(srv.url(&format!("/auth/setup?token={token}")))
        .send()
        .await
        .unwrap();
    page.status() == 200
}

#[tokio::test]
async fn a_password_that_cannot_be_stored_leaves_the_link_unspent() {
    let srv = own_server(&[]).await;
    let t = issue_token(&srv.state).await.unwrap().unwrap();
    let post = || {
        srv.client()
            .post(srv.url("/auth/setup"))
            .form(&[
                ("token", &t),
                ("password", &PASSWORD.to_string()),
                ("password_again", &PASSWORD.to_string()),
            ])
            .send()
    };
    // a password refused by the rules spends nothing
    let short = srv
        .client()
        .post(srv.url("/auth/setup"))
        .form(&[
            ("token", t.as_str()),
            ("password", "short"),
            ("password_again", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 400);
    assert!(open(&srv, &t).await);

    break_inserts(&srv, "owner_password").await;
    let res = post().await.unwrap();
    assert!(res.status().is_server_error(), "{}", res.status());
    assert!(session_cookie(&res).is_none());
    assert!(!pw::has_password(&srv.state.auth.store).await.unwrap());
    assert!(open(&srv, &t).await, "the link still works");

    mend_inserts(&srv).await;
    let res = post().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        pw::verify_password(&srv.state.auth.store, PASSWORD)
            .await
            .unwrap()
    );
    assert!(!open(&srv, &t).await, "spent with the password");
}

#[tokio::test]
async fn a_passkey_that_cannot_be_stored_leaves_the_link_unspent() {
    let srv = own_server(&[]).await;
    let mut auth = authenticator();
    let t = issue_token(&srv.state).await.unwrap().unwrap();
    let register = |auth: &mut WebauthnAuthenticator<SoftPasskey>, start: serde_json::Value| {
        let options = serde_json::from_value(start["options"].clone()).unwrap();
        let credential = auth.do_registration(origin(), options).unwrap();
        serde_json::json!({"token": t, "ceremony": start["ceremony"], "credential": credential})
    };
    let start = || {
        post_json(
            &srv,
            None,
            "/auth/setup/passkey/options",
            serde_json::json!({"token": t, "name": "Phone"}),
        )
    };

    break_inserts(&srv, "passkeys").await;
    let started: serde_json::Value = start().await.json().await.unwrap();
    let body = register(&mut auth, started);
    let res = post_json(&srv, None, "/auth/setup/passkey/verify", body).await;
    assert!(res.status().is_server_error(), "{}", res.status());
    assert!(session_cookie(&res).is_none());
    assert_eq!(
        starpunk::db::passkeys::count(&srv.state.db).await.unwrap(),
        0
    );
    assert!(open(&srv, &t).await, "the link still works");

    mend_inserts(&srv).await;
    let started: serde_json::Value = start().await.json().await.unwrap();
    let body = register(&mut auth, started);
    let res = post_json(&srv, None, "/auth/setup/passkey/verify", body).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        starpunk::db::passkeys::count(&srv.state.db).await.unwrap(),
        1
    );
    assert!(!open(&srv, &t).await, "spent with the passkey");
}
