//! The admin's Security page (own-identity mode).

use axum::Router;

use crate::app::AppState;

/// The Security page's routes.
pub fn router() -> Router<AppState> {
    Router::new()
}
