//! Sessions: a random token in the `starpunk_session` cookie, stored as its SHA-256,
//! valid 30 days and sliding (moved forward at most once an hour, so reading a page
//! does not cost a write). [`AdminSession`] is the extractor every `/admin/` handler
//! takes; the site layer ([`crate::web::layer`]) marks responses that looked at the
//! session `private, no-store` and carries the refreshed cookie out.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::app::AppState;
use crate::auth::cookie;
use crate::auth::crypto::{ct_eq, hmac_b64, is_token_shaped, random_token, sha256_hex};
use crate::auth::urls::{DEFAULT_NEXT, same_profile};
use crate::db::auth::SessionRow;
use crate::domain::time::now;
use crate::error::AppError;

/// How long a session lasts without use.
pub const LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
/// How often at most a session's expiry slides forward.
pub const REFRESH_EVERY: Duration = Duration::from_secs(3600);

/// The signed-in owner. Take it as a handler argument to require a session: without
/// one the handler is not run and the browser is sent to `/auth/login?next=…`, which
/// comes back to the same page afterwards (GET pages only; forms go to `/admin/`).
/// `Option<AdminSession>` never redirects.
#[derive(Debug, Clone)]
pub struct AdminSession {
    me: String,
    token_hash: String,
    csrf: String,
    dev_mode: bool,
}

impl AdminSession {
    /// The signed-in profile URL.
    pub fn me(&self) -> &str {
        &self.me
    }

    /// The CSRF token to put in every admin form as `csrf_token`
    /// (`{% include "auth/csrf_field.html" %}` does it from a template field `session`).
    pub fn csrf_token(&self) -> &str {
        &self.csrf
    }

    /// Whether `DEV_MODE` is on: admin pages then show a warning banner
    /// (`{% include "auth/dev_banner.html" %}`).
    pub fn dev_mode(&self) -> bool {
        self.dev_mode
    }

    /// Checks a submitted `csrf_token` form field in constant time. A missing or wrong
    /// token is a 403 page; call this before changing anything.
    pub fn verify_csrf(&self, submitted: Option<&str>) -> Result<(), AppError> {
        match submitted {
            Some(t) if ct_eq(t.trim().as_bytes(), self.csrf.as_bytes()) => Ok(()),
            _ => {
                tracing::warn!("form refused: missing or wrong CSRF token");
                Err(AppError::Forbidden(
                    "This form's security token is missing or out of date, so nothing was changed. \
                     Go back, reload the page and try again."
                        .into(),
                ))
            }
        }
    }

    pub(crate) fn token_hash(&self) -> &str {
        &self.token_hash
    }
}

/// The CSRF token of a session: HMAC-SHA256 of its stored hash under the secret.
pub fn csrf_token_for(key: &[u8], token_hash: &str) -> String {
    hmac_b64(key, format!("csrf:{token_hash}").as_bytes())
}

/// Per-request note from the session extractors to the site layer
/// ([`crate::web::layer`]), which every request crosses: whether the handler looked at
/// the session, and a refreshed cookie to send.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slot(Arc<Mutex<SlotState>>);

#[derive(Debug, Default)]
struct SlotState {
    looked: bool,
    set_cookie: Option<HeaderValue>,
}

impl Slot {
    /// Gives `req` a fresh slot for the extractors; the returned handle reads it back.
    pub(crate) fn attach<B>(req: &mut axum::http::Request<B>) -> Slot {
        let slot = Slot::default();
        req.extensions_mut().insert(slot.clone());
        slot
    }

    /// Marks `res` `Cache-Control: private, no-store` when the handler looked at the
    /// session (signed in or not: a shared cache must not keep either version), and
    /// carries a slid session's cookie out.
    pub(crate) fn apply(&self, res: &mut Response) {
        let state = self
            .0
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default();
        if state.looked {
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
        }
        if let Some(c) = state.set_cookie {
            res.headers_mut().append(header::SET_COOKIE, c);
        }
    }
}

/// Starts a session for `me`; returns the `Set-Cookie` value.
pub async fn create(state: &AppState, me: &str) -> sqlx::Result<HeaderValue> {
    let token = random_token();
    let at = now();
    state
        .auth
        .store
        .start_session(&SessionRow {
            token_hash: sha256_hex(&token),
            me: me.to_string(),
            created_at: at,
            refreshed_at: at,
            expires_at: at + LIFETIME,
        })
        .await?;
    Ok(cookie::set(
        cookie::SESSION,
        &token,
        "/",
        LIFETIME,
        state.config.is_https(),
    ))
}

/// Ends a session; returns the `Set-Cookie` value that removes it.
pub async fn end(state: &AppState, session: &AdminSession) -> sqlx::Result<HeaderValue> {
    state.auth.store.end_session(session.token_hash()).await?;
    Ok(cookie::clear(cookie::SESSION, "/", state.config.is_https()))
}

async fn lookup(parts: &mut Parts, state: &AppState) -> Result<Option<AdminSession>, AppError> {
    let slot = parts.extensions.get::<Slot>().cloned();
    debug_assert!(
        slot.is_some(),
        "the site layer gives every request a session slot"
    );
    if let Some(slot) = &slot
        && let Ok(mut s) = slot.0.lock()
    {
        s.looked = true;
    }
    let Some(token) = cookie::read(&parts.headers, cookie::SESSION).filter(|t| is_token_shaped(t))
    else {
        return Ok(None);
    };
    let token = token.to_string();
    let token_hash = sha256_hex(&token);
    let at = now();
    let Some(row) = state.auth.store.session(&token_hash, at).await? else {
        return Ok(None);
    };
    if !same_profile(&row.me, &state.config.me()) {
        return Ok(None);
    }
    if due_for_refresh(row.refreshed_at, at) {
        state
            .auth
            .store
            .slide_session(&token_hash, at, at + LIFETIME)
            .await?;
        if let Some(slot) = &slot
            && let Ok(mut s) = slot.0.lock()
        {
            s.set_cookie = Some(cookie::set(
                cookie::SESSION,
                &token,
                "/",
                LIFETIME,
                state.config.is_https(),
            ));
        }
    }
    Ok(Some(AdminSession {
        csrf: csrf_token_for(state.auth.key(), &token_hash),
        me: row.me,
        token_hash,
        dev_mode: state.config.dev_mode,
    }))
}

fn due_for_refresh(refreshed_at: DateTime<Utc>, at: DateTime<Utc>) -> bool {
    (at - refreshed_at)
        .to_std()
        .is_ok_and(|d| d >= REFRESH_EVERY)
}

/// The redirect to sign-in that comes back to `parts`' page afterwards (GET and HEAD
/// only: a form submitted without a session goes to the default page instead).
fn to_login(parts: &Parts) -> Response {
    if parts.method == Method::GET || parts.method == Method::HEAD {
        login_redirect(
            parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/"),
        )
    } else {
        login_redirect(DEFAULT_NEXT)
    }
}

/// A 303 to `/auth/login?next=<back>`, never cached.
pub fn login_redirect(back: &str) -> Response {
    let enc: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/auth/login?next={enc}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match lookup(parts, state).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(to_login(parts)),
            Err(e) => Err(e.into_response()),
        }
    }
}

impl OptionalFromRequestParts<AppState> for AdminSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        lookup(parts, state).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_at_most_hourly() {
        let t = now();
        assert!(!due_for_refresh(t, t + chrono::Duration::minutes(59)));
        assert!(due_for_refresh(t, t + chrono::Duration::minutes(61)));
        assert!(!due_for_refresh(t, t - chrono::Duration::minutes(5)));
    }

    #[test]
    fn csrf_tokens_are_bound_to_session_and_key() {
        let a = csrf_token_for(b"key-one-key-one-key-one", "hash-a");
        assert_eq!(a, csrf_token_for(b"key-one-key-one-key-one", "hash-a"));
        assert_ne!(a, csrf_token_for(b"key-one-key-one-key-one", "hash-b"));
        assert_ne!(a, csrf_token_for(b"key-two-key-two-key-two", "hash-a"));
        let s = AdminSession {
            me: "m".into(),
            token_hash: "hash-a".into(),
            csrf: a.clone(),
            dev_mode: false,
        };
        assert!(s.verify_csrf(Some(&a)).is_ok());
        assert!(s.verify_csrf(Some("nope")).is_err());
        assert!(s.verify_csrf(None).is_err());
    }
}
