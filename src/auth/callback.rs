//! `GET /auth/callback`: the provider sends the browser back here. The state must be
//! one we issued, unused, unexpired and started in this browser; `iss` must match (and
//! be present when the provider's metadata promised it, RFC 9207);
//! the code is redeemed with the PKCE verifier; only the owner gets a session.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use url::Url;

use crate::app::AppState;
use crate::auth::crypto::sha256_hex;
use crate::auth::failure::AuthFailure;
use crate::auth::login::{Start, param, redirect_to_provider, see_other};
use crate::auth::ratelimit::ClientAddr;
use crate::auth::redeem::{Redemption, redeem};
use crate::auth::urls::same_profile;
use crate::auth::{author, cookie, purge_expired, session};
use crate::domain::time::now;

/// `GET /auth/callback?code=…&state=…[&iss=…]` or `?error=…&state=…`.
pub async fn finish(
    State(s): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    match check(&s, &addr, &headers, raw.unwrap_or_default().as_bytes()).await {
        Ok(res) => res,
        Err(failure) => failure.respond(&s),
    }
}

async fn check(
    s: &AppState,
    addr: &ClientAddr,
    headers: &HeaderMap,
    raw: &[u8],
) -> Result<Response, AuthFailure> {
    s.auth
        .limiter
        .check(&addr.0)
        .map_err(AuthFailure::RateLimited)?;
    let Some(owner) = s.config.admin_me.clone() else {
        return Err(AuthFailure::NotConfigured);
    };
    let state = param(raw, "state")
        .filter(|v| !v.is_empty())
        .ok_or(AuthFailure::StateMissing)?;
    let state_hash = sha256_hex(&state);
    let row = s
        .auth
        .store
        .request(&state_hash)
        .await?
        .ok_or(AuthFailure::StateUnknown)?;
    if row.used_at.is_some() {
        return Err(AuthFailure::StateReused);
    }
    if row.expires_at <= now() {
        return Err(AuthFailure::StateExpired);
    }
    let browser = cookie::read(headers, cookie::BROWSER).map(sha256_hex);
    if browser.as_deref() != Some(row.browser_hash.as_str()) {
        return Err(AuthFailure::ForeignBrowser);
    }
    if !s.auth.store.use_request(&state_hash, now()).await? {
        return Err(AuthFailure::StateReused);
    }
    let iss = param(raw, "iss");
    if iss.is_none() && row.iss_required {
        return Err(AuthFailure::IssuerMissing);
    }
    if let (Some(got), Some(expected)) = (iss, row.issuer.as_ref())
        && got != *expected
    {
        return Err(AuthFailure::IssuerMismatch {
            expected: expected.clone(),
            got: clip(&got),
        });
    }
    let endpoint = Url::parse(&row.endpoint).map_err(|_| AuthFailure::StateUnknown)?;
    if let Some(error) = param(raw, "error") {
        if error == "unsupported_response_type" && row.response_type == "code" {
            tracing::info!(
                "provider does not support response_type=code; retrying once with response_type=id"
            );
            let retry = Start {
                endpoint: &endpoint,
                issuer: row.issuer.as_deref(),
                iss_required: row.iss_required,
                next: &row.next,
                response_type: "id",
            };
            return Ok(redirect_to_provider(s, headers, retry).await?);
        }
        if error == "access_denied" {
            return Err(AuthFailure::AccessDenied);
        }
        return Err(AuthFailure::Provider {
            error: clip(&error),
            description: param(raw, "error_description").map(|d| clip(&d)),
        });
    }
    let code = param(raw, "code")
        .filter(|c| !c.is_empty())
        .ok_or(AuthFailure::NoCode)?;
    let client_id = s.config.abs("/");
    let redirect_uri = s.config.abs("/auth/callback");
    let redemption = Redemption {
        endpoint: &endpoint,
        code: &code,
        client_id: &client_id,
        redirect_uri: &redirect_uri,
        verifier: &row.verifier,
    };
    let me = redeem(
        &s.http,
        &redemption,
        s.config.dev_mode,
        s.auth.fetch_timeout(),
    )
    .await?;
    if !same_profile(&me, owner.as_str()) {
        return Err(AuthFailure::WrongUser {
            got: clip(&me),
            owner: owner.to_string(),
        });
    }
    purge_expired(s).await;
    let session_cookie = session::create(s, owner.as_str()).await?;
    tracing::info!(me = %owner, "owner signed in");
    author::spawn_refresh(s, true);
    let mut res = see_other(&row.next);
    res.headers_mut().append(header::SET_COOKIE, session_cookie);
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie::clear(cookie::BROWSER, "/auth", s.config.is_https()),
    );
    Ok(res)
}

/// Text from the provider shown back to the owner is kept short.
fn clip(s: &str) -> String {
    s.chars().take(200).collect()
}
