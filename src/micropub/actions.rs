//! Update, delete and undelete of a post named by its URL (`/note/{slug}`, or the
//! `/notes/{slug}` StarPunk v1.5 handed out, with or without a trailing slash).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::error::MicropubError;
use super::parse::Action;
use crate::app::AppState;
use crate::domain::{Note, NoteUpdate};
use crate::notes::slug_from_url;

/// Carries out an action (a create is handled by [`super::create`]).
pub async fn run(s: &AppState, action: Action) -> Result<Response, MicropubError> {
    match action {
        Action::Create(_) => Err(MicropubError::internal(&"create routed as an action")),
        Action::Update { url, patch } => {
            let note = note_at(s, &url).await?;
            if note.deleted_at.is_some() {
                return Err(MicropubError::invalid(
                    "This post is deleted; undelete it before changing it.",
                ));
            }
            let changed = s
                .notes
                .update(
                    note.id,
                    NoteUpdate {
                        patch,
                        photos: None,
                    },
                )
                .await?;
            tracing::info!(note.slug = %changed.slug, "note updated through Micropub");
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Action::Delete { url } => {
            let note = note_at(s, &url).await?;
            if note.deleted_at.is_none() {
                s.notes.delete(note.id).await?;
            }
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Action::Undelete { url } => {
            let note = note_at(s, &url).await?;
            if note.deleted_at.is_some() {
                s.notes.restore(note.id).await?;
            }
            Ok(StatusCode::NO_CONTENT.into_response())
        }
    }
}

/// The note a URL names: 400 when the URL is not one of this site's posts, 404 when
/// it is but no such post exists.
pub async fn note_at(s: &AppState, url: &str) -> Result<Note, MicropubError> {
    if slug_from_url(&s.config.site_url, url).is_none() {
        return Err(MicropubError::invalid(format!(
            "{url} is not the address of a post on this site ({}/note/…).",
            s.config.site_url.trim_end_matches('/')
        )));
    }
    s.notes
        .by_url(url)
        .await?
        .ok_or_else(|| MicropubError::no_such_post(url))
}
