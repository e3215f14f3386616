//! An upload that arrives as a multipart field (the admin's editor, Micropub): read
//! its first chunk to tell an empty file input from a file, then stream the rest into
//! [`MediaStore::save`]. The body limit shows up as a broken stream inside the store;
//! it is remembered so that callers answer 413, not 400.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use bytes::Bytes;
use futures_util::{StreamExt, stream};

use super::{Media, MediaError, MediaStore};

/// Why a file field could not be stored.
#[derive(Debug)]
pub enum FieldError {
    /// The request went over its body limit (413).
    TooLarge,
    /// The multipart stream itself is broken (400), with the parser's words.
    Unreadable(String),
    /// The store refused or failed to keep the file.
    Media(MediaError),
}

/// A file field with at least one byte, ready to be stored.
pub struct FileField<'a> {
    first: Bytes,
    rest: Field<'a>,
    /// The client's file name (display only).
    pub file_name: Option<String>,
}

impl<'a> FileField<'a> {
    /// Reads the first chunk: `None` when the field is empty (no file chosen).
    pub async fn open(mut field: Field<'a>) -> Result<Option<Self>, FieldError> {
        let file_name = field.file_name().map(str::to_string);
        match field.chunk().await.map_err(broken)? {
            Some(first) if !first.is_empty() => Ok(Some(FileField {
                first,
                rest: field,
                file_name,
            })),
            _ => Ok(None),
        }
    }

    /// Streams the file through the photo pipeline into the store.
    pub async fn save(self, media: &MediaStore) -> Result<Media, FieldError> {
        let over_limit = Arc::new(AtomicBool::new(false));
        let seen = over_limit.clone();
        let rest = stream::unfold(self.rest, move |mut field| {
            let seen = seen.clone();
            async move {
                match field.chunk().await {
                    Ok(Some(c)) => Some((Ok::<Bytes, String>(c), field)),
                    Ok(None) => None,
                    Err(e) => {
                        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                            seen.store(true, Ordering::Relaxed);
                        }
                        Some((Err(e.body_text()), field))
                    }
                }
            }
        });
        let chunks = stream::iter([Ok::<Bytes, String>(self.first)]).chain(rest);
        match media
            .save(Box::pin(chunks), self.file_name.as_deref())
            .await
        {
            Ok(m) => Ok(m),
            Err(_) if over_limit.load(Ordering::Relaxed) => Err(FieldError::TooLarge),
            Err(MediaError::TooLarge { .. }) => Err(FieldError::TooLarge),
            Err(e) => Err(FieldError::Media(e)),
        }
    }
}

fn broken(e: MultipartError) -> FieldError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        FieldError::TooLarge
    } else {
        FieldError::Unreadable(e.body_text())
    }
}
