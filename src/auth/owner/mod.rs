//! The owner's own credentials in own-identity mode: password and passkey sign-in,
//! and the first-run set-up link.

use axum::Router;

use crate::app::AppState;

/// The routes of the owner's own sign-in.
pub fn router() -> Router<AppState> {
    Router::new()
}
