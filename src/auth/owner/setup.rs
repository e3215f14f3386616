//! First run: while the owner has no credential, each start of the server logs a
//! one-time link `{SITE_URL}/auth/setup?token=…` (256 random bits, stored hashed, good
//! until used or [`TOKEN_LIFETIME`]). The page behind it registers a passkey or sets a
//! password, signs the owner in and spends the token. Without a good token nothing
//! changes, and once any credential exists set-up is closed: nobody can claim the site
//! by being first.

use std::time::Duration;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use webauthn_rs::prelude::RegisterPublicKeyCredential;

use crate::app::AppState;
use crate::auth::crypto::{random_token, sha256_hex};
use crate::auth::login::{param, see_other};
use crate::auth::owner::{device, json, register, rp};
use crate::auth::password::{self, MIN_CHARS};
use crate::auth::ratelimit::ClientAddr;
use crate::auth::session;
use crate::auth::urls::DEFAULT_NEXT;
use crate::auth::views::{FailedPage, SetupPage};
use crate::db::{credentials, passkeys, setup_tokens};
use crate::domain::time::now;
use crate::error::{AppError, Result};
use crate::site::layout::Layout;

/// How long a set-up link works.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Makes a new set-up token when the owner has no credential (in own-identity mode);
/// `None` otherwise. The start-up calls this and logs the link; tests call it too.
pub async fn issue_token(state: &AppState) -> sqlx::Result<Option<String>> {
    if !state.config.own_identity() || passkeys::has_credential(&state.db).await? {
        return Ok(None);
    }
    let token = random_token();
    let at = now();
    setup_tokens::insert(&state.db, &sha256_hex(&token), at, at + TOKEN_LIFETIME).await?;
    Ok(Some(token))
}

/// At start-up: logs the set-up link when there is no way to sign in yet.
pub async fn announce(state: &AppState) {
    match issue_token(state).await {
        Ok(Some(token)) => tracing::warn!(
            "no sign-in is set up yet: open {}/auth/setup?token={token} within 24 hours to register a passkey or set a password (or run `starpunk set-password`)",
            state.config.site_url
        ),
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "could not make a set-up link"),
    }
}

/// Whether `token` opens set-up now.
async fn is_open(s: &AppState, token: &str) -> sqlx::Result<bool> {
    setup_tokens::is_open(&s.db, &sha256_hex(token), now()).await
}

/// `GET /auth/setup?token=…`.
pub async fn page(State(s): State<AppState>, RawQuery(q): RawQuery) -> Result<Response> {
    if !s.config.own_identity() {
        return Err(AppError::not_found());
    }
    let token = param(q.unwrap_or_default().as_bytes(), "token").unwrap_or_default();
    if !is_open(&s, &token).await? {
        return refused(&s).await;
    }
    render(&s, token, StatusCode::OK, None)
}

fn render(
    s: &AppState,
    token: String,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response> {
    let page = SetupPage {
        l: Layout::new(&s.site, "Set up your sign-in"),
        token,
        min_chars: MIN_CHARS,
        passkeys_unavailable: rp::webauthn(&s.config).is_none().then_some(rp::IP_HOST),
        error,
    };
    Ok(no_store((status, Html(page.render()?)).into_response()))
}

/// The page for a link that does not (or no longer) open set-up.
async fn refused(s: &AppState) -> Result<Response> {
    let closed = passkeys::has_credential(&s.db).await?;
    let (status, heading, message) = if closed {
        (
            StatusCode::NOT_FOUND,
            "Set-up is closed",
            "This blog already has a way to sign in, so set-up links no longer work.",
        )
    } else {
        (
            StatusCode::FORBIDDEN,
            "This set-up link does not work",
            "It is mistyped, already used or older than 24 hours. Nothing was changed.",
        )
    };
    let page = FailedPage {
        l: Layout::new(&s.site, heading),
        heading: heading.into(),
        message: message.into(),
        hint: (!closed).then(|| {
            "Restart the server to have a new link written to its log, or set a password on the server with `starpunk set-password`.".to_string()
        }),
        retry: closed,
    };
    Ok(no_store((status, Html(page.render()?)).into_response()))
}

/// `POST /auth/setup` (form: `token`, `password`, `password_again`): sets the password
/// and spends the token (one transaction), signs in, 303 to `/admin/`.
pub async fn with_password(State(s): State<AppState>, form: Bytes) -> Result<Response> {
    if !s.config.own_identity() {
        return Err(AppError::not_found());
    }
    let token = param(&form, "token").unwrap_or_default();
    if !is_open(&s, &token).await? {
        return refused(&s).await;
    }
    let new = param(&form, "password").unwrap_or_default();
    if param(&form, "password_again").as_deref() != Some(new.as_str()) {
        return render(
            &s,
            token,
            StatusCode::BAD_REQUEST,
            Some("The two passwords differ. Nothing was changed.".into()),
        );
    }
    if let Err(e) = password::check_new(&new) {
        return render(
            &s,
            token,
            StatusCode::BAD_REQUEST,
            Some(format!(
                "{}. Nothing was changed.",
                capitalise(&e.to_string())
            )),
        );
    }
    // Hashed first (slow, and it can fail): the link is spent only in the same
    // transaction that stores the password, so it is never used up for nothing.
    let hash = match s.auth.owner.argon2.acquire().await {
        Ok(_permit) => password::hash_new(&new).await,
        Err(_) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "the hashing gate is closed"
            )));
        }
    };
    let hash = hash.map_err(|e| AppError::Internal(e.into()))?;
    let at = now();
    let mut tx = s.db.begin().await?;
    if !setup_tokens::spend(&s.db, &mut tx, &sha256_hex(&token), at).await? {
        drop(tx);
        return refused(&s).await;
    }
    credentials::store_password_hash_in(&s.db, &mut tx, &hash, at).await?;
    tx.commit().await?;
    tracing::info!("first-run set-up: password set");
    let cookie = session::create(&s, &s.config.me()).await?;
    let mut res = see_other(DEFAULT_NEXT);
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res.headers_mut()
        .append(header::SET_COOKIE, device::issue(&s));
    Ok(res)
}

/// `POST /auth/setup/passkey/options`'s body.
#[derive(Deserialize)]
pub struct OptionsBody {
    pub token: String,
    pub name: String,
}

/// `POST /auth/setup/passkey/options` (JSON `{"token", "name"}`) → `{"ceremony", "options"}`.
pub async fn passkey_options(
    State(s): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !s.config.own_identity() {
        return crate::auth::owner::passkey::not_here();
    }
    let body: OptionsBody = match json::read(&headers, &body) {
        Ok(b) => b,
        Err(res) => return *res,
    };
    match is_open(&s, &body.token).await {
        Ok(true) => {}
        Ok(false) => return bad_token(),
        Err(e) => return json::storage(&e),
    }
    register::start(&s, &addr, sha256_hex(&body.token), &body.name).await
}

/// `POST /auth/setup/passkey/verify`'s body.
#[derive(Deserialize)]
pub struct VerifyBody {
    pub token: String,
    pub ceremony: String,
    pub credential: RegisterPublicKeyCredential,
}

/// `POST /auth/setup/passkey/verify` (JSON `{"token", "ceremony", "credential"}`) →
/// `{"next": "/admin/"}` with the session cookie; the token is spent.
pub async fn passkey_verify(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !s.config.own_identity() {
        return crate::auth::owner::passkey::not_here();
    }
    let body: VerifyBody = match json::read(&headers, &body) {
        Ok(b) => b,
        Err(res) => return *res,
    };
    let token_hash = sha256_hex(&body.token);
    let (key, name) = match register::finish(&s, &body.ceremony, &body.credential, &token_hash) {
        Ok(x) => x,
        Err(res) => return *res,
    };
    let (id, credential) = match register::stored_form(&key) {
        Ok(x) => x,
        Err(res) => return *res,
    };
    // The link is spent in the transaction that stores the passkey: both or neither.
    match spend_and_store(&s, &token_hash, &id, &name, &credential).await {
        Ok(Ok(())) => {}
        Ok(Err(res)) => return *res,
        Err(e) => return json::storage(&e),
    }
    tracing::info!("first-run set-up: passkey registered");
    let cookie = match session::create(&s, &s.config.me()).await {
        Ok(c) => c,
        Err(e) => return json::storage(&e),
    };
    let mut res = json::ok(serde_json::json!({ "next": DEFAULT_NEXT }));
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res.headers_mut()
        .append(header::SET_COOKIE, device::issue(&s));
    res
}

/// Spends the set-up token and stores the passkey in one transaction; a refusal (the
/// link no longer open, the passkey already stored) rolls both back.
async fn spend_and_store(
    s: &AppState,
    token_hash: &str,
    id: &str,
    name: &str,
    credential: &str,
) -> sqlx::Result<Result<(), json::Refusal>> {
    let at = now();
    let mut tx = s.db.begin().await?;
    if !setup_tokens::spend(&s.db, &mut tx, token_hash, at).await? {
        return Ok(Err(Box::new(bad_token())));
    }
    if !passkeys::insert_in(&s.db, &mut tx, id, name, credential, at).await? {
        return Ok(Err(register::already_registered()));
    }
    tx.commit().await?;
    tracing::info!(passkey = %name, "passkey registered");
    Ok(Ok(()))
}

fn bad_token() -> Response {
    json::error(
        StatusCode::FORBIDDEN,
        "invalid_token",
        "This set-up link is mistyped, already used or older than 24 hours, or a way to sign in already exists. Nothing was changed.",
    )
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// The error text of a refusal as a sentence.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
