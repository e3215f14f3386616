//! Checks and shaping of what writers send, before anything is stored.

use super::{MAX_CONTENT, MAX_NAME, NoteError};
use crate::domain::markdown::split_title;
use crate::domain::{MAX_PHOTOS, NoteInput};

/// Normalises line endings and trailing space; refuses empty, oversized or NUL content.
pub(super) fn clean_content(content: &str) -> Result<String, NoteError> {
    // Trailing blank lines carry no meaning and would differ between writers.
    let c = content.replace("\r\n", "\n").trim_end().to_string();
    if c.trim().is_empty() {
        return Err(NoteError::Invalid("A note needs some content.".into()));
    }
    if c.len() > MAX_CONTENT {
        return Err(NoteError::Invalid(format!(
            "A note can be at most {} kB of Markdown.",
            MAX_CONTENT / 1000
        )));
    }
    if c.contains('\0') {
        return Err(NoteError::Invalid(
            "The content contains a NUL character.".into(),
        ));
    }
    Ok(c)
}

/// Photos as the store takes them: media id and optional caption, in order.
pub(super) type PhotoRefs<'a> = Vec<(i64, Option<&'a str>)>;

/// Checks a photo list (at most four, no duplicates, short captions) and borrows it in
/// the shape the store wants.
pub(super) fn check_photos(
    photos: Option<&[(i64, Option<String>)]>,
) -> Result<Option<PhotoRefs<'_>>, NoteError> {
    let Some(photos) = photos else {
        return Ok(None);
    };
    if photos.len() > MAX_PHOTOS {
        return Err(NoteError::Invalid(format!(
            "A note can have at most {MAX_PHOTOS} photos."
        )));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(photos.len());
    for (id, caption) in photos {
        if !seen.insert(*id) {
            return Err(NoteError::Invalid(
                "The same photo is attached twice.".into(),
            ));
        }
        let caption = caption.as_deref().map(str::trim).filter(|c| !c.is_empty());
        if caption.is_some_and(|c| c.chars().count() > 500) {
            return Err(NoteError::Invalid(
                "A caption can be at most 500 characters.".into(),
            ));
        }
        out.push((*id, caption));
    }
    Ok(Some(out))
}

/// The note's name: an explicit one (checked for length), else its leading heading.
pub(super) fn title_for(name: &Option<String>, content: &str) -> Result<Option<String>, NoteError> {
    match name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => {
            if n.chars().count() > MAX_NAME {
                return Err(NoteError::Invalid(format!(
                    "A name can be at most {MAX_NAME} characters."
                )));
            }
            Ok(Some(n.to_string()))
        }
        _ => Ok(split_title(content).title),
    }
}

/// The Micropub properties to keep: what the client sent, or the equivalent of the form.
pub(super) fn properties_json(input: &NoteInput, content: &str) -> String {
    let value = match &input.properties {
        Some(v) => v.clone(),
        None => {
            let mut m = serde_json::Map::new();
            m.insert("content".into(), serde_json::json!([content]));
            if let Some(n) = input.name.as_deref().filter(|n| !n.trim().is_empty()) {
                m.insert("name".into(), serde_json::json!([n]));
            }
            if !input.tags.is_empty() {
                let cats: Vec<&str> = input.tags.iter().map(|t| t.display.as_str()).collect();
                m.insert("category".into(), serde_json::json!(cats));
            }
            serde_json::Value::Object(m)
        }
    };
    value.to_string()
}
