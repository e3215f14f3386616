//! The blog as its own IndieAuth server (own-identity mode): metadata, the
//! authorization endpoint with its consent page, and the token, introspection,
//! revocation and userinfo endpoints, built on [`crate::auth::tokens`].

use axum::Router;

use crate::app::AppState;

/// The routes of the own IndieAuth server.
pub fn router() -> Router<AppState> {
    Router::new()
}
