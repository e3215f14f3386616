//! A fake IndieAuth provider and owner website speaking real HTTP on 127.0.0.1: the
//! profile page (endpoints advertised in several ways, an h-card), server metadata, an
//! authorization endpoint that "approves" at once, and code redemption that checks PKCE.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// How the profile page advertises the authorization endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advert {
    LinkHeader,
    HtmlLink,
    /// `indieauth-metadata` in the `Link` header (relative).
    Metadata,
    /// `<link rel="authorization_endpoint" href="/auth">`.
    Relative,
    /// Nothing at all.
    Nothing,
    /// An http endpoint on a public host.
    PlainHttp,
}

/// What the provider does; tests change it between steps.
#[derive(Debug, Clone)]
pub struct Behaviour {
    pub advert: Advert,
    /// The `me` confirmed at redemption; `None` means the profile URL the test set.
    pub me_answer: Option<String>,
    /// `iss` sent back on the callback; `None` sends none.
    pub iss: Option<String>,
    /// `error` sent back instead of a code, for these response types.
    pub error_for: Option<(&'static str, &'static str)>,
    /// Answer redemption form-encoded, like older providers.
    pub form_answer: bool,
    /// Metadata says `authorization_response_iss_parameter_supported: true` (RFC 9207).
    pub iss_promised: bool,
}

/// What the provider saw.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// Query parameters of each visit to the authorization endpoint.
    pub authorize: Vec<HashMap<String, String>>,
    /// Form fields of each redemption.
    pub redeem: Vec<HashMap<String, String>>,
    /// Code → PKCE challenge issued with it.
    codes: HashMap<String, String>,
}

struct Inner {
    base: String,
    behaviour: Mutex<Behaviour>,
    seen: Mutex<Seen>,
}

/// A running fake provider.
#[derive(Clone)]
pub struct Provider {
    pub base: String,
    inner: Arc<Inner>,
}

impl Provider {
    pub async fn start(advert: Advert) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let inner = Arc::new(Inner {
            base: base.clone(),
            behaviour: Mutex::new(Behaviour {
                advert,
                me_answer: None,
                iss: None,
                error_for: None,
                form_answer: false,
                iss_promised: false,
            }),
            seen: Mutex::new(Seen::default()),
        });
        let app = Router::new()
            .route("/", get(profile))
            .route(
                "/old",
                get(|| async { Redirect::temporary("/people/ada/") }),
            )
            .route("/people/ada/", get(relative_profile))
            .route("/slow", get(slow))
            .route("/.well-known/oauth-authorization-server", get(metadata))
            .route("/auth", get(authorize).post(redeem))
            .route("/people/ada/auth", get(authorize).post(redeem))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Provider { base, inner }
    }

    /// The owner's profile URL on this provider.
    pub fn me(&self) -> String {
        format!("{}/", self.base)
    }

    pub fn set(&self, f: impl FnOnce(&mut Behaviour)) {
        f(&mut self.inner.behaviour.lock().unwrap());
    }

    pub fn seen(&self) -> Seen {
        self.inner.seen.lock().unwrap().clone()
    }
}

const HCARD: &str = r#"<div class="h-card"><img class="u-photo" src="/ada.jpg" alt="">
  <a class="u-url p-name" href="/">Ada Lovelace</a><p class="p-note">Counts things.</p></div>
  <a rel="me" href="https://code.example/ada">code</a>"#;

fn page(head: &str) -> String {
    format!("<!doctype html><html><head><title>Ada</title>{head}</head><body>{HCARD}</body></html>")
}

async fn profile(State(p): State<Arc<Inner>>) -> Response {
    let advert = p.behaviour.lock().unwrap().advert;
    let b = &p.base;
    let html = |head: String| {
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page(&head),
        )
            .into_response()
    };
    match advert {
        Advert::LinkHeader => {
            let link = format!(
                r#"<{b}/auth>; rel="authorization_endpoint", <{b}/token>; rel="token_endpoint""#
            );
            (
                [
                    (header::LINK, link),
                    (header::CONTENT_TYPE, "text/html".into()),
                ],
                page(""),
            )
                .into_response()
        }
        Advert::HtmlLink => html(format!(
            r#"<link rel="authorization_endpoint" href="{b}/auth">"#
        )),
        Advert::Metadata => {
            let link = r#"</.well-known/oauth-authorization-server>; rel="indieauth-metadata""#;
            (
                [(header::LINK, link), (header::CONTENT_TYPE, "text/html")],
                page(""),
            )
                .into_response()
        }
        Advert::Relative => html(r#"<link rel="authorization_endpoint" href="/auth">"#.into()),
        Advert::Nothing => html(String::new()),
        Advert::PlainHttp => html(
            r#"<link rel="authorization_endpoint" href="http://auth.example.invalid/auth">"#.into(),
        ),
    }
}

/// Reached through `/old`; its relative link only works against the final URL.
async fn relative_profile() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html")],
        page(r#"<link rel="authorization_endpoint" href="auth">"#),
    )
        .into_response()
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(3)).await;
    "too late"
}

async fn metadata(State(p): State<Arc<Inner>>) -> Response {
    let b = &p.base;
    let mut meta = serde_json::json!({
        "issuer": format!("{b}/"),
        "authorization_endpoint": format!("{b}/auth"),
        "token_endpoint": format!("{b}/token"),
        "code_challenge_methods_supported": ["S256"],
    });
    if p.behaviour.lock().unwrap().iss_promised {
        meta["authorization_response_iss_parameter_supported"] = true.into();
    }
    axum::Json(meta).into_response()
}

/// Approves at once: back to `redirect_uri` with a code, or with the configured error.
async fn authorize(
    State(p): State<Arc<Inner>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let behaviour = p.behaviour.lock().unwrap().clone();
    let mut back = url::Url::parse(&q["redirect_uri"]).unwrap();
    {
        let mut pairs = back.query_pairs_mut();
        pairs.append_pair("state", &q["state"]);
        if let Some(iss) = &behaviour.iss {
            pairs.append_pair("iss", iss);
        }
        match behaviour.error_for {
            Some((rt, error)) if rt == q["response_type"] => {
                pairs.append_pair("error", error);
            }
            _ => {
                let code = format!("code-{}", p.seen.lock().unwrap().authorize.len());
                p.seen
                    .lock()
                    .unwrap()
                    .codes
                    .insert(code.clone(), q["code_challenge"].clone());
                pairs.append_pair("code", &code);
            }
        }
    }
    p.seen.lock().unwrap().authorize.push(q);
    Redirect::to(back.as_str()).into_response()
}

/// Redeems a code: the verifier must hash to the challenge given with it.
async fn redeem(State(p): State<Arc<Inner>>, Form(f): Form<HashMap<String, String>>) -> Response {
    let behaviour = p.behaviour.lock().unwrap().clone();
    let mut seen = p.seen.lock().unwrap();
    seen.redeem.push(f.clone());
    let challenge = seen
        .codes
        .remove(f.get("code").map(String::as_str).unwrap_or(""));
    let verifier = f.get("code_verifier").cloned().unwrap_or_default();
    let pkce_ok =
        challenge.is_some_and(|c| URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == c);
    if !pkce_ok || f.get("grant_type").map(String::as_str) != Some("authorization_code") {
        let body = serde_json::json!({"error": "invalid_grant", "error_description": "bad code or verifier"});
        return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    }
    let me = behaviour
        .me_answer
        .unwrap_or_else(|| format!("{}/", p.base));
    if behaviour.form_answer {
        let body = format!(
            "me={}",
            url::form_urlencoded::byte_serialize(me.as_bytes()).collect::<String>()
        );
        return (
            [(header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
            body,
        )
            .into_response();
    }
    axum::Json(serde_json::json!({ "me": me })).into_response()
}
