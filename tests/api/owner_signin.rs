//! The owner's own credentials in own-identity mode, over real HTTP: password sign-in
//! and its limits, passkey ceremonies (with a software authenticator), the first-run
//! set-up link, and the Security page.

mod limits;
mod passkeys;
mod password;
mod security;
mod sessions;
mod setup;
mod setup_fails;

pub use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use scraper::{Html, Selector};
use starpunk::auth::password as pw;
use url::Url;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

use crate::helpers::TestServer;

/// A password the owner may have.
pub const PASSWORD: &str = "correct horse battery staple";

/// A server in own-identity mode. Its `SITE_URL` is `http://localhost` (what the software
/// authenticator accepts as a secure origin); it listens on 127.0.0.1.
pub async fn own_server(extra: &[(&str, &str)]) -> TestServer {
    let mut vars = vec![("ADMIN_ME", ""), ("SITE_URL", "http://localhost")];
    vars.extend_from_slice(extra);
    TestServer::start(&vars).await
}

/// The origin the browser (here the software authenticator) sees.
pub fn origin() -> Url {
    Url::parse("http://localhost").unwrap()
}

/// A software passkey that performs user verification.
pub fn authenticator() -> WebauthnAuthenticator<SoftPasskey> {
    WebauthnAuthenticator::new(SoftPasskey::new(true))
}

/// Sets the owner's password directly in the store.
pub async fn set_password(srv: &TestServer, password: &str) {
    pw::set_password(&srv.state.auth.store, password)
        .await
        .unwrap();
}

/// The `name=value` of the session cookie a response sets.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("starpunk_session=") && !c.starts_with("starpunk_session=;"))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// Where a redirect points.
pub fn location(res: &reqwest::Response) -> &str {
    res.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The hidden inputs of the first form on `html` whose action is `action`.
pub fn hidden_inputs(html: &str, action: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(html);
    let form = Selector::parse(&format!("form[action=\"{action}\"]")).unwrap();
    let hidden = Selector::parse("input[type=hidden]").unwrap();
    let form = doc
        .select(&form)
        .next()
        .unwrap_or_else(|| panic!("no form for {action}"));
    form.select(&hidden)
        .map(|i| {
            let v = i.value();
            (
                v.attr("name").unwrap().to_string(),
                v.attr("value").unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Signs in with the password the way a browser does: the page's form, plus `password`.
pub async fn sign_in(srv: &TestServer, password: &str, next: &str) -> reqwest::Response {
    let c = srv.client();
    let enc: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    let page = c
        .get(srv.url(&format!("/auth/login?next={enc}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let mut fields = hidden_inputs(&page.text().await.unwrap(), "/auth/login");
    fields.push(("password".into(), password.into()));
    c.post(srv.url("/auth/login"))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// A GET with a cookie.
pub async fn get_as(srv: &TestServer, cookie: &str, path: &str) -> reqwest::Response {
    srv.client()
        .get(srv.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
}

/// A form POST with a cookie.
pub async fn post_as(
    srv: &TestServer,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    srv.client()
        .post(srv.url(path))
        .header(COOKIE, cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

/// A JSON POST (with a cookie when given).
pub async fn post_json(
    srv: &TestServer,
    cookie: Option<&str>,
    path: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    let mut req = srv
        .client()
        .post(srv.url(path))
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string());
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    req.send().await.unwrap()
}

/// The CSRF token on an admin page.
pub async fn csrf(srv: &TestServer, cookie: &str) -> String {
    let html = get_as(srv, cookie, "/admin/security")
        .await
        .text()
        .await
        .unwrap();
    let doc = Html::parse_document(&html);
    let sel = Selector::parse("input[name=csrf_token]").unwrap();
    doc.select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string()
}

/// Registers a passkey through the first-run set-up (a fresh token); the session cookie.
pub async fn setup_passkey(
    srv: &TestServer,
    auth: &mut WebauthnAuthenticator<SoftPasskey>,
    name: &str,
) -> String {
    let token = starpunk::auth::owner::setup::issue_token(&srv.state)
        .await
        .unwrap()
        .unwrap();
    let start = post_json(
        srv,
        None,
        "/auth/setup/passkey/options",
        serde_json::json!({"token": token, "name": name}),
    )
    .await;
    assert_eq!(start.status(), 200);
    let start: serde_json::Value = start.json().await.unwrap();
    let options = serde_json::from_value(start["options"].clone()).unwrap();
    let credential = auth.do_registration(origin(), options).unwrap();
    let done = post_json(
        srv,
        None,
        "/auth/setup/passkey/verify",
        serde_json::json!({"token": token, "ceremony": start["ceremony"], "credential": credential}),
    )
    .await;
    assert_eq!(done.status(), 200);
    let cookie = session_cookie(&done).expect("a session");
    let body: serde_json::Value = done.json().await.unwrap();
    assert_eq!(body["next"], "/admin/");
    cookie
}

/// Signs in with a passkey; the verify response.
pub async fn passkey_sign_in(
    srv: &TestServer,
    auth: &mut WebauthnAuthenticator<SoftPasskey>,
    next: &str,
) -> reqwest::Response {
    let start = post_json(srv, None, "/auth/passkey/options", serde_json::json!({})).await;
    assert_eq!(start.status(), 200);
    let start: serde_json::Value = start.json().await.unwrap();
    let options = serde_json::from_value(start["options"].clone()).unwrap();
    let credential = auth.do_authentication(origin(), options).unwrap();
    post_json(
        srv,
        None,
        "/auth/passkey/verify",
        serde_json::json!({"ceremony": start["ceremony"], "credential": credential, "next": next}),
    )
    .await
}
