//! The rules every note obeys, whoever writes it (the admin form, import, Micropub):
//! writers call the text checks before they store any photo, and the notes service
//! applies them all again, with the completeness rule, before it writes.

use super::NoteError;
use crate::domain::markdown::split_title;
use crate::domain::{ContentKind, MAX_PHOTOS, Properties, Slug};

/// Largest note accepted, in bytes of Markdown.
pub const MAX_CONTENT: usize = 100_000;
/// Longest explicit name accepted, in characters.
pub const MAX_NAME: usize = 500;
/// Longest photo caption accepted, in characters.
pub const MAX_CAPTION: usize = 500;

/// Normalises line endings and trailing space; refuses oversized or NUL content. Empty
/// content is allowed here: a photo or a response property can stand in for it
/// ([`check_complete`]).
pub fn clean_content(content: &str) -> Result<String, NoteError> {
    // Trailing blank lines carry no meaning and would differ between writers.
    let c = content.replace("\r\n", "\n").trim_end().to_string();
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

/// The note's name: an explicit one (checked for length), else the leading heading of
/// Markdown content (HTML a client sent has a name only when the client gave one).
pub fn title_for(
    name: Option<&str>,
    content: &str,
    kind: ContentKind,
) -> Result<Option<String>, NoteError> {
    match name.map(str::trim) {
        Some(n) if !n.is_empty() => {
            if n.chars().count() > MAX_NAME {
                return Err(NoteError::Invalid(format!(
                    "A name can be at most {MAX_NAME} characters."
                )));
            }
            Ok(Some(n.to_string()))
        }
        _ if kind == ContentKind::Html => Ok(None),
        _ => Ok(split_title(content).title),
    }
}

/// A requested custom slug, normalised; blank means "the default timestamp slug".
pub fn check_slug(slug: Option<&str>) -> Result<Option<Slug>, NoteError> {
    match slug.map(str::trim) {
        Some(s) if !s.is_empty() => Ok(Some(Slug::custom(s)?)),
        _ => Ok(None),
    }
}

/// At most [`MAX_PHOTOS`] photos, counting those kept and those about to be added.
pub fn check_photo_count(n: usize) -> Result<(), NoteError> {
    if n > MAX_PHOTOS {
        return Err(NoteError::Invalid(format!(
            "A note can have at most {MAX_PHOTOS} photos."
        )));
    }
    Ok(())
}

/// What can be checked of a note before any of its photos is stored: content, name
/// and (on create) the requested slug. Writers call this first so that a refused note
/// never costs a photo upload.
pub fn check_text(content: &str, name: Option<&str>, slug: Option<&str>) -> Result<(), NoteError> {
    let content = clean_content(content)?;
    title_for(name, &content, ContentKind::Markdown)?;
    check_slug(slug)?;
    Ok(())
}

/// A note needs content, a photo (stored or linked) or a response property.
pub fn check_complete(
    content: &str,
    stored_photos: usize,
    properties: &Properties,
) -> Result<(), NoteError> {
    let linked_photos = properties.values("photo").len();
    check_photo_count(stored_photos + linked_photos)?;
    if content.trim().is_empty()
        && stored_photos + linked_photos == 0
        && properties.response().is_none()
    {
        return Err(NoteError::Invalid(
            "A note needs some content, a photo, or a reply, like, repost or bookmark.".into(),
        ));
    }
    Ok(())
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
    check_photo_count(photos.len())?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(photos.len());
    for (id, caption) in photos {
        if !seen.insert(*id) {
            return Err(NoteError::Invalid(
                "The same photo is attached twice.".into(),
            ));
        }
        let caption = caption.as_deref().map(str::trim).filter(|c| !c.is_empty());
        if caption.is_some_and(|c| c.chars().count() > MAX_CAPTION) {
            return Err(NoteError::Invalid(format!(
                "A caption can be at most {MAX_CAPTION} characters."
            )));
        }
        out.push((*id, caption));
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(v: serde_json::Value) -> Properties {
        Properties::from_value(v).unwrap()
    }

    #[test]
    fn content_photo_or_response() {
        let none = Properties::default();
        assert!(check_complete("hello", 0, &none).is_ok());
        assert!(check_complete("", 1, &none).is_ok());
        assert!(check_complete("", 0, &props(json!({"like-of": ["https://a.example/"]}))).is_ok());
        assert!(
            check_complete("", 0, &props(json!({"photo": ["https://a.example/p.jpg"]}))).is_ok()
        );
        let err = check_complete("  \n", 0, &none).unwrap_err();
        assert!(err.to_string().contains("needs some content"), "{err}");
        assert!(check_complete("", 0, &props(json!({"syndication": ["u"]}))).is_err());
    }

    #[test]
    fn photo_limit_counts_linked_photos() {
        let linked = props(json!({"photo": ["a", "b"]}));
        assert!(check_complete("x", 2, &linked).is_ok());
        assert!(check_complete("x", 3, &linked).is_err());
    }

    #[test]
    fn text_checks() {
        assert!(check_text("", None, None).is_ok());
        assert!(check_text("a\0b", None, None).is_err());
        assert!(check_text("x", Some(&"n".repeat(501)), None).is_err());
        assert!(check_text("x", None, Some("admin")).is_err());
        assert!(check_text(&"x".repeat(MAX_CONTENT + 1), None, None).is_err());
    }
}
