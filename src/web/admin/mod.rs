//! The owner's admin: list, write, edit, delete and restore notes with photos; list
//! the stored images and delete unused ones.
//! Every route needs an [`AdminSession`]; every POST checks its CSRF token; every
//! response is `private, no-store`.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Redirect;
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::AppState;
use crate::auth::session::AdminSession;
use crate::limits::{ADMIN_EDIT, ADMIN_NEW, ADMIN_PREVIEW, UploadLimits};
use crate::site::Site;

mod apps;
mod editor;
mod form;
mod list;
mod media;
mod preview;
mod profile;
mod security;

/// Admin routes. The editor's routes take photo uploads: they wear the upload body
/// limit, and the site layer gives their multipart POSTs the upload time limit (both
/// from [`crate::limits`]).
pub fn router(uploads: UploadLimits) -> Router<AppState> {
    let body_limit = uploads.body_limit();
    let uploads = Router::new()
        .route(ADMIN_NEW, get(editor::new_form).post(editor::create))
        .route(ADMIN_EDIT, get(editor::edit_form).post(editor::save))
        .route(ADMIN_PREVIEW, post(preview::preview))
        .merge(profile::router())
        .layer(body_limit);
    Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(list::dashboard))
        .route("/admin/deleted", get(list::deleted))
        .route(
            "/admin/delete/{id}",
            get(list::confirm_delete).post(list::delete),
        )
        .route("/admin/restore/{id}", post(list::restore))
        .route("/admin/media", get(media::list))
        .route(
            "/admin/media/delete/{id}",
            get(media::confirm_delete).post(media::delete),
        )
        .merge(uploads)
        .merge(apps::router())
        .merge(security::router())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ))
}

/// Fields of the admin layout (`admin/layout.html`).
pub struct AdminLayout {
    pub title: String,
    pub site_name: String,
    pub csrf: String,
    pub dev_mode: bool,
    /// The blog is its own IndieAuth server: the nav shows Profile, Apps, Security.
    pub own_identity: bool,
    pub flash: Option<String>,
    pub error: Option<String>,
}

impl AdminLayout {
    pub fn new(site: &Site, session: &AdminSession, title: impl Into<String>) -> Self {
        AdminLayout {
            title: title.into(),
            site_name: site.name.clone(),
            csrf: session.csrf_token().to_string(),
            dev_mode: session.dev_mode(),
            own_identity: site.admin_me.is_none(),
            flash: None,
            error: None,
        }
    }
}

/// The message shown after an action, from the `done` query value of the redirect.
/// Only fixed wordings: nothing from the query string reaches the page.
pub fn flash_for(done: Option<&str>) -> Option<String> {
    let msg = match done? {
        "created" => "Note saved.",
        "draft" => "Draft saved. It is visible only to you.",
        "saved" => "Changes saved.",
        "deleted" => "Note deleted. You can restore it from Deleted.",
        "restored" => "Note restored.",
        "media-deleted" => "Image deleted.",
        _ => return None,
    };
    Some(msg.to_string())
}
