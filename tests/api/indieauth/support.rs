//! The fake application, the owner's sign-in, and the steps of an authorization.

use std::collections::HashMap;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;
use starpunk::auth::crypto::{pkce_challenge, random_token};

use crate::helpers::TestServer;

/// A blog that is its own IndieAuth server.
pub async fn own_server() -> TestServer {
    TestServer::start(&[("ADMIN_ME", "")]).await
}

/// The smallest PNG there is (1×1, transparent).
pub const LOGO_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// The application's name in its metadata.
pub const APP_NAME: &str = "Fake Poster";

/// A Micropub application on 127.0.0.1: `/app` is its client metadata document,
/// `/logo.png` its logo, `/callback` its redirect target. `localhost` on the same port
/// is "another host": a redirect URI there must be listed.
pub struct FakeApp {
    pub port: u16,
    pub client_id: String,
    pub redirect_uri: String,
}

impl FakeApp {
    /// Serves the application; `extra_redirects` are listed in its metadata besides
    /// its own callback.
    pub async fn start(extra_redirects: &[&str]) -> FakeApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let client_id = format!("http://127.0.0.1:{port}/app");
        let redirect_uri = format!("http://127.0.0.1:{port}/callback");
        let mut listed: Vec<String> = vec![redirect_uri.clone()];
        listed.extend(
            extra_redirects
                .iter()
                .map(|r| r.replace("{port}", &port.to_string())),
        );
        let doc = serde_json::json!({
            "client_id": client_id,
            "client_name": APP_NAME,
            "client_uri": format!("http://127.0.0.1:{port}/"),
            "logo_uri": "/logo.png",
            "redirect_uris": listed,
        })
        .to_string();
        let app = Router::new()
            .route(
                "/app",
                get(move || {
                    let doc = doc.clone();
                    async move { ([(header::CONTENT_TYPE, "application/json")], doc) }
                }),
            )
            .route(
                "/logo.png",
                get(|| async { ([(header::CONTENT_TYPE, "image/png")], LOGO_PNG) }),
            )
            .route("/callback", get(|| async { "signed in" }));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeApp {
            port,
            client_id,
            redirect_uri,
        }
    }

    /// The authorization query for `scope` with a fresh PKCE pair; returns the query
    /// and the verifier.
    pub fn query(&self, scope: &str, state: &str) -> (String, String) {
        let verifier = random_token();
        let q = form(&[
            ("response_type", "code"),
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("state", state),
            ("code_challenge", &pkce_challenge(&verifier)),
            ("code_challenge_method", "S256"),
            ("scope", scope),
            ("me", "http://blog.example.test/"),
        ]);
        (q, verifier)
    }
}

/// Form-encodes pairs.
pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// The owner's password in these tests.
pub const PASSWORD: &str = "correct horse battery staple";

/// Signs the owner in the way a person does: the password form of `/auth/login`
/// (setting the password first if the blog has none), coming back to `next`.
/// Returns the session cookie and where the form sent the browser.
pub async fn sign_in_to(server: &TestServer, next: &str) -> (String, String) {
    let store = &server.state.auth.store;
    if !starpunk::auth::password::has_password(store).await.unwrap() {
        starpunk::auth::password::set_password(store, PASSWORD)
            .await
            .unwrap();
    }
    let res = crate::owner_signin::sign_in(server, PASSWORD, next).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the password signs in");
    let cookie = crate::owner_signin::session_cookie(&res).expect("a session cookie");
    let back = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    (cookie, back)
}

/// Signs the owner in with the password (see [`sign_in_to`]); returns the cookie.
pub async fn sign_in(server: &TestServer) -> String {
    sign_in_to(server, "/admin/").await.0
}

/// `GET /auth/authorize?query` with the owner's cookie (or none).
pub async fn get_authorize(
    server: &TestServer,
    cookie: Option<&str>,
    query: &str,
) -> reqwest::Response {
    let mut req = server
        .client()
        .get(server.url(&format!("/auth/authorize?{query}")));
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.send().await.unwrap()
}

/// The consent form as a browser would submit it: hidden fields, and the scope
/// checkboxes (name → checked).
pub struct ConsentForm {
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub scopes: Vec<(String, bool)>,
    pub html: String,
}

/// Reads the consent page.
pub fn parse_consent(html: &str) -> ConsentForm {
    let doc = Html::parse_document(html);
    let form_sel = Selector::parse("form.consent-form").unwrap();
    let form = doc.select(&form_sel).next().expect("a consent form");
    let hidden_sel = Selector::parse("input[type=hidden]").unwrap();
    let box_sel = Selector::parse("input[type=checkbox][name=scope]").unwrap();
    ConsentForm {
        action: form.value().attr("action").unwrap().to_string(),
        hidden: form
            .select(&hidden_sel)
            .map(|i| {
                (
                    i.value().attr("name").unwrap().to_string(),
                    i.value().attr("value").unwrap_or("").to_string(),
                )
            })
            .collect(),
        scopes: form
            .select(&box_sel)
            .map(|i| {
                (
                    i.value().attr("value").unwrap().to_string(),
                    i.value().attr("checked").is_some(),
                )
            })
            .collect(),
        html: html.to_string(),
    }
}

/// Posts the consent form with `decision`, ticking `scopes`; returns the response.
pub async fn post_consent(
    server: &TestServer,
    cookie: &str,
    form_: &ConsentForm,
    scopes: &[&str],
    decision: &str,
    csrf: Option<&str>,
) -> reqwest::Response {
    let mut pairs: Vec<(&str, &str)> = form_
        .hidden
        .iter()
        .filter(|(k, _)| k != "csrf_token")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let own_csrf = form_
        .hidden
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.as_str());
    match csrf {
        Some("") => {}
        Some(t) => pairs.push(("csrf_token", t)),
        None => pairs.push(("csrf_token", own_csrf.unwrap())),
    }
    for s in scopes {
        pairs.push(("scope", s));
    }
    pairs.push(("decision", decision));
    server
        .client()
        .post(server.url(&form_.action))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&pairs))
        .send()
        .await
        .unwrap()
}

/// The query parameters of a redirect's `Location`.
pub fn location_params(res: &reqwest::Response) -> (String, HashMap<String, String>) {
    let loc = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let url = url::Url::parse(&loc).unwrap();
    let params = url.query_pairs().into_owned().collect();
    (loc, params)
}

/// Everything up to the code: consent page, approve `ticked`. Returns the code and
/// the verifier.
pub async fn code_for(
    server: &TestServer,
    app: &FakeApp,
    cookie: &str,
    scope: &str,
    ticked: &[&str],
) -> (String, String) {
    let (q, verifier) = app.query(scope, "st");
    let page = get_authorize(server, Some(cookie), &q).await;
    assert_eq!(page.status(), StatusCode::OK);
    let form_ = parse_consent(&page.text().await.unwrap());
    let res = post_consent(server, cookie, &form_, ticked, "approve", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, p) = location_params(&res);
    (p["code"].clone(), verifier)
}

/// Posts a form to `path`; returns status and JSON body.
pub async fn post_form(
    server: &TestServer,
    path: &str,
    pairs: &[(&str, &str)],
    bearer: Option<&str>,
) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let mut req = server
        .client()
        .post(server.url(path))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(form(pairs));
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.json().await.unwrap_or(Value::Null);
    (status, body, headers)
}

/// Redeems a code at the token endpoint.
pub async fn redeem(
    server: &TestServer,
    app: &FakeApp,
    code: &str,
    verifier: &str,
) -> (StatusCode, Value) {
    let (s, v, _) = post_form(
        server,
        "/auth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", &app.client_id),
            ("redirect_uri", &app.redirect_uri),
            ("code_verifier", verifier),
        ],
        None,
    )
    .await;
    (s, v)
}

/// Access and refresh tokens for `scope`, through the whole flow.
pub async fn tokens_for(server: &TestServer, app: &FakeApp, scope: &str) -> Value {
    let cookie = sign_in(server).await;
    let scopes: Vec<&str> = scope.split(' ').collect();
    let (code, verifier) = code_for(server, app, &cookie, scope, &scopes).await;
    let (status, body) = redeem(server, app, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Creates a note through Micropub with `token`; returns the status.
pub async fn micropub_create(server: &TestServer, token: &str, content: &str) -> reqwest::Response {
    server
        .client()
        .post(server.url("/micropub"))
        .bearer_auth(token)
        .form(&[("h", "entry"), ("content", content)])
        .send()
        .await
        .unwrap()
}
