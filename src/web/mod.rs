//! The public web: pages, search, health, static assets, and the layers around them.

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

pub mod admin;
pub mod assets;
pub mod cache;
pub mod encoding;
pub mod errors;
pub mod headers;
pub mod health;
pub mod layer;
pub mod media;
pub mod pages;
pub mod params;
pub mod search;
pub mod trace;
pub mod view;

/// Routes of the public site.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/note/{slug}", get(pages::note))
        .route("/notes/{slug}", get(pages::legacy_note))
        .route("/notes/{slug}/", get(pages::legacy_note))
        .route("/tag/{tag}", get(pages::tag))
        .route("/search", get(search::page))
        .route("/api/search", get(search::api))
        .route("/health", get(health::health))
        .route("/static/{name}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon))
}
