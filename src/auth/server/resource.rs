//! What a token holder or a resource server may ask about tokens: introspection
//! (RFC 7662), revocation (RFC 7009) and userinfo (IndieAuth §9).

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::OwnServer;
use super::oauth::{OAuthError, bearer, bearer_grant, json_no_store, read_params};
use super::token::limited;
use crate::app::AppState;
use crate::auth::ratelimit::ClientAddr;

/// `POST /auth/introspect`, `token=…`: `{active: true, me, client_id, scope, exp, iat}`
/// or `{active: false}`. The caller proves itself with a live access token of this
/// server (`Authorization: Bearer`); without one, 401.
pub async fn introspect(
    _own: OwnServer,
    State(s): State<AppState>,
    addr: ClientAddr,
    req: Request,
) -> Response {
    limited(&s, &addr, async {
        let caller = bearer(req.headers())?.ok_or(OAuthError::invalid_token(
            "Introspection needs an access token of this server (Authorization: Bearer).",
        ))?;
        if s.tokens.introspect(&caller).await?.is_none() {
            return Err(OAuthError::invalid_token(
                "The caller's access token is not valid.",
            ));
        }
        let (_, p) = read_params(req).await?;
        let token = p.require("token", "Send the token to introspect as \"token\".")?;
        Ok(match s.tokens.introspect(token).await? {
            Some(i) => json_no_store(serde_json::to_value(i).unwrap_or_default()),
            None => json_no_store(json!({"active": false})),
        })
    })
    .await
}

/// `POST /auth/revoke`, `token=…`: revokes an access or refresh token with its whole
/// grant. 200 for an unknown token too (RFC 7009 §2.2).
pub async fn revoke(
    _own: OwnServer,
    State(s): State<AppState>,
    addr: ClientAddr,
    req: Request,
) -> Response {
    limited(&s, &addr, async {
        let (_, p) = read_params(req).await?;
        let token = p.require("token", "Send the token to revoke as \"token\".")?;
        s.tokens.revoke(token).await?;
        Ok(json_no_store(json!({})))
    })
    .await
}

/// `GET /auth/userinfo` with a bearer token carrying `profile`: `{name, url, photo}`,
/// and `email` with the `email` scope.
pub async fn userinfo(
    _own: OwnServer,
    State(s): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
) -> Response {
    limited(&s, &addr, async {
        let grant = bearer_grant(&s, &headers).await?;
        match super::profile::for_scopes(&s, &grant.scopes).await? {
            Some(profile) => Ok(json_no_store(profile)),
            None => Err(OAuthError::insufficient_scope(
                "The userinfo endpoint needs a token with the \"profile\" scope.",
            )),
        }
    })
    .await
}
