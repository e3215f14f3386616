//! A fake owner website and IndieAuth token endpoint on 127.0.0.1, speaking real HTTP:
//! the profile page advertises the endpoints (HTML `<link>`, `Link` header, or
//! `indieauth-metadata`), and `GET /token` verifies a bearer token from a per-test
//! table, the way Micropub servers check tokens at an outside provider. It counts the
//! verifications (for the cache), and can be told to hang or to fail.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The client every grant names, as Quill would.
pub const CLIENT_ID: &str = "https://quill.example/";

/// How the profile page advertises the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advert {
    /// `<link rel="authorization_endpoint">` and `<link rel="token_endpoint">`.
    HtmlLink,
    /// The same two rels in an HTTP `Link` header.
    LinkHeader,
    /// Only `indieauth-metadata` (HTML link); the metadata names the endpoints.
    Metadata,
}

/// What `GET /token` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Answers from the grant table.
    Answer,
    /// Never answers (within any sensible time).
    Hang,
    /// Answers 500 with an HTML error page.
    Fail,
}

/// What the token endpoint confirms for one token.
#[derive(Debug, Clone)]
pub struct Grant {
    pub me: String,
    pub scope: String,
    pub client_id: String,
    /// Answer `application/x-www-form-urlencoded` instead of JSON (older endpoints).
    pub form: bool,
}

struct Inner {
    base: String,
    advert: Advert,
    /// Where the profile says the token endpoint is (a dead port, for "down").
    token_url: Mutex<String>,
    mode: Mutex<Mode>,
    grants: Mutex<HashMap<String, Grant>>,
    /// The `Authorization` header of each verification request, in order.
    seen: Mutex<Vec<String>>,
}

/// A running fake owner site + token endpoint.
#[derive(Clone)]
pub struct TokenEndpoint {
    pub base: String,
    inner: Arc<Inner>,
}

impl TokenEndpoint {
    pub async fn start(advert: Advert) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let inner = Arc::new(Inner {
            base: base.clone(),
            advert,
            token_url: Mutex::new(format!("{base}/token")),
            mode: Mutex::new(Mode::Answer),
            grants: Mutex::new(HashMap::new()),
            seen: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/", get(profile))
            .route("/.well-known/oauth-authorization-server", get(metadata))
            .route("/auth", get(|| async { "authorization endpoint" }))
            .route("/token", get(verify))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TokenEndpoint { base, inner }
    }

    /// The owner's identity URL: `ADMIN_ME`.
    pub fn me(&self) -> String {
        format!("{}/", self.base)
    }

    /// The token endpoint the profile advertises.
    pub fn token_url(&self) -> String {
        self.inner.token_url.lock().unwrap().clone()
    }

    /// Makes the profile advertise another token endpoint (call before the app's first
    /// Micropub request: discovery is cached).
    pub fn advertise_token_endpoint(&self, url: &str) {
        *self.inner.token_url.lock().unwrap() = url.to_string();
    }

    /// Registers `token` for the owner with `scope` (space-separated), as JSON.
    pub fn grant(&self, token: &str, scope: &str) {
        self.grant_with(
            token,
            Grant {
                me: self.me(),
                scope: scope.into(),
                client_id: CLIENT_ID.into(),
                form: false,
            },
        );
    }

    pub fn grant_with(&self, token: &str, grant: Grant) {
        self.inner
            .grants
            .lock()
            .unwrap()
            .insert(token.to_string(), grant);
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.inner.mode.lock().unwrap() = mode;
    }

    /// How many verification requests arrived, for any token.
    pub fn calls(&self) -> usize {
        self.inner.seen.lock().unwrap().len()
    }

    /// How many verification requests carried `Authorization: Bearer {token}`.
    pub fn calls_for(&self, token: &str) -> usize {
        let wanted = format!("Bearer {token}");
        self.inner
            .seen
            .lock()
            .unwrap()
            .iter()
            .filter(|h| **h == wanted)
            .count()
    }
}

/// A loopback URL nobody listens on: a token endpoint that is down.
pub async fn dead_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/token")
}

const HCARD: &str =
    r#"<div class="h-card"><a class="u-url p-name" href="/">Ada Lovelace</a></div>"#;

async fn profile(State(p): State<Arc<Inner>>) -> Response {
    let b = &p.base;
    let token = p.token_url.lock().unwrap().clone();
    let head = match p.advert {
        Advert::HtmlLink => format!(
            r#"<link rel="authorization_endpoint" href="{b}/auth"><link rel="token_endpoint" href="{token}">"#
        ),
        Advert::LinkHeader => String::new(),
        Advert::Metadata => {
            r#"<link rel="indieauth-metadata" href="/.well-known/oauth-authorization-server">"#
                .into()
        }
    };
    let html = format!(
        "<!doctype html><html><head><title>Ada</title>{head}</head><body>{HCARD}</body></html>"
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        "text/html; charset=utf-8".parse().unwrap(),
    );
    if p.advert == Advert::LinkHeader {
        let link =
            format!(r#"<{b}/auth>; rel="authorization_endpoint", <{token}>; rel="token_endpoint""#);
        headers.insert(header::LINK, link.parse().unwrap());
    }
    (headers, html).into_response()
}

async fn metadata(State(p): State<Arc<Inner>>) -> Response {
    let b = &p.base;
    let token = p.token_url.lock().unwrap().clone();
    axum::Json(serde_json::json!({
        "issuer": format!("{b}/"),
        "authorization_endpoint": format!("{b}/auth"),
        "token_endpoint": token,
        "code_challenge_methods_supported": ["S256"],
    }))
    .into_response()
}

/// Token verification: `GET /token` with `Authorization: Bearer …`.
async fn verify(State(p): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    p.seen.lock().unwrap().push(auth.clone());
    let mode = *p.mode.lock().unwrap();
    match mode {
        Mode::Answer => {}
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(120)).await;
            return "too late".into_response();
        }
        Mode::Fail => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/html")],
                "<h1>Internal Server Error</h1>",
            )
                .into_response();
        }
    }
    let grant = auth
        .strip_prefix("Bearer ")
        .and_then(|t| p.grants.lock().unwrap().get(t).cloned());
    let Some(g) = grant else {
        let body = serde_json::json!({
            "error": "invalid_token",
            "error_description": "The token is not valid",
        });
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    };
    if g.form {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("me", &g.me)
            .append_pair("client_id", &g.client_id)
            .append_pair("scope", &g.scope)
            .finish();
        return (
            [(header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
            body,
        )
            .into_response();
    }
    axum::Json(serde_json::json!({
        "me": g.me,
        "client_id": g.client_id,
        "scope": g.scope,
    }))
    .into_response()
}

/// The fake itself, so that a failing Micropub test points at the app, not at it.
#[tokio::test]
async fn the_fake_answers_like_a_token_endpoint() {
    let fake = TokenEndpoint::start(Advert::HtmlLink).await;
    fake.grant("t1", "create");
    fake.grant_with(
        "t2",
        Grant {
            me: fake.me(),
            scope: "update".into(),
            client_id: CLIENT_ID.into(),
            form: true,
        },
    );
    let http = reqwest::Client::new();
    let profile = http
        .get(fake.me())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(profile.contains(&format!(
        r#"<link rel="token_endpoint" href="{}/token">"#,
        fake.base
    )));
    let ask = |token: &'static str| http.get(fake.token_url()).bearer_auth(token).send();
    let one = ask("t1").await.unwrap();
    assert_eq!(one.status(), StatusCode::OK);
    let v: serde_json::Value = one.json().await.unwrap();
    assert_eq!(
        v,
        serde_json::json!({"me": fake.me(), "client_id": CLIENT_ID, "scope": "create"})
    );
    let two = ask("t2").await.unwrap().text().await.unwrap();
    assert!(two.contains("scope=update"), "{two}");
    let bad = ask("nope").await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(fake.calls(), 3);
    assert_eq!(fake.calls_for("t1"), 1);
    fake.set_mode(Mode::Fail);
    assert_eq!(
        ask("t1").await.unwrap().status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let meta = TokenEndpoint::start(Advert::Metadata).await;
    let m: serde_json::Value = http
        .get(format!(
            "{}/.well-known/oauth-authorization-server",
            meta.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(m["token_endpoint"], meta.token_url());
    assert!(
        http.get(dead_url().await).send().await.is_err(),
        "nobody listens"
    );
}

/// The app's own discovery finds the token endpoint however the profile advertises it.
#[tokio::test]
async fn the_app_discovers_the_fake_token_endpoint() {
    for advert in [Advert::HtmlLink, Advert::LinkHeader, Advert::Metadata] {
        let blog = super::client::Blog::start_with(advert, &[]).await;
        let found = starpunk::auth::endpoints::current(&blog.server.state)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            found.token_endpoint.as_ref().map(|u| u.to_string()),
            Some(blog.tokens.token_url()),
            "{advert:?}"
        );
    }
}
