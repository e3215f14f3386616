//! The admin's Profile page (own-identity mode): the owner's name, photo, note, email
//! and `rel=me` links. Saving shows them on every page and feed at once. With
//! `ADMIN_ME` set the owner is described elsewhere (their h-card): the page is a 404.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Multipart, RawQuery, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use super::AdminLayout;
use super::editor::thumb_url;
use crate::app::AppState;
use crate::auth::session::AdminSession;
use crate::domain::profile::{MAX_LINKS, MAX_NAME, MAX_NOTE, ProfileFields};
use crate::domain::time::now;
use crate::error::{AppError, Result};

mod read;

/// The Profile page's address.
pub const PATH: &str = crate::limits::ADMIN_PROFILE;

/// The Profile page's routes. Its form carries a photo: the admin router gives it the
/// upload body limit.
pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(page).post(save))
}

/// Only in own-identity mode: a handler taking it answers 404 otherwise, before the
/// session is looked at. Take it before [`AdminSession`].
pub struct OwnIdentity;

impl FromRequestParts<AppState> for OwnIdentity {
    type Rejection = AppError;

    async fn from_request_parts(_: &mut Parts, s: &AppState) -> Result<Self, AppError> {
        if s.config.own_identity() {
            Ok(OwnIdentity)
        } else {
            Err(AppError::NotFound(
                "This page exists only when the blog is its owner's identity (ADMIN_ME unset)."
                    .into(),
            ))
        }
    }
}

#[derive(Template)]
#[template(path = "admin/profile.html")]
struct ProfilePage {
    a: AdminLayout,
    f: ProfileFields,
    /// The photo shown now (the saved one, or the one typed).
    photo: Option<String>,
    /// The name shown when the field is empty.
    default_name: String,
    has_error: bool,
    max_name: usize,
    max_note: usize,
    max_links: usize,
}

fn render(
    s: &AppState,
    session: &AdminSession,
    f: ProfileFields,
    photo: Option<String>,
    status: StatusCode,
    flash: Option<String>,
    error: Option<String>,
) -> Result<Response> {
    let mut a = AdminLayout::new(&s.site, session, "Profile");
    a.flash = flash;
    a.error = error;
    let tpl = ProfilePage {
        a,
        f,
        photo,
        default_name: s.config.site_author.clone(),
        has_error: status != StatusCode::OK,
        max_name: MAX_NAME,
        max_note: MAX_NOTE,
        max_links: MAX_LINKS,
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

/// `GET /admin/profile`: the form, filled with the saved profile.
async fn page(
    _: OwnIdentity,
    State(s): State<AppState>,
    session: AdminSession,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let saved = crate::db::profile::load(&s.db).await?.unwrap_or_default();
    let flash = (q.as_deref() == Some("done=saved"))
        .then(|| "Profile saved: every page shows it now.".to_string());
    let photo = saved.photo.clone();
    render(
        &s,
        &session,
        ProfileFields::of(&saved),
        photo,
        StatusCode::OK,
        flash,
        None,
    )
}

/// `POST /admin/profile`: checks everything, then saves and applies the profile; a
/// refused form comes back with the reason and what was typed, nothing saved.
async fn save(
    _: OwnIdentity,
    State(s): State<AppState>,
    session: AdminSession,
    mp: Multipart,
) -> Result<Response> {
    let (mut profile, mut form) = match read::read(mp, &session, &s.media, &s.site.url).await {
        Ok(ok) => ok,
        Err(r) => return refused(&s, &session, r.form, r.error).await,
    };
    if let Some(m) = &form.uploaded {
        profile.photo = Some(s.site.abs(&thumb_url(m)));
    } else if form.remove_photo {
        profile.photo = None;
    }
    if let Err(e) = crate::db::profile::save(&s.db, &profile, now()).await {
        read::discard(&s.media, &mut form).await;
        return Err(e.into());
    }
    crate::site::profile::apply(&s, &profile);
    tracing::info!(
        links = profile.links.len(),
        photo = profile.photo.is_some(),
        "owner profile saved"
    );
    Ok(Redirect::to(&format!("{PATH}?done=saved")).into_response())
}

/// CSRF failures and oversized bodies are a plain error page; anything else shows the
/// form again with the reason and the typed values.
async fn refused(
    s: &AppState,
    session: &AdminSession,
    form: read::ProfileForm,
    error: AppError,
) -> Result<Response> {
    if matches!(error, AppError::Forbidden(_) | AppError::PayloadTooLarge(_)) {
        return Err(error);
    }
    let status = error.status();
    // The saved photo is shown, never one typed and refused.
    let photo = crate::db::profile::load(&s.db).await?.and_then(|p| p.photo);
    render(
        s,
        session,
        form.fields,
        photo,
        status,
        None,
        Some(error.to_string()),
    )
}
