//! The passkeys of the Security page: add (the WebAuthn registration ceremony, bound
//! to the session), rename, remove (with a confirmation step, never the last
//! credential).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use webauthn_rs::prelude::RegisterPublicKeyCredential;

use super::{PasskeyView, own_only, render};
use crate::app::AppState;
use crate::auth::login::param;
use crate::auth::owner::{json, register};
use crate::auth::ratelimit::ClientAddr;
use crate::auth::session::AdminSession;
use crate::db::passkeys;
use crate::error::{AppError, Result};
use crate::web::admin::AdminLayout;

/// `POST /admin/security/passkeys/options`'s body.
#[derive(Deserialize)]
pub struct OptionsBody {
    pub csrf_token: String,
    pub name: String,
}

/// `POST /admin/security/passkeys/verify`'s body.
#[derive(Deserialize)]
pub struct VerifyBody {
    pub csrf_token: String,
    pub ceremony: String,
    pub credential: RegisterPublicKeyCredential,
}

/// The session and CSRF check of the JSON routes, answered in JSON.
fn checked(
    s: &AppState,
    session: Option<AdminSession>,
    csrf: &str,
) -> Result<AdminSession, json::Refusal> {
    if !s.config.own_identity() {
        return Err(Box::new(crate::auth::owner::passkey::not_here()));
    }
    let Some(session) = session else {
        return Err(Box::new(json::error(
            StatusCode::UNAUTHORIZED,
            "not_signed_in",
            "Sign in again, then retry.",
        )));
    };
    if session.verify_csrf(Some(csrf)).is_err() {
        return Err(Box::new(json::error(
            StatusCode::FORBIDDEN,
            "csrf",
            "This page's security token is out of date. Reload the page and try again.",
        )));
    }
    Ok(session)
}

/// `POST /admin/security/passkeys/options` (JSON `{"csrf_token", "name"}`) →
/// `{"ceremony", "options"}`.
pub async fn options(
    State(s): State<AppState>,
    session: Option<AdminSession>,
    addr: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: OptionsBody = match json::read(&headers, &body) {
        Ok(b) => b,
        Err(res) => return *res,
    };
    let session = match checked(&s, session, &body.csrf_token) {
        Ok(x) => x,
        Err(res) => return *res,
    };
    register::start(&s, &addr, session.token_hash().to_string(), &body.name).await
}

/// `POST /admin/security/passkeys/verify` (JSON `{"csrf_token", "ceremony",
/// "credential"}`) → `{"next": "/admin/security?done=passkey-added"}`.
pub async fn verify(
    State(s): State<AppState>,
    session: Option<AdminSession>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: VerifyBody = match json::read(&headers, &body) {
        Ok(b) => b,
        Err(res) => return *res,
    };
    let session = match checked(&s, session, &body.csrf_token) {
        Ok(x) => x,
        Err(res) => return *res,
    };
    let (key, name) =
        match register::finish(&s, &body.ceremony, &body.credential, session.token_hash()) {
            Ok(x) => x,
            Err(res) => return *res,
        };
    if let Err(res) = register::store(&s, &key, &name).await {
        return *res;
    }
    json::ok(serde_json::json!({ "next": "/admin/security?done=passkey-added" }))
}

/// `POST /admin/security/passkeys/{id}/rename` (`csrf_token`, `name`).
pub async fn rename(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    form: Bytes,
) -> Result<Response> {
    own_only(&s)?;
    session.verify_csrf(param(&form, "csrf_token").as_deref())?;
    let name = match register::clean_name(&param(&form, "name").unwrap_or_default()) {
        Ok(n) => n,
        Err(m) => {
            return render(
                &s,
                &session,
                StatusCode::BAD_REQUEST,
                None,
                Some(format!("{m} Nothing was changed.")),
            )
            .await;
        }
    };
    if !passkeys::rename(&s.db, &id, &name).await? {
        return Err(no_such_passkey());
    }
    Ok(Redirect::to("/admin/security?done=passkey-renamed").into_response())
}

#[derive(Template)]
#[template(path = "admin/passkey_remove.html")]
struct ConfirmPage {
    a: AdminLayout,
    key: PasskeyView,
}

/// `GET /admin/security/passkeys/{id}/remove`: the confirmation step.
pub async fn confirm_remove(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<Response> {
    own_only(&s)?;
    let row = passkeys::find(&s.db, &id)
        .await?
        .ok_or_else(no_such_passkey)?;
    let page = ConfirmPage {
        a: AdminLayout::new(&s.site, &session, "Remove a passkey"),
        key: PasskeyView {
            id: row.id,
            name: row.name,
            created: String::new(),
            last_used: String::new(),
        },
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /admin/security/passkeys/{id}/remove` (`csrf_token`, `confirm=yes`): removes
/// the passkey unless it is the owner's last credential, and ends every other session.
pub async fn remove(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    form: Bytes,
) -> Result<Response> {
    own_only(&s)?;
    session.verify_csrf(param(&form, "csrf_token").as_deref())?;
    if param(&form, "confirm").as_deref() != Some("yes") {
        return Ok(
            Redirect::to(&format!("/admin/security/passkeys/{}/remove", enc(&id))).into_response(),
        );
    }
    if passkeys::find(&s.db, &id).await?.is_none() {
        return Err(no_such_passkey());
    }
    if !passkeys::remove_unless_last(&s.db, &id).await? {
        return render(
            &s,
            &session,
            StatusCode::CONFLICT,
            None,
            Some("This is your only way to sign in, so it was not removed. Set a password or add another passkey first.".into()),
        )
        .await;
    }
    // A session opened with the removed passkey (a lost phone) must not outlive it.
    let ended = crate::db::auth::delete_sessions_except(&s.db, session.token_hash()).await?;
    tracing::info!(
        other_sessions_ended = ended,
        "passkey removed on the Security page"
    );
    Ok(Redirect::to("/admin/security?done=passkey-removed").into_response())
}

fn no_such_passkey() -> AppError {
    AppError::NotFound("There is no passkey with this id.".into())
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
