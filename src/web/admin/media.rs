//! `/admin/media`: every stored image with the notes that use it, its address to
//! paste into a note, and deletion (with a confirmation step) of those nothing uses.

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::editor::thumb_url;
use super::list::{ActionForm, label_of};
use super::{AdminLayout, flash_for};
use crate::app::AppState;
use crate::auth::session::AdminSession;
use crate::domain::Status;
use crate::error::{AppError, Result};
use crate::media::{Media, MediaEntry, MediaUse, Removal};
use crate::web::params::parse_page;
use crate::web::view::human_date;

/// Images per page.
const PER_PAGE: u32 = 20;

/// A note that uses an image, as a link with its marks.
pub struct UseView {
    pub label: String,
    pub href: String,
    /// (class, words): "draft", "deleted", "in the text", what the owner should know.
    pub marks: Vec<(&'static str, &'static str)>,
}

/// One image of the media page.
pub struct ItemView {
    pub id: i64,
    pub thumb: String,
    pub url: String,
    pub date_iso: String,
    pub date_human: String,
    pub size: String,
    pub dimensions: String,
    pub name: String,
    pub used_by: Vec<UseView>,
    /// The owner's profile photo (own-identity mode's Profile page).
    pub profile_photo: bool,
}

#[derive(Template)]
#[template(path = "admin/media.html")]
struct MediaPage {
    a: AdminLayout,
    total: i64,
    items: Vec<ItemView>,
    newer: Option<String>,
    older: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/media_delete.html")]
struct ConfirmPage {
    a: AdminLayout,
    item: ItemView,
}

#[derive(Deserialize, Default)]
struct Query {
    page: Option<String>,
    done: Option<String>,
}

/// `1.4 MB`, `87 KB`: file sizes as the owner reads them.
pub fn size_label(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * KB;
    match bytes {
        b if b >= MB => format!("{:.1} MB", b as f64 / MB as f64),
        b if b >= KB => format!("{} KB", b.div_ceil(KB)),
        b => format!("{b} bytes"),
    }
}

fn use_view(u: &MediaUse) -> UseView {
    let mut marks = Vec::new();
    if u.deleted {
        marks.push(("deleted", "deleted"));
    } else if u.status == Status::Draft {
        marks.push(("draft", "draft"));
    }
    if !u.attached {
        marks.push(("text", "in the text"));
    }
    UseView {
        label: label_of(u.title.as_deref(), &u.excerpt, &u.slug),
        // A deleted note cannot be edited until it is restored, from the deleted list.
        href: if u.deleted {
            "/admin/deleted".into()
        } else {
            format!("/admin/edit/{}", u.note_id)
        },
        marks,
    }
}

fn item_view(s: &AppState, m: &Media, used_by: &[MediaUse], profile_photo: bool) -> ItemView {
    ItemView {
        id: m.id,
        thumb: thumb_url(m),
        url: s.site.abs(&m.url_path()),
        date_iso: crate::domain::time::rfc3339(m.created_at),
        date_human: human_date(m.created_at),
        size: size_label(m.bytes),
        dimensions: format!("{} × {}", m.width, m.height),
        name: m.original_name.clone().unwrap_or_default(),
        used_by: used_by.iter().map(use_view).collect(),
        profile_photo,
    }
}

/// `GET /admin/media`: every stored image, newest first, paginated.
pub async fn list(
    State(s): State<AppState>,
    session: AdminSession,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let q: Query = serde_urlencoded::from_str(q.as_deref().unwrap_or(""))
        .map_err(|_| AppError::BadRequest("The query string could not be read.".into()))?;
    // parse_page validates the number and answers the public pages' offset; the page
    // number is taken back from it so this page's size is its own.
    let page_no = match q.page.as_deref() {
        Some(p) => parse_page(p)? / crate::web::pages::PER_PAGE + 1,
        None => 1,
    };
    let offset = (page_no - 1) * PER_PAGE;
    let mut entries: Vec<MediaEntry> = s.media.page(PER_PAGE + 1, offset).await?;
    let more = entries.len() > PER_PAGE as usize;
    entries.truncate(PER_PAGE as usize);
    let mut a = AdminLayout::new(&s.site, &session, "Media");
    a.flash = flash_for(q.done.as_deref());
    let tpl = MediaPage {
        a,
        total: s.media.count().await?,
        items: entries
            .iter()
            .map(|e| item_view(&s, &e.media, &e.used_by, e.profile_photo))
            .collect(),
        newer: (page_no > 1).then(|| format!("/admin/media?page={}", page_no - 1)),
        older: more.then(|| format!("/admin/media?page={}", page_no + 1)),
    };
    Ok(Html(tpl.render()?).into_response())
}

fn media_id(id: &str) -> Result<i64> {
    id.parse()
        .map_err(|_| AppError::NotFound("There is no image with this number.".into()))
}

/// The confirmation page; for an image in use, the reason it cannot be deleted (409).
async fn confirm_page(s: &AppState, session: &AdminSession, id: i64) -> Result<Response> {
    let media = s
        .media
        .get(id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no image with this number.".into()))?;
    let used_by = s.media.used_by(id).await?;
    let profile_photo = s.media.is_profile_photo(&media).await?;
    let status = if used_by.is_empty() && !profile_photo {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    let mut a = AdminLayout::new(&s.site, session, "Delete image");
    if !used_by.is_empty() {
        a.error = Some(in_use_message(used_by.len()));
    } else if profile_photo {
        a.error = Some(
            "This image cannot be deleted: it is your profile photo. Choose another photo \
             (or none) on the Profile page first."
                .into(),
        );
    }
    let tpl = ConfirmPage {
        a,
        item: item_view(s, &media, &used_by, profile_photo),
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

fn in_use_message(notes: usize) -> String {
    let which = if notes == 1 {
        "a note uses it".to_string()
    } else {
        format!("{notes} notes use it")
    };
    format!(
        "This image cannot be deleted: {which}. Remove it from the note (or its address from \
         the text) first; a deleted note keeps its photos until it is purged."
    )
}

/// `GET /admin/media/delete/{id}`: the confirmation step.
pub async fn confirm_delete(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<Response> {
    confirm_page(&s, &session, media_id(&id)?).await
}

/// `POST /admin/media/delete/{id}`: without `confirm=yes` (the button on the media
/// page) it leads to the confirmation step; with it, the image goes if nothing uses it.
pub async fn delete(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response> {
    session.verify_csrf(f.csrf_token.as_deref())?;
    let id = media_id(&id)?;
    if f.confirm.as_deref() != Some("yes") {
        return Ok(Redirect::to(&format!("/admin/media/delete/{id}")).into_response());
    }
    match s.media.delete_unused(id).await? {
        Removal::Removed => Ok(Redirect::to("/admin/media?done=media-deleted").into_response()),
        Removal::InUse(_) | Removal::ProfilePhoto => confirm_page(&s, &session, id).await,
        Removal::NotFound => Err(AppError::NotFound(
            "There is no image with this number.".into(),
        )),
    }
}
