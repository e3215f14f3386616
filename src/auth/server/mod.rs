//! The blog as its own IndieAuth server (own-identity mode): metadata, the
//! authorization endpoint with its consent page, and the token, introspection,
//! revocation and userinfo endpoints, built on [`crate::auth::tokens`].
//!
//! Every route here answers 404 when the blog signs its owner in elsewhere
//! (`ADMIN_ME` names another site): see [`OwnServer`]. The machine-facing endpoints
//! (metadata, token, introspection, revocation, userinfo, and code redemption at the
//! authorization endpoint) answer CORS preflights, take no cookies, and answer errors
//! as OAuth JSON ([`oauth`]); the consent page is the only HTML, and the only place a
//! session counts.

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::app::AppState;
use crate::error::AppError;

pub mod authorize;
pub mod consent;
pub mod metadata;
pub mod oauth;
pub mod profile;
pub mod request;
pub mod resource;
pub mod token;

/// Where the metadata document lives (RFC 8414).
pub const METADATA_PATH: &str = "/.well-known/oauth-authorization-server";
/// The authorization endpoint: consent page (GET), code redemption (POST).
pub const AUTHORIZE_PATH: &str = "/auth/authorize";
/// Where the consent form is posted.
pub const CONSENT_PATH: &str = "/auth/authorize/consent";
/// The token endpoint.
pub const TOKEN_PATH: &str = "/auth/token";
/// RFC 7662 introspection.
pub const INTROSPECT_PATH: &str = "/auth/introspect";
/// RFC 7009 revocation.
pub const REVOKE_PATH: &str = "/auth/revoke";
/// The userinfo endpoint.
pub const USERINFO_PATH: &str = "/auth/userinfo";

/// The routes of the own IndieAuth server.
pub fn router() -> Router<AppState> {
    let api = Router::new()
        .route(METADATA_PATH, get(metadata::show).options(oauth::preflight))
        .route(
            TOKEN_PATH,
            get(token::verify)
                .post(token::exchange)
                .options(oauth::preflight),
        )
        .route(
            INTROSPECT_PATH,
            post(resource::introspect).options(oauth::preflight),
        )
        .route(
            REVOKE_PATH,
            post(resource::revoke).options(oauth::preflight),
        )
        .route(
            USERINFO_PATH,
            get(resource::userinfo).options(oauth::preflight),
        )
        .layer(map_response(oauth::cors));
    Router::new()
        .route(
            AUTHORIZE_PATH,
            get(authorize::show)
                .post(token::redeem_at_authorization)
                .options(oauth::preflight),
        )
        .route(CONSENT_PATH, post(authorize::decide))
        .merge(api)
}

/// Proof that the blog is its own IndieAuth server. Take it first in every handler
/// here: in external-provider mode the request is answered 404 (JSON on the API
/// endpoints, the HTML page on the authorization endpoint) before anything is read.
#[derive(Debug, Clone, Copy)]
pub struct OwnServer;

impl FromRequestParts<AppState> for OwnServer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        if s.config.own_identity() {
            return Ok(OwnServer);
        }
        let path = parts.uri.path();
        if path == AUTHORIZE_PATH || path == CONSENT_PATH {
            Err(AppError::not_found().into_response())
        } else {
            Err(oauth::OAuthError::not_found().into_response())
        }
    }
}
