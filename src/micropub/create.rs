//! Creating a post: photos resolved (an upload of this request, a stored image named
//! by its `/media/…` URL, or another site's image kept as sent), the note written by
//! the notes service under the same rules as the admin's, and `201 Created` with the
//! permalink. If the note is refused, the files this request uploaded are removed.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::body::discard;
use super::error::MicropubError;
use super::parse::{Entry, PhotoSource};
use crate::app::AppState;
use crate::domain::{MAX_PHOTOS, NoteInput, Properties};
use crate::media::Media;
use crate::notes::rules;

/// Writes the post; `uploads` are the files of a multipart request, in order.
pub async fn create(
    s: &AppState,
    entry: Entry,
    uploads: Vec<Media>,
) -> Result<Response, MicropubError> {
    match write(s, entry, &uploads).await {
        Ok(r) => Ok(r),
        Err(e) => {
            discard(s, &uploads).await;
            Err(e)
        }
    }
}

async fn write(s: &AppState, entry: Entry, uploads: &[Media]) -> Result<Response, MicropubError> {
    let (content, content_kind) = entry.content.unwrap_or_default();
    rules::check_text(&content, entry.name.as_deref(), entry.slug.as_deref())?;
    if entry.photos.len() > MAX_PHOTOS {
        return Err(MicropubError::invalid(format!(
            "A post can have at most {MAX_PHOTOS} photos."
        )));
    }
    // Every photo as a URL (an upload by its new address): the notes service tells
    // this site's stored images from other sites' photos.
    let mut values = Vec::with_capacity(entry.photos.len());
    for photo in entry.photos {
        let url = match photo.source {
            PhotoSource::Upload(n) => uploads
                .get(n)
                .map(|m| super::absolute(s, &m.url_path()))
                .ok_or_else(|| MicropubError::internal(&"an upload index out of range"))?,
            PhotoSource::Url(url) => url,
        };
        values.push(match photo.alt {
            Some(alt) => json!({ "value": url, "alt": alt }),
            None => Value::String(url),
        });
    }
    let (stored, outside) = s.notes.split_photos(&values).await?;
    let mut kept = entry.kept;
    if !outside.is_empty() {
        kept.insert("photo".into(), Value::Array(outside));
    }
    let properties = Properties::from_value(Value::Object(kept))
        .map_err(|e| MicropubError::invalid(e.to_string()))?;
    let input = NoteInput {
        content,
        content_kind,
        name: entry.name,
        slug: entry.slug,
        tags: entry.tags,
        status: entry.status,
        published_at: entry.published,
        updated_at: None,
        properties,
        photos: Some(stored),
    };
    let note = s.notes.create(input).await?;
    tracing::info!(note.slug = %note.slug, photos = note.photos.len(), "note created through Micropub");
    let location = super::absolute(s, &note.path());
    Ok((StatusCode::CREATED, [(header::LOCATION, location)]).into_response())
}
