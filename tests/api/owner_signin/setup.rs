//! The first-run set-up link: single use, 24 hours, closed once a credential exists.

use starpunk::auth::owner::setup::issue_token;

use super::*;

async fn token(srv: &TestServer) -> String {
    issue_token(&srv.state)
        .await
        .unwrap()
        .expect("no credential yet: a token")
}

async fn post_setup(srv: &TestServer, token: &str, a: &str, b: &str) -> reqwest::Response {
    srv.client()
        .post(srv.url("/auth/setup"))
        .form(&[("token", token), ("password", a), ("password_again", b)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_password_set_through_the_link_signs_in_once() {
    let srv = own_server(&[]).await;
    let t = token(&srv).await;
    let page = srv
        .client()
        .get(srv.url(&format!("/auth/setup?token={t}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let body = page.text().await.unwrap();
    assert!(hidden_inputs(&body, "/auth/setup").contains(&("token".into(), t.clone())));

    // refusals change nothing and leave the link usable
    assert_eq!(
        post_setup(&srv, &t, PASSWORD, "something else")
            .await
            .status(),
        400
    );
    assert_eq!(post_setup(&srv, &t, "short", "short").await.status(), 400);
    assert!(!pw::has_password(&srv.state.auth.store).await.unwrap());

    let res = post_setup(&srv, &t, PASSWORD, PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/");
    let cookie = session_cookie(&res).expect("signed in");
    assert_eq!(get_as(&srv, &cookie, "/admin/").await.status(), 200);
    assert!(
        pw::verify_password(&srv.state.auth.store, PASSWORD)
            .await
            .unwrap()
    );

    // spent, and set-up is closed
    let again = post_setup(&srv, &t, "another password here", "another password here").await;
    assert_eq!(again.status(), 404);
    assert!(
        pw::verify_password(&srv.state.auth.store, PASSWORD)
            .await
            .unwrap()
    );
    let page = srv
        .client()
        .get(srv.url(&format!("/auth/setup?token={t}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("Set-up is closed"));
    assert_eq!(
        issue_token(&srv.state).await.unwrap(),
        None,
        "no new link once a credential exists"
    );
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_refused() {
    let srv = own_server(&[]).await;
    let _real = token(&srv).await;
    let fake = starpunk::auth::crypto::random_token();
    for path in [
        format!("/auth/setup?token={fake}"),
        "/auth/setup".to_string(),
        "/auth/setup?token=".to_string(),
    ] {
        let res = srv.client().get(srv.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    assert_eq!(
        post_setup(&srv, &fake, PASSWORD, PASSWORD).await.status(),
        403
    );
    let res = post_json(
        &srv,
        None,
        "/auth/setup/passkey/options",
        serde_json::json!({"token": fake, "name": "Phone"}),
    )
    .await;
    assert_eq!(res.status(), 403);
    assert!(!pw::has_password(&srv.state.auth.store).await.unwrap());
}

#[tokio::test]
async fn a_token_older_than_a_day_is_refused() {
    let srv = own_server(&[]).await;
    let t = token(&srv).await;
    sqlx::query("UPDATE setup_tokens SET expires_at = '2000-01-01T00:00:00.000000Z'")
        .execute(srv.state.db.pool())
        .await
        .unwrap();
    assert_eq!(post_setup(&srv, &t, PASSWORD, PASSWORD).await.status(), 403);
    assert!(!pw::has_password(&srv.state.auth.store).await.unwrap());
    // a restart (here: the same call the start-up makes) gives a fresh link
    let fresh = token(&srv).await;
    assert_eq!(
        post_setup(&srv, &fresh, PASSWORD, PASSWORD).await.status(),
        303
    );
}

async fn tokens(srv: &TestServer) -> Vec<(String, String)> {
    sqlx::query_as("SELECT created_at, expires_at FROM setup_tokens")
        .fetch_all(srv.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_start_up_makes_a_link_only_without_credentials() {
    use starpunk::auth::owner::setup::announce;
    let srv = own_server(&[]).await;
    let before = tokens(&srv).await.len();
    announce(&srv.state).await;
    let made = tokens(&srv).await;
    assert!(
        made.len() > before,
        "a new link at each start without credentials"
    );
    for (created, expires) in &made {
        let c = chrono::DateTime::parse_from_rfc3339(created).unwrap();
        let e = chrono::DateTime::parse_from_rfc3339(expires).unwrap();
        assert_eq!((e - c).num_hours(), 24);
    }
    set_password(&srv, PASSWORD).await;
    let before = tokens(&srv).await.len();
    announce(&srv.state).await;
    assert_eq!(
        tokens(&srv).await.len(),
        before,
        "no link once a credential exists"
    );
    assert_eq!(issue_token(&srv.state).await.unwrap(), None);
}

#[tokio::test]
async fn a_passkey_registered_through_the_link_signs_in_and_spends_it() {
    let srv = own_server(&[]).await;
    let mut auth = authenticator();
    let cookie = setup_passkey(&srv, &mut auth, "Phone").await;
    assert_eq!(get_as(&srv, &cookie, "/admin/").await.status(), 200);
    let rows = starpunk::db::passkeys::list(&srv.state.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "Phone");
    assert_eq!(issue_token(&srv.state).await.unwrap(), None, "closed");
}

#[tokio::test]
async fn a_setup_ceremony_cannot_be_finished_with_another_token() {
    let srv = own_server(&[]).await;
    let mut auth = authenticator();
    let a = token(&srv).await;
    let b = token(&srv).await;
    let start = post_json(
        &srv,
        None,
        "/auth/setup/passkey/options",
        serde_json::json!({"token": a, "name": "Phone"}),
    )
    .await;
    let start: serde_json::Value = start.json().await.unwrap();
    let credential = auth
        .do_registration(
            origin(),
            serde_json::from_value(start["options"].clone()).unwrap(),
        )
        .unwrap();
    let res = post_json(
        &srv,
        None,
        "/auth/setup/passkey/verify",
        serde_json::json!({"token": b, "ceremony": start["ceremony"], "credential": credential}),
    )
    .await;
    assert_eq!(res.status(), 400);
    assert!(
        starpunk::db::passkeys::list(&srv.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    // a nameless passkey is refused before any ceremony
    let res = post_json(
        &srv,
        None,
        "/auth/setup/passkey/options",
        serde_json::json!({"token": a, "name": "  "}),
    )
    .await;
    assert_eq!(res.status(), 400);
    // a form post (no JSON) is refused
    let res = srv
        .client()
        .post(srv.url("/auth/setup/passkey/options"))
        .form(&[("token", a.as_str()), ("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
}

#[tokio::test]
async fn a_credential_made_elsewhere_closes_an_unused_link() {
    let srv = own_server(&[]).await;
    let t = token(&srv).await;
    set_password(&srv, PASSWORD).await; // as `starpunk set-password` does
    let page = srv
        .client()
        .get(srv.url(&format!("/auth/setup?token={t}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    let res = post_setup(&srv, &t, "a takeover password", "a takeover password").await;
    assert_eq!(res.status(), 404);
    assert!(session_cookie(&res).is_none());
    assert!(
        pw::verify_password(&srv.state.auth.store, PASSWORD)
            .await
            .unwrap()
    );
    let res = post_json(
        &srv,
        None,
        "/auth/setup/passkey/options",
        serde_json::json!({"token": t, "name": "Phone"}),
    )
    .await;
    assert_eq!(res.status(), 403);
}
