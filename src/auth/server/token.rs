//! The token endpoint (`POST /auth/token`: code and refresh grants, the legacy
//! `action=revoke`; `GET /auth/token`: what a bearer token allows) and code redemption
//! at the authorization endpoint (`POST /auth/authorize`, sign-in only: who, no token).

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::OwnServer;
use super::oauth::{OAuthError, Params, add_cors, bearer_grant, json_no_store, read_params};
use crate::app::AppState;
use crate::auth::client::parse_client_id;
use crate::auth::ratelimit::ClientAddr;
use crate::auth::tokens::{GrantType, Redeemed};

/// `POST /auth/token`.
pub async fn exchange(
    _own: OwnServer,
    State(s): State<AppState>,
    addr: ClientAddr,
    req: Request,
) -> Response {
    limited(&s, &addr, async {
        let (_, p) = read_params(req).await?;
        if p.get("action") == Some("revoke") {
            let token = p.require("token", "Send the token to revoke as \"token\".")?;
            s.tokens.revoke(token).await?;
            return Ok(json_no_store(json!({})));
        }
        let grant = p.require(
            "grant_type",
            "Send grant_type=authorization_code or grant_type=refresh_token.",
        )?;
        match GrantType::parse(grant)? {
            GrantType::AuthorizationCode => code_grant(&s, &p).await,
            GrantType::RefreshToken => refresh_grant(&s, &p).await,
        }
    })
    .await
}

/// Runs `work` unless `addr` failed too often lately; counts its failures.
pub async fn limited(
    s: &AppState,
    addr: &ClientAddr,
    work: impl Future<Output = Result<Response, OAuthError>>,
) -> Response {
    if let Some(wait) = s.tokens.failures().blocked(&addr.0) {
        return OAuthError::too_many(wait).into_response();
    }
    match work.await {
        Ok(res) => res,
        Err(e) => {
            if e.is_failure() {
                s.tokens.failures().failed(&addr.0);
            }
            e.into_response()
        }
    }
}

/// `grant_type=authorization_code`: the code becomes an access and a refresh token.
async fn code_grant(s: &AppState, p: &Params) -> Result<Response, OAuthError> {
    let (code, client_id, redirect) = code_params(p)?;
    let (redeemed, issued) = s
        .tokens
        .exchange_code(
            code,
            &client_id,
            &redirect,
            p.get("code_verifier"),
            s.config.token_lifetime(),
        )
        .await?;
    let mut body = Map::new();
    body.insert("access_token".into(), json!(issued.access_token));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert("scope".into(), json!(issued.scope));
    body.insert("me".into(), json!(issued.me));
    if let Some(secs) = issued.expires_in {
        body.insert("expires_in".into(), json!(secs));
    }
    if let Some(r) = issued.refresh_token {
        body.insert("refresh_token".into(), json!(r));
    }
    if let Some(profile) = super::profile::for_scopes(s, redeemed.scopes()).await? {
        body.insert("profile".into(), profile);
    }
    Ok(json_no_store(Value::Object(body)))
}

/// `grant_type=refresh_token`: rotation, and a scope that may only narrow.
async fn refresh_grant(s: &AppState, p: &Params) -> Result<Response, OAuthError> {
    let token = p.require("refresh_token", "Send the refresh_token.")?;
    let client_id = normal_client_id(p.require("client_id", "Send the client_id.")?);
    let issued = s.tokens.refresh(token, &client_id, p.get("scope")).await?;
    let scopes: Vec<String> = issued.scope.split(' ').map(str::to_string).collect();
    let mut body = Map::new();
    body.insert("access_token".into(), json!(issued.access_token));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert("scope".into(), json!(issued.scope));
    body.insert("me".into(), json!(issued.me));
    if let Some(secs) = issued.expires_in {
        body.insert("expires_in".into(), json!(secs));
    }
    if let Some(r) = issued.refresh_token {
        body.insert("refresh_token".into(), json!(r));
    }
    if let Some(profile) = super::profile::for_scopes(s, &scopes).await? {
        body.insert("profile".into(), profile);
    }
    Ok(json_no_store(Value::Object(body)))
}

/// Redeems the code of a request (both endpoints): once, by its client, at its
/// redirect URI, with its verifier.
async fn redeem(s: &AppState, p: &Params) -> Result<Redeemed, OAuthError> {
    let (code, client_id, redirect) = code_params(p)?;
    Ok(s.tokens
        .redeem_code(code, &client_id, &redirect, p.get("code_verifier"))
        .await?)
}

/// `code`, and `client_id` and `redirect_uri` in the normal form they were stored in.
fn code_params(p: &Params) -> Result<(&str, String, String), OAuthError> {
    let code = p.require("code", "Send the authorization code as \"code\".")?;
    let client_id = normal_client_id(p.require("client_id", "Send the client_id.")?);
    let redirect = p.require("redirect_uri", "Send the redirect_uri.")?;
    let redirect = url::Url::parse(redirect)
        .map(String::from)
        .unwrap_or_else(|_| redirect.to_string());
    Ok((code, client_id, redirect))
}

/// A `client_id` in the normal form it was stored in (`https://app.example` and
/// `https://app.example/` are one client); an invalid one is compared as sent, and
/// matches nothing.
pub fn normal_client_id(raw: &str) -> String {
    parse_client_id(raw)
        .map(String::from)
        .unwrap_or_else(|_| raw.to_string())
}

/// `GET /auth/token` with a bearer token: `{me, client_id, scope}`, what Micropub
/// servers of the older IndieAuth verify tokens with.
pub async fn verify(
    _own: OwnServer,
    State(s): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
) -> Response {
    limited(&s, &addr, async {
        let grant = bearer_grant(&s, &headers).await?;
        Ok(json_no_store(json!({
            "me": grant.me,
            "client_id": grant.client_id,
            "scope": grant.scopes.join(" "),
        })))
    })
    .await
}

/// `POST /auth/authorize`: a client that only needs to know who signed in redeems
/// its code here and gets `me` (and `profile` when that scope was approved), no
/// token. `grant_type` may be left out (older clients do).
pub async fn redeem_at_authorization(
    _own: OwnServer,
    State(s): State<AppState>,
    addr: ClientAddr,
    req: Request,
) -> Response {
    let mut res = limited(&s, &addr, async {
        let (_, p) = read_params(req).await?;
        if let Some(g) = p.get("grant_type") {
            GrantType::parse(g)?;
            if g != "authorization_code" {
                return Err(OAuthError::bad(
                    "unsupported_grant_type",
                    "The authorization endpoint only redeems codes; refresh at the token endpoint.",
                ));
            }
        }
        let redeemed = redeem(&s, &p).await?;
        let mut body = Map::new();
        body.insert("me".into(), json!(redeemed.me()));
        if let Some(profile) = super::profile::for_scopes(&s, redeemed.scopes()).await? {
            body.insert("profile".into(), profile);
        }
        Ok(json_no_store(Value::Object(body)))
    })
    .await;
    add_cors(&mut res);
    res
}
