//! Dashboard, deleted notes, delete (with a confirmation step) and restore.

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{AdminLayout, flash_for};
use crate::app::AppState;
use crate::auth::session::AdminSession;
use crate::domain::Note;
use crate::domain::markdown::{excerpt, html_to_text};
use crate::error::{AppError, Result};
use crate::notes::Listing;
use crate::web::params::parse_page;
use crate::web::view::human_date;

const PER_PAGE: u32 = 20;

/// One row of the notes table.
pub struct Row {
    pub id: i64,
    pub slug: String,
    pub label: String,
    pub status: &'static str,
    pub url: String,
    pub date_iso: String,
    pub date_human: String,
    /// "Scheduled for …": published, with a publication time still to come.
    pub scheduled: Option<String>,
}

/// When a published note's publication time lies ahead (a Micropub client sent a
/// future `published`), the time it is scheduled for, to the minute.
pub fn scheduled_for(n: &Note, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    let at = n.published_at.filter(|at| *at > now)?;
    (n.status == crate::domain::Status::Published)
        .then(|| format!("Scheduled for {}", at.format("%-d %B %Y, %H:%M UTC")))
}

/// A short human label for a note: its title, else the start of its text.
pub fn label(n: &Note) -> String {
    label_of(n.title.as_deref(), &n.content, n.slug.as_str())
}

/// A label from a title, else the content's start, else the slug. Built from the
/// Markdown (or HTML) without rendering it: a page lists many notes per request.
pub fn label_of(title: Option<&str>, content: &str, slug: &str) -> String {
    if let Some(t) = title {
        return t.to_string();
    }
    // Tags go first (HTML content, or HTML inside Markdown), then Markdown's marks.
    let head: String = content.chars().take(400).collect();
    let text: String = html_to_text(&head)
        .chars()
        .map(|c| {
            if matches!(c, '*' | '_' | '#' | '`' | '>' | '[' | ']' | '|' | '~') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let l = excerpt(&text.split_whitespace().collect::<Vec<_>>().join(" "), 80);
    if l.is_empty() { slug.to_string() } else { l }
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard {
    a: AdminLayout,
    heading: &'static str,
    deleted: bool,
    rows: Vec<Row>,
    newer: Option<String>,
    older: Option<String>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    page: Option<String>,
    done: Option<String>,
}

async fn list(
    s: &AppState,
    session: &AdminSession,
    q: Option<&str>,
    deleted: bool,
) -> Result<Response> {
    let q: ListQuery = serde_urlencoded::from_str(q.unwrap_or(""))
        .map_err(|_| AppError::BadRequest("The query string could not be read.".into()))?;
    let offset = match q.page.as_deref() {
        Some(p) => parse_page(p)?,
        None => 0,
    };
    let listing = if deleted {
        Listing::Deleted
    } else {
        Listing::Live
    };
    let notes = s.notes.all(listing, PER_PAGE + 1, offset).await?;
    let more = notes.len() > PER_PAGE as usize;
    let base = if deleted { "/admin/deleted" } else { "/admin/" };
    let page_no = offset / PER_PAGE + 1;
    let now = crate::domain::time::now();
    let rows = notes
        .iter()
        .take(PER_PAGE as usize)
        .map(|n| Row {
            id: n.id,
            slug: n.slug.to_string(),
            label: label(n),
            status: n.status.as_str(),
            url: s.site.abs(&n.path()),
            date_iso: crate::domain::time::rfc3339(n.date()),
            date_human: human_date(n.date()),
            scheduled: scheduled_for(n, now),
        })
        .collect();
    let mut a = AdminLayout::new(
        &s.site,
        session,
        if deleted { "Deleted notes" } else { "Notes" },
    );
    a.flash = flash_for(q.done.as_deref());
    let tpl = Dashboard {
        a,
        heading: if deleted { "Deleted notes" } else { "Notes" },
        deleted,
        rows,
        newer: (page_no > 1).then(|| format!("{base}?page={}", page_no - 1)),
        older: more.then(|| format!("{base}?page={}", page_no + 1)),
    };
    Ok(Html(tpl.render()?).into_response())
}

/// `GET /admin/`: every note, drafts included, newest first.
pub async fn dashboard(
    State(s): State<AppState>,
    session: AdminSession,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    list(&s, &session, q.as_deref(), false).await
}

/// `GET /admin/deleted`: soft-deleted notes, restorable.
pub async fn deleted(
    State(s): State<AppState>,
    session: AdminSession,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    list(&s, &session, q.as_deref(), true).await
}

#[derive(Template)]
#[template(path = "admin/confirm_delete.html")]
struct ConfirmDelete {
    a: AdminLayout,
    id: i64,
    label: String,
}

/// `GET /admin/delete/{id}`: the confirmation step.
pub async fn confirm_delete(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
) -> Result<Response> {
    let note = live_note(&s, &id).await?;
    let tpl = ConfirmDelete {
        a: AdminLayout::new(&s.site, &session, "Delete note"),
        id: note.id,
        label: label(&note),
    };
    Ok(Html(tpl.render()?).into_response())
}

/// The CSRF token (and the confirmation) a delete/restore form posts.
#[derive(Deserialize)]
pub struct ActionForm {
    pub(super) csrf_token: Option<String>,
    pub(super) confirm: Option<String>,
}

/// `POST /admin/delete/{id}`: soft delete, after the confirmation step.
pub async fn delete(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response> {
    session.verify_csrf(f.csrf_token.as_deref())?;
    let note = live_note(&s, &id).await?;
    if f.confirm.as_deref() != Some("yes") {
        return Ok(Redirect::to(&format!("/admin/delete/{}", note.id)).into_response());
    }
    s.notes.delete(note.id).await?;
    Ok(Redirect::to("/admin/?done=deleted").into_response())
}

/// `POST /admin/restore/{id}`.
pub async fn restore(
    State(s): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response> {
    session.verify_csrf(f.csrf_token.as_deref())?;
    let note = note_by_id(&s, &id).await?;
    if note.deleted_at.is_none() {
        return Err(AppError::BadRequest("This note is not deleted.".into()));
    }
    s.notes.restore(note.id).await?;
    Ok(Redirect::to("/admin/deleted?done=restored").into_response())
}

/// The note with this id (from the path), deleted or not.
pub async fn note_by_id(s: &AppState, id: &str) -> Result<Note> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound("There is no note with this number.".into()))?;
    s.notes
        .get(id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no note with this number.".into()))
}

/// The note with this id, refusing deleted ones.
pub async fn live_note(s: &AppState, id: &str) -> Result<Note> {
    let note = note_by_id(s, id).await?;
    if note.deleted_at.is_some() {
        return Err(AppError::Gone);
    }
    Ok(note)
}
