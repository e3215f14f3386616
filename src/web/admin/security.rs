//! `/admin/security` (own-identity mode only; 404 otherwise): the owner's passkeys
//! (list, add, rename, remove) and password (set or change). The last credential
//! cannot be removed, so the owner can never lock themselves out. Changing the password
//! or removing a passkey ends every other session of the owner (the current one stays),
//! so a session opened with a lost credential does not outlive it.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use bytes::Bytes;

use super::AdminLayout;
use crate::app::AppState;
use crate::auth::login::param;
use crate::auth::owner::{rp, setup::capitalise};
use crate::auth::password::{self, MIN_CHARS};
use crate::auth::ratelimit::ClientAddr;
use crate::auth::session::AdminSession;
use crate::db::{credentials, passkeys};
use crate::error::{AppError, Result};

mod keys;

/// The Security page's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/security", get(page))
        .route("/admin/security/password", post(change_password))
        .route("/admin/security/passkeys/options", post(keys::options))
        .route("/admin/security/passkeys/verify", post(keys::verify))
        .route("/admin/security/passkeys/{id}/rename", post(keys::rename))
        .route(
            "/admin/security/passkeys/{id}/remove",
            get(keys::confirm_remove).post(keys::remove),
        )
}

/// One passkey in the list.
pub struct PasskeyView {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "admin/security.html")]
struct SecurityPage {
    a: AdminLayout,
    passkeys: Vec<PasskeyView>,
    /// When the password was last set, if it is.
    password_changed: Option<String>,
    passkeys_unavailable: Option<&'static str>,
    min_chars: usize,
}

/// `GET /admin/security`.
pub async fn page(
    State(s): State<AppState>,
    session: AdminSession,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    own_only(&s)?;
    let done = param(q.unwrap_or_default().as_bytes(), "done");
    render(&s, &session, StatusCode::OK, flash(done.as_deref()), None).await
}

/// The page with a message: `flash` after an action, `error` when one was refused.
pub(super) async fn render(
    s: &AppState,
    session: &AdminSession,
    status: StatusCode,
    flash: Option<String>,
    error: Option<String>,
) -> Result<Response> {
    let (rows, times) =
        tokio::try_join!(passkeys::list(&s.db), credentials::password_times(&s.db))?;
    let mut a = AdminLayout::new(&s.site, session, "Security");
    a.flash = flash;
    a.error = error;
    let page = SecurityPage {
        a,
        passkeys: rows
            .into_iter()
            .map(|r| PasskeyView {
                id: r.id,
                name: r.name,
                created: when(r.created_at),
                last_used: r.last_used_at.map_or_else(|| "never".into(), when),
            })
            .collect(),
        password_changed: times.map(|(_, changed)| when(changed)),
        passkeys_unavailable: rp::webauthn(&s.config).is_none().then_some(rp::IP_HOST),
        min_chars: MIN_CHARS,
    };
    Ok((status, Html(page.render()?)).into_response())
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y, %H:%M UTC").to_string()
}

/// 404 in the external-provider mode, where the provider holds the credentials.
pub(super) fn own_only(s: &AppState) -> Result<()> {
    if s.config.own_identity() {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// Fixed wordings for `?done=`; nothing from the query reaches the page.
fn flash(done: Option<&str>) -> Option<String> {
    let msg = match done? {
        "password" => "Password saved. Every other browser signed in as you was signed out.",
        "passkey-added" => "Passkey added.",
        "passkey-renamed" => "Passkey renamed.",
        "passkey-removed" => {
            "Passkey removed. Every other browser signed in as you was signed out."
        }
        _ => return None,
    };
    Some(msg.to_string())
}

/// `POST /admin/security/password` (`csrf_token`, `current_password` when one is set,
/// `password`, `password_again`). A wrong current password changes nothing and counts
/// against the sign-in limit.
pub async fn change_password(
    State(s): State<AppState>,
    session: AdminSession,
    addr: ClientAddr,
    form: Bytes,
) -> Result<Response> {
    own_only(&s)?;
    session.verify_csrf(param(&form, "csrf_token").as_deref())?;
    let refuse = |msg: String| render(&s, &session, StatusCode::BAD_REQUEST, None, Some(msg));
    let new = param(&form, "password").unwrap_or_default();
    if param(&form, "password_again").as_deref() != Some(new.as_str()) {
        return refuse("The two new passwords differ. Nothing was changed.".into()).await;
    }
    if let Err(e) = password::check_new(&new) {
        return refuse(format!(
            "{}. Nothing was changed.",
            capitalise(&e.to_string())
        ))
        .await;
    }
    let _permit = s
        .auth
        .owner
        .argon2
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if password::has_password(&s.auth.store)
        .await
        .map_err(internal)?
    {
        if let Err(wait) = s.auth.limiter.check(&addr.0) {
            return refuse(format!(
                "Too many wrong passwords from your address. Wait {} seconds. Nothing was changed.",
                wait.as_secs().max(1)
            ))
            .await;
        }
        let current = param(&form, "current_password").unwrap_or_default();
        if !password::verify_password(&s.auth.store, &current)
            .await
            .map_err(internal)?
        {
            tracing::warn!("password change refused: wrong current password");
            return refuse("The current password is not right. Nothing was changed.".into()).await;
        }
        s.auth.limiter.forgive(&addr.0);
    }
    password::set_password(&s.auth.store, &new)
        .await
        .map_err(internal)?;
    // Whoever learnt the old password may hold a session: only this one survives.
    let ended = crate::db::auth::delete_sessions_except(&s.db, session.token_hash()).await?;
    tracing::info!(
        other_sessions_ended = ended,
        "password changed on the Security page"
    );
    Ok(Redirect::to("/admin/security?done=password").into_response())
}

fn internal(e: password::PasswordError) -> AppError {
    AppError::Internal(e.into())
}
