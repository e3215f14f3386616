//! The admin's Profile page (own-identity mode).

use axum::Router;

use crate::app::AppState;

/// The Profile page's routes.
pub fn router() -> Router<AppState> {
    Router::new()
}
