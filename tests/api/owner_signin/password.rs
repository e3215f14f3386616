//! Password sign-in in own-identity mode.

use scraper::{Html, Selector};

use super::*;

#[tokio::test]
async fn the_right_password_signs_in_and_goes_to_next() {
    let srv = own_server(&[]).await;
    set_password(&srv, PASSWORD).await;
    let res = sign_in(&srv, PASSWORD, "/admin/media").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/media");
    let cookie = session_cookie(&res).expect("a session cookie");
    let admin = get_as(&srv, &cookie, "/admin/").await;
    assert_eq!(admin.status(), 200, "the admin opens with the session");
    let sec = get_as(&srv, &cookie, "/admin/security").await;
    assert_eq!(sec.status(), 200);
    assert_eq!(sec.headers()["cache-control"], "private, no-store");
}

#[tokio::test]
async fn a_long_authorization_request_survives_as_next() {
    let srv = own_server(&[]).await;
    set_password(&srv, PASSWORD).await;
    let next = format!(
        "/auth/authorize?response_type=code&client_id=https%3A%2F%2Fapp.example%2F&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state={}&code_challenge={}&code_challenge_method=S256&scope=create+update+profile&me=http%3A%2F%2Flocalhost%2F",
        "s".repeat(600),
        "c".repeat(43)
    );
    let res = sign_in(&srv, PASSWORD, &next).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), next);
}

#[tokio::test]
async fn a_wrong_password_is_a_401_page_and_nothing_else() {
    let srv = own_server(&[]).await;
    set_password(&srv, PASSWORD).await;
    let res = sign_in(&srv, "not the password at all", "/admin/").await;
    assert_eq!(res.status(), 401);
    assert!(session_cookie(&res).is_none());
    let body = res.text().await.unwrap();
    assert!(body.contains("That password is not right"), "{body}");
    // the form is offered again, still going to next
    assert!(hidden_inputs(&body, "/auth/login").contains(&("next".into(), "/admin/".into())));
    assert!(
        pw::verify_password(&srv.state.auth.store, PASSWORD)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn the_sign_in_page_offers_both_ways_and_says_how_to_set_up_without_any() {
    let srv = own_server(&[]).await;
    let page = srv
        .client()
        .get(srv.url("/auth/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(
        body.contains("set-up link") && body.contains("starpunk set-password"),
        "{body}"
    );
    set_password(&srv, PASSWORD).await;
    let body = srv
        .client()
        .get(srv.url("/auth/login?next=/admin/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = Html::parse_document(&body);
    let form = Selector::parse(
        "form[method=post][action=\"/auth/login\"] input[type=password][name=password]",
    )
    .unwrap();
    assert_eq!(doc.select(&form).count(), 1, "the password form: {body}");
    assert!(body.contains("/static/passkey.js"));
    assert!(
        !body.contains("id=\"passkey-signin\""),
        "no passkey yet, no passkey button"
    );
    let mut auth = authenticator();
    let _ = setup_passkey_after_password(&srv, &mut auth).await;
    let body = srv
        .client()
        .get(srv.url("/auth/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("id=\"passkey-signin\""), "the passkey button");
}

/// With a password set, set-up is closed: a passkey is added on the Security page.
async fn setup_passkey_after_password(
    srv: &TestServer,
    auth: &mut WebauthnAuthenticator<SoftPasskey>,
) -> String {
    let cookie = session_cookie(&sign_in(srv, PASSWORD, "/admin/").await).unwrap();
    super::security::add_passkey(srv, &cookie, auth, "Laptop").await;
    cookie
}

#[tokio::test]
async fn passkeys_are_unavailable_when_the_site_is_an_ip_address() {
    let srv = own_server(&[("SITE_URL", "http://127.0.0.1:9")]).await;
    set_password(&srv, PASSWORD).await;
    let body = srv
        .client()
        .get(srv.url("/auth/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("IP address"), "{body}");
    let res = post_json(&srv, None, "/auth/passkey/options", serde_json::json!({})).await;
    assert_eq!(res.status(), 404);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"], "passkeys_unavailable");
    // the password still works
    assert_eq!(sign_in(&srv, PASSWORD, "/admin/").await.status(), 303);
}

#[tokio::test]
async fn the_external_mode_has_none_of_these_routes() {
    let srv = TestServer::start(&[]).await;
    for path in ["/admin/security", "/auth/setup?token=x"] {
        let res = srv.client().get(srv.url(path)).send().await.unwrap();
        assert!(
            res.status() == 404 || res.status() == 303,
            "{path}: {}",
            res.status()
        );
    }
    let res = post_json(&srv, None, "/auth/passkey/options", serde_json::json!({})).await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        starpunk::auth::owner::setup::issue_token(&srv.state)
            .await
            .unwrap(),
        None
    );
}
