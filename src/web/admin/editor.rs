//! New note and edit note: one form (shared with the preview, `preview.rs`), rendered
//! again with the typed values and the reason whenever a submission is refused.

use askama::Template;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use super::form::{self, EditorForm, Purpose, Refused};
use super::list::live_note;
use super::{AdminLayout, flash_for};
use crate::app::AppState;
use crate::auth::session::AdminSession;
use crate::domain::{ContentKind, MAX_PHOTOS, Note, NoteInput, NoteUpdate, Patch, Status, Tag};
use crate::error::{AppError, Result};
use crate::media::{Media, VariantName};

/// The square thumbnail of a photo (the stored image when it is too small to have one).
pub(super) fn thumb_url(m: &Media) -> String {
    m.variant(VariantName::Thumb)
        .map(|v| v.url_path())
        .unwrap_or_else(|| m.url_path())
}

/// The text fields as shown in the form.
pub struct FormView {
    pub content: String,
    pub slug: String,
    pub tags: String,
    pub status: String,
    /// The content is HTML (a Micropub client sent it so): shown and saved as HTML.
    pub html: bool,
}

/// An attached photo in the edit form.
pub struct PhotoView {
    pub media_id: i64,
    pub thumb: String,
    pub caption: String,
}

/// The rendered preview.
pub struct PreviewView {
    pub title: Option<String>,
    pub html: String,
}

#[derive(Template)]
#[template(path = "admin/editor.html")]
struct EditorPage {
    a: AdminLayout,
    action: String,
    editing: bool,
    note_id: i64,
    f: FormView,
    photos: Vec<PhotoView>,
    free_slots: usize,
    slots: Vec<usize>,
    has_error: bool,
    preview: Option<PreviewView>,
}

fn view_of(note: &Note) -> FormView {
    FormView {
        content: note.content.clone(),
        slug: note.slug.to_string(),
        tags: note
            .tags
            .iter()
            .map(|t| t.display.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        status: note.status.as_str().to_string(),
        html: note.content_kind == ContentKind::Html,
    }
}

pub(super) fn view_of_form(f: &EditorForm, note: Option<&Note>) -> FormView {
    FormView {
        content: f.content.clone(),
        slug: note
            .map(|n| n.slug.to_string())
            .unwrap_or_else(|| f.slug.clone()),
        tags: f.tags.clone(),
        status: if f.status == "draft" {
            "draft".into()
        } else {
            "published".into()
        },
        // The kind is the stored note's, never the form's: new notes are Markdown.
        html: note.is_some_and(|n| n.content_kind == ContentKind::Html),
    }
}

fn photos_of(note: Option<&Note>, f: Option<&EditorForm>) -> Vec<PhotoView> {
    note.map(|n| {
        n.photos
            .iter()
            .map(|p| PhotoView {
                media_id: p.media.id,
                thumb: thumb_url(&p.media),
                caption: f
                    .and_then(|f| f.captions.get(&p.media.id).cloned())
                    .unwrap_or_else(|| p.caption.clone().unwrap_or_default()),
            })
            .collect()
    })
    .unwrap_or_default()
}

pub(super) struct Page<'a> {
    pub(super) title: &'a str,
    pub(super) note: Option<&'a Note>,
    pub(super) f: FormView,
    pub(super) form: Option<&'a EditorForm>,
    pub(super) error: Option<String>,
    pub(super) preview: Option<PreviewView>,
    pub(super) flash: Option<String>,
}

pub(super) fn render_page(
    s: &AppState,
    session: &AdminSession,
    p: Page<'_>,
    status: StatusCode,
) -> Result<Response> {
    let mut a = AdminLayout::new(&s.site, session, p.title);
    a.error = p.error;
    a.flash = p.flash;
    let photos = photos_of(p.note, p.form);
    let free = MAX_PHOTOS.saturating_sub(photos.len());
    let tpl = EditorPage {
        a,
        action: p
            .note
            .map(|n| format!("/admin/edit/{}", n.id))
            .unwrap_or_else(|| "/admin/new".into()),
        editing: p.note.is_some(),
        note_id: p.note.map(|n| n.id).unwrap_or(0),
        f: p.f,
        photos,
        free_slots: free,
        slots: (0..free).collect(),
        has_error: status != StatusCode::OK,
        preview: p.preview,
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

/// `GET /admin/new`.
pub async fn new_form(State(s): State<AppState>, session: AdminSession) -> Result<Response> {
    let f = FormView {
        content: String::new(),
        slug: String::new(),
        tags: String::new(),
        status: "published".into(),
        html: false,
    };
    let page = Page {
        title: "New note",
        note: None,
        f,
        form: None,
        error: None,
        preview: None,
        flash: None,
    };
    render_page(&s, &session, page, StatusCode::OK)
}

/// `GET /admin/edit/{id}`.
pub async fn edit_form(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let note = live_note(&s, &id).await?;
    let done = q.as_deref().and_then(|q| q.strip_prefix("done="));
    let page = Page {
        title: "Edit note",
        note: Some(&note),
        f: view_of(&note),
        form: None,
        error: None,
        preview: None,
        flash: flash_for(done),
    };
    render_page(&s, &session, page, StatusCode::OK)
}

/// Whether a refusal is answered with the site's error page rather than the form: a
/// CSRF failure (403), or a body over the upload limit (413: what was typed may not
/// even have been read).
pub(super) fn error_page_only(e: &AppError) -> bool {
    matches!(e, AppError::Forbidden(_) | AppError::PayloadTooLarge(_))
}

/// A refusal: CSRF failures and oversized bodies are a plain error page; anything else
/// shows the form again.
fn refused(
    s: &AppState,
    session: &AdminSession,
    r: Refused,
    note: Option<&Note>,
    title: &str,
) -> Result<Response> {
    if error_page_only(&r.error) {
        return Err(r.error);
    }
    let status = r.error.status();
    let page = Page {
        title,
        note,
        f: view_of_form(&r.form, note),
        form: Some(&r.form),
        error: Some(r.error.to_string()),
        preview: None,
        flash: None,
    };
    render_page(s, session, page, status)
}

/// Removes the photos this request stored, then shows the form again with the reason.
async fn refuse_and_discard(
    s: &AppState,
    session: &AdminSession,
    mut f: EditorForm,
    error: AppError,
    note: Option<&Note>,
    title: &str,
) -> Result<Response> {
    form::discard(&s.media, &mut f).await;
    refused(s, session, Refused { form: f, error }, note, title)
}

/// `POST /admin/new`.
pub async fn create(
    State(s): State<AppState>,
    session: AdminSession,
    mp: Multipart,
) -> Result<Response> {
    let f = match form::read(mp, &session, &s.media, Purpose::New).await {
        Ok(f) => f,
        Err(r) => return refused(&s, &session, r, None, "New note"),
    };
    let status = Status::parse(&f.status).unwrap_or(Status::Published);
    let input = NoteInput {
        content: f.content.clone(),
        slug: Some(f.slug.clone()).filter(|s| !s.trim().is_empty()),
        tags: Tag::parse_list(&f.tags).unwrap_or_default(),
        status: Some(status),
        photos: Some(f.uploaded.iter().map(|(m, c)| (m.id, c.clone())).collect()),
        ..Default::default()
    };
    match s.notes.create(input).await {
        Ok(note) => {
            tracing::info!(note.slug = %note.slug, photos = note.photos.len(), "note written in the admin");
            let done = if status == Status::Draft {
                "draft"
            } else {
                "created"
            };
            Ok(Redirect::to(&format!("/admin/?done={done}")).into_response())
        }
        Err(e) => refuse_and_discard(&s, &session, f, e.into(), None, "New note").await,
    }
}

/// `POST /admin/edit/{id}`: content, tags, status and photos (add, remove, re-order,
/// re-caption); the slug never changes.
pub async fn save(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    mp: Multipart,
) -> Result<Response> {
    let note = live_note(&s, &id).await?;
    let purpose = Purpose::Edit {
        photos: note.photos.len(),
    };
    let f = match form::read(mp, &session, &s.media, purpose).await {
        Ok(f) => f,
        Err(r) => return refused(&s, &session, r, Some(&note), "Edit note"),
    };
    // Reading the form can take minutes (uploads): the edit is worked out from the note
    // as it is now, so a photo or person tag a Micropub client added meanwhile stays.
    let note = match live_note(&s, &id).await {
        Ok(now) => now,
        Err(e) => {
            return refuse_and_discard(&s, &session, f, e, Some(&note), "Edit note").await;
        }
    };
    let photos = match f.photos_after_edit(&note) {
        Ok(p) => p,
        Err(msg) => {
            return refuse_and_discard(
                &s,
                &session,
                f,
                AppError::BadRequest(msg),
                Some(&note),
                "Edit note",
            )
            .await;
        }
    };
    // Only what the form shows changes: a name, a reply-to or syndication links that a
    // Micropub client set stay as they are.
    let status = Status::parse(&f.status).unwrap_or(note.status);
    // The form shows only tag words; person tags (URLs, h-cards) a Micropub client put
    // in `category` are kept by sending them back with the words.
    let categories = Tag::parse_list(&f.tags)
        .unwrap_or_default()
        .into_iter()
        .map(|t| json!(t.display))
        .chain(note.properties.values("category").iter().cloned())
        .collect();
    // An HTML note stays HTML: the patch names the kind as Micropub does.
    let content = match note.content_kind {
        ContentKind::Html => json!({ "html": f.content }),
        ContentKind::Markdown => json!(f.content),
    };
    let change = NoteUpdate {
        patch: Patch::default()
            .replace("content", vec![content])
            .replace("category", categories)
            .replace("post-status", vec![json!(status.as_str())]),
        photos: Some(photos),
    };
    match s.notes.update(note.id, change).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/edit/{}?done=saved", note.id)).into_response()),
        Err(e) => refuse_and_discard(&s, &session, f, e.into(), Some(&note), "Edit note").await,
    }
}
