//! The owner's admin: list, write, edit, delete and restore notes with photos.
//! Every route needs an [`AdminSession`]; every POST checks its CSRF token; every
//! response is `private, no-store`.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::Redirect;
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::AppState;
use crate::auth::session::AdminSession;
use crate::web::site::Site;

mod editor;
mod form;
mod list;

const NEW: &str = "/admin/new";
const EDIT: &str = "/admin/edit/{id}";
const PREVIEW: &str = "/admin/preview";
/// The editor's routes, which take photo uploads: they get `MAX_CONTENT_LENGTH` as
/// their body limit, and the site layer gives their multipart POSTs a longer time limit
/// ([`crate::web::layer::UPLOAD_TIMEOUT`]).
pub const UPLOAD_ROUTES: &[&str] = &[NEW, EDIT, PREVIEW];

/// Admin routes; upload routes accept bodies up to `max_body` bytes.
pub fn router(max_body: usize) -> Router<AppState> {
    let uploads = Router::new()
        .route(NEW, get(editor::new_form).post(editor::create))
        .route(EDIT, get(editor::edit_form).post(editor::save))
        .route(PREVIEW, post(editor::preview))
        .layer(DefaultBodyLimit::max(max_body));
    Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(list::dashboard))
        .route("/admin/deleted", get(list::deleted))
        .route(
            "/admin/delete/{id}",
            get(list::confirm_delete).post(list::delete),
        )
        .route("/admin/restore/{id}", post(list::restore))
        .merge(uploads)
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
        _ => return None,
    };
    Some(msg.to_string())
}
