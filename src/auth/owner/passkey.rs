//! Signing in with a passkey: `POST /auth/passkey/options` starts a ceremony (a
//! challenge naming the stored passkeys), `POST /auth/passkey/verify` checks the
//! browser's assertion, records the use and starts a session.
//!
//! Not subject to the password limits: a stranger guessing passwords cannot keep the
//! owner from signing in this way. Its own per-client limit on starts is generous, and
//! a browser with the owner's known-device cookie keeps its ceremony in a pool
//! strangers cannot fill (see [`crate::auth::owner::ceremony`]).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use webauthn_rs::prelude::PublicKeyCredential;

use crate::app::AppState;
use crate::auth::owner::ceremony::{Kind, Starter};
use crate::auth::owner::{device, json, rp};
use crate::auth::ratelimit::ClientAddr;
use crate::auth::session;
use crate::auth::urls::{DEFAULT_NEXT, safe_next};
use crate::db::passkeys;
use crate::domain::time::now;

/// `POST /auth/passkey/verify`'s body.
#[derive(Deserialize)]
pub struct VerifyBody {
    /// The id `options` answered.
    pub ceremony: String,
    /// The browser's assertion (`navigator.credentials.get`), base64url fields.
    pub credential: PublicKeyCredential,
    /// Where to go afterwards (checked by `safe_next`).
    #[serde(default)]
    pub next: Option<String>,
}

/// `POST /auth/passkey/options` → `{"ceremony": id, "options": {"publicKey": …}}`.
pub async fn options(State(s): State<AppState>, addr: ClientAddr, headers: HeaderMap) -> Response {
    if !s.config.own_identity() {
        return not_here();
    }
    if let Err(wait) = s.auth.owner.ceremonies_started.check(&addr.0) {
        tracing::warn!("passkey sign-in rate limited");
        return json::rate_limited(
            wait,
            "Too many passkey sign-ins were started from your address. Wait a little.",
        );
    }
    let Some(webauthn) = rp::webauthn(&s.config) else {
        return json::error(StatusCode::NOT_FOUND, "passkeys_unavailable", rp::IP_HOST);
    };
    let keys = match rp::load(&s).await {
        Ok(k) => k,
        Err(e) => return json::storage(&e),
    };
    if keys.is_empty() {
        return json::error(
            StatusCode::NOT_FOUND,
            "no_passkeys",
            "No passkey is registered for this site yet.",
        );
    }
    let creds: Vec<_> = keys.into_iter().map(|(_, p)| p).collect();
    let (challenge, auth) = match webauthn.start_passkey_authentication(&creds) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "passkey sign-in could not start");
            return json::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "The passkey sign-in could not start.",
            );
        }
    };
    // The owner's known browser keeps its ceremony where strangers cannot push it out.
    let by = if device::is_known(&s, &headers) {
        Starter::Owner
    } else {
        Starter::Client(&addr.0)
    };
    match s.auth.owner.ceremonies.start(Kind::SignIn(auth), by) {
        Some(id) => json::ok(serde_json::json!({ "ceremony": id, "options": challenge })),
        None => busy(),
    }
}

/// `POST /auth/passkey/verify` (JSON [`VerifyBody`]) → `{"next": path}` and the
/// session cookie.
pub async fn verify(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if !s.config.own_identity() {
        return not_here();
    }
    let body: VerifyBody = match json::read(&headers, &body) {
        Ok(b) => b,
        Err(res) => return *res,
    };
    let Some(webauthn) = rp::webauthn(&s.config) else {
        return json::error(StatusCode::NOT_FOUND, "passkeys_unavailable", rp::IP_HOST);
    };
    let Some(Kind::SignIn(auth)) = s.auth.owner.ceremonies.take(&body.ceremony) else {
        return expired();
    };
    let result = match webauthn.finish_passkey_authentication(&body.credential, &auth) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "passkey sign-in refused");
            return json::error(
                StatusCode::UNAUTHORIZED,
                "invalid_credential",
                "This passkey was not accepted. Nobody was signed in.",
            );
        }
    };
    let keys = match rp::load(&s).await {
        Ok(k) => k,
        Err(e) => return json::storage(&e),
    };
    // The assertion named one of the passkeys offered; it may have been removed since.
    let Some((row, mut key)) = keys
        .into_iter()
        .find(|(_, p)| p.cred_id() == result.cred_id())
    else {
        return json::error(
            StatusCode::UNAUTHORIZED,
            "invalid_credential",
            "This passkey is no longer registered. Nobody was signed in.",
        );
    };
    key.update_credential(&result);
    let stored = serde_json::to_string(&key).unwrap_or(row.credential);
    if let Err(e) = passkeys::record_use(&s.db, &row.id, &stored, now()).await {
        return json::storage(&e);
    }
    let cookie = match session::create(&s, &s.config.me()).await {
        Ok(c) => c,
        Err(e) => return json::storage(&e),
    };
    tracing::info!(passkey = %row.name, "signed in with a passkey");
    let next = safe_next(body.next.as_deref()).unwrap_or_else(|| DEFAULT_NEXT.to_string());
    let mut res = json::ok(serde_json::json!({ "next": next }));
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res.headers_mut()
        .append(header::SET_COOKIE, device::issue(&s));
    res
}

/// The answer of a ceremony that is unknown, used or too old.
pub fn expired() -> Response {
    json::error(
        StatusCode::BAD_REQUEST,
        "ceremony_expired",
        "This passkey request is unknown, already used or older than 5 minutes. Try again.",
    )
}

/// Too many ceremonies pending at once.
pub fn busy() -> Response {
    json::error(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "Too many passkey requests are under way. Try again in a minute.",
    )
}

/// The external-provider mode has no passkeys.
pub fn not_here() -> Response {
    json::error(
        StatusCode::NOT_FOUND,
        "not_found",
        "This blog signs its owner in through another site.",
    )
}
