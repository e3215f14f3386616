//! Starting a sign-in (`/auth/login`), signing out, and the `DEV_MODE` shortcut.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;
use url::Url;

use crate::app::AppState;
use crate::auth::crypto::{is_token_shaped, pkce_challenge, random_token, sha256_hex};
use crate::auth::endpoints;
use crate::auth::failure::AuthFailure;
use crate::auth::ratelimit::ClientAddr;
use crate::auth::session::{self, AdminSession};
use crate::auth::urls::{DEFAULT_NEXT, safe_next};
use crate::auth::views::LoginPage;
use crate::auth::{STATE_LIFETIME, cookie, purge_expired};
use crate::db::auth::AuthRequest;
use crate::domain::time::now;
use crate::error::{AppError, Result};
use crate::site::layout::Layout;

/// How long the browser cookie of a started sign-in lives (longer than the state, so a
/// late callback is told "expired" rather than "other browser").
const BROWSER_COOKIE_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

/// The first value of `name` in a query string or form body.
pub(crate) fn param(raw: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(raw)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `GET /auth/login`: who the blog belongs to and one button; signed in already → `next`.
/// In own-identity mode: a passkey button and the password form ([`crate::auth::owner::signin`]).
pub async fn page(
    State(s): State<AppState>,
    RawQuery(q): RawQuery,
    signed_in: Option<AdminSession>,
) -> Result<Response> {
    let next = safe_next(param(q.unwrap_or_default().as_bytes(), "next").as_deref());
    if signed_in.is_some() {
        return Ok(see_other(next.as_deref().unwrap_or(DEFAULT_NEXT)));
    }
    if s.config.own_identity() {
        return Ok(crate::auth::owner::signin::render(&s, next, StatusCode::OK, None).await);
    }
    let Some(me) = &s.config.admin_me else {
        return Ok(AuthFailure::NotConfigured.respond(&s));
    };
    let tpl = LoginPage {
        l: Layout::new(&s.site, "Sign in"),
        owner: me.to_string(),
        owner_host: me.host_str().unwrap_or_default().to_string(),
        author_name: s.site.author().name,
        next,
    };
    Ok(Html(tpl.render()?).into_response())
}

/// `POST /auth/login`: in own-identity mode, the password sign-in
/// ([`crate::auth::owner::signin::password`]); otherwise discover the endpoint, remember a single-use state and a PKCE
/// verifier, and send the browser to the owner's authorization endpoint.
pub async fn start(
    State(s): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    form: Bytes,
) -> Response {
    if s.config.own_identity() {
        return crate::auth::owner::signin::password(&s, &addr, &headers, &form).await;
    }
    if let Err(wait) = s.auth.limiter.check(&addr.0) {
        return AuthFailure::RateLimited(wait).respond(&s);
    }
    let next =
        safe_next(param(&form, "next").as_deref()).unwrap_or_else(|| DEFAULT_NEXT.to_string());
    let found = match endpoints::current(&s).await {
        None => return AuthFailure::NotConfigured.respond(&s),
        Some(Err(e)) => return AuthFailure::Discovery(e).respond(&s),
        Some(Ok(e)) => e,
    };
    purge_expired(&s).await;
    let request = Start {
        endpoint: &found.authorization_endpoint,
        issuer: found.issuer.as_deref(),
        iss_required: found.iss_required,
        next: &next,
        response_type: "code",
    };
    match redirect_to_provider(&s, &headers, request).await {
        Ok(res) => res,
        Err(e) => AuthFailure::Storage(e).respond(&s),
    }
}

/// One trip to the authorization endpoint.
pub(crate) struct Start<'a> {
    pub endpoint: &'a Url,
    pub issuer: Option<&'a str>,
    /// The callback must carry `iss` (RFC 9207).
    pub iss_required: bool,
    pub next: &'a str,
    /// `code`, or `id` for the one legacy retry.
    pub response_type: &'static str,
}

/// Stores a new state + verifier and answers with the 303 to the provider. The browser
/// cookie is kept when present (so sign-ins started in two tabs both work) and always
/// re-sent, so it cannot run out while a sign-in is under way.
pub(crate) async fn redirect_to_provider(
    s: &AppState,
    headers: &HeaderMap,
    r: Start<'_>,
) -> sqlx::Result<Response> {
    let browser = cookie::read(headers, cookie::BROWSER)
        .filter(|b| is_token_shaped(b))
        .map_or_else(random_token, str::to_string);
    let state = random_token();
    let verifier = random_token();
    let at = now();
    s.auth
        .store
        .start_request(&AuthRequest {
            state_hash: sha256_hex(&state),
            browser_hash: sha256_hex(&browser),
            verifier: verifier.clone(),
            response_type: r.response_type.to_string(),
            endpoint: r.endpoint.to_string(),
            issuer: r.issuer.map(str::to_string),
            iss_required: r.iss_required,
            next: r.next.to_string(),
            created_at: at,
            expires_at: at + STATE_LIFETIME,
            used_at: None,
        })
        .await?;
    let mut target = r.endpoint.clone();
    target
        .query_pairs_mut()
        .append_pair("response_type", r.response_type)
        .append_pair("client_id", &s.config.abs("/"))
        .append_pair("redirect_uri", &s.config.abs("/auth/callback"))
        .append_pair("state", &state)
        .append_pair("code_challenge", &pkce_challenge(&verifier))
        .append_pair("code_challenge_method", "S256")
        .append_pair(
            "me",
            s.config
                .admin_me
                .as_ref()
                .map(Url::as_str)
                .unwrap_or_default(),
        );
    let mut res = see_other(target.as_str());
    let c = cookie::set(
        cookie::BROWSER,
        &browser,
        "/auth",
        BROWSER_COOKIE_LIFETIME,
        s.config.is_https(),
    );
    res.headers_mut().append(header::SET_COOKIE, c);
    Ok(res)
}

/// `POST /auth/logout` (CSRF-checked): ends the session and goes home.
pub async fn logout(
    State(s): State<AppState>,
    signed_in: Option<AdminSession>,
    form: Bytes,
) -> Result<Response> {
    let mut res = see_other("/");
    let clear = match signed_in {
        Some(session) => {
            session.verify_csrf(param(&form, "csrf_token").as_deref())?;
            session::end(&s, &session).await?
        }
        None => cookie::clear(cookie::SESSION, "/", s.config.is_https()),
    };
    res.headers_mut().append(header::SET_COOKIE, clear);
    Ok(res)
}

/// `GET /auth/dev-login`: signs in without a provider, only with `DEV_MODE=true`.
pub async fn dev_login(State(s): State<AppState>, RawQuery(q): RawQuery) -> Result<Response> {
    if !s.config.dev_mode {
        return Err(AppError::not_found());
    }
    let me = s.config.me();
    tracing::warn!(me = %me, "DEV_MODE sign-in without a provider");
    let c = session::create(&s, &me).await?;
    let next = safe_next(param(q.unwrap_or_default().as_bytes(), "next").as_deref());
    let mut res = see_other(next.as_deref().unwrap_or(DEFAULT_NEXT));
    res.headers_mut().append(header::SET_COOKIE, c);
    Ok(res)
}

/// A 303 to `location`.
pub(crate) fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}
