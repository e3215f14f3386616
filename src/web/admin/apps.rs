//! The admin's Apps page (own-identity mode).

use axum::Router;

use crate::app::AppState;

/// The Apps page's routes.
pub fn router() -> Router<AppState> {
    Router::new()
}
