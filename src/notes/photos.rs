//! Photos as Micropub properties. A `photo` value is either an image this site stored
//! (a `note_media` row, shown with its variants and caption) or an outside URL kept
//! verbatim among the note's properties. Writers send both as URLs; the service tells
//! them apart by [`stored_path`] and the media rows.

use serde_json::{Map, Value, json};

use super::rules::check_photo_count;
use super::{NoteError, Notes, full_properties};
use crate::db::media as media_q;
use crate::domain::Note;
use crate::domain::media::stored_path;

/// Stored photos as `(media id, caption)`, and outside photo values as sent.
pub type SplitPhotos = (Vec<(i64, Option<String>)>, Vec<Value>);

impl Notes {
    /// The note's whole property set as a Micropub `q=source` shows it:
    /// [`full_properties`] with the stored photos as absolute URLs
    /// (`{SITE_URL}/media/{path}`; `{"value": url, "alt": caption}` when captioned)
    /// before the outside photos.
    pub fn properties_of(&self, note: &Note) -> Map<String, Value> {
        let mut map = full_properties(note);
        let mut photos: Vec<Value> = note
            .photos
            .iter()
            .map(|p| {
                let url = format!("{}{}", self.site_url, p.media.url_path());
                match &p.caption {
                    Some(alt) => json!({ "value": url, "alt": alt }),
                    None => Value::String(url),
                }
            })
            .collect();
        if let Some(Value::Array(outside)) = map.remove("photo") {
            photos.extend(outside);
        }
        if !photos.is_empty() {
            map.insert("photo".into(), Value::Array(photos));
        }
        map
    }

    /// Splits `photo` values (a URL, or `{"value": url, "alt": text}`) into the images
    /// this site stored — a `/media/…` URL of this site naming a stored image or one of
    /// its variants; the alt text becomes the caption — and everything else, kept as
    /// sent. Refuses more than four values (before looking any up) and values that are
    /// not a URL.
    pub async fn split_photos(&self, values: &[Value]) -> Result<SplitPhotos, NoteError> {
        check_photo_count(values.len())?;
        let mut stored = Vec::new();
        let mut outside = Vec::new();
        for v in values {
            let (url, alt) = photo_parts(v)?;
            let id = match stored_path(&self.site_url, url) {
                Some(path) => media_q::id_by_path(&self.db, &path).await?,
                None => None,
            };
            match id {
                Some(id) => stored.push((id, alt.map(str::to_string))),
                None => {
                    check_outside(&self.site_url, url)?;
                    outside.push(v.clone());
                }
            }
        }
        Ok((stored, outside))
    }
}

/// A photo list that names an image deleted meanwhile (the owner removed an unused
/// upload while a client linked it) is the writer's mistake to hear about, not a 500.
pub(super) fn photo_gone(e: sqlx::Error) -> NoteError {
    match e.as_database_error() {
        Some(d) if d.is_foreign_key_violation() => NoteError::Invalid(
            "A photo of this note was deleted meanwhile; upload it again.".into(),
        ),
        _ => NoteError::Db(e),
    }
}

/// An outside photo is shown as sent, so it must be one a browser will load on the
/// page (https; the page's CSP allows no other) — and a `/media/…` address of this
/// site that names no stored image is a mistake, not another site's photo.
fn check_outside(site_url: &str, url: &str) -> Result<(), NoteError> {
    let url = url.trim();
    let own = url.starts_with("/media/")
        || url
            .strip_prefix(site_url.trim_end_matches('/'))
            .is_some_and(|rest| rest.starts_with("/media/"));
    if own {
        return Err(NoteError::Invalid(format!(
            "The photo {url} is not an image stored on this site."
        )));
    }
    let https = url::Url::parse(url).is_ok_and(|u| u.scheme() == "https" && u.host().is_some());
    if !https {
        return Err(NoteError::Invalid(format!(
            "The photo {url} is not an https address; upload the file, or link it over https."
        )));
    }
    Ok(())
}

/// The URL and alt text of a `photo` value.
fn photo_parts(v: &Value) -> Result<(&str, Option<&str>), NoteError> {
    let (url, alt) = match v {
        Value::String(url) => (url.as_str(), None),
        Value::Object(o) => match o.get("value").and_then(Value::as_str) {
            Some(url) => (url, o.get("alt").and_then(Value::as_str)),
            None => (" ", None),
        },
        _ => (" ", None),
    };
    if url.trim().is_empty() {
        return Err(NoteError::Invalid(
            "A photo is a URL, or {\"value\": URL, \"alt\": text}.".into(),
        ));
    }
    Ok((url, alt))
}

#[cfg(test)]
mod tests {
    use super::photo_parts;
    use serde_json::json;

    #[test]
    fn photo_values() {
        assert_eq!(
            photo_parts(&json!("https://a.example/p.jpg")).unwrap(),
            ("https://a.example/p.jpg", None)
        );
        assert_eq!(
            photo_parts(&json!({"value": "/media/2026/11/a.jpg", "alt": "A"})).unwrap(),
            ("/media/2026/11/a.jpg", Some("A"))
        );
        for bad in [
            json!(""),
            json!(1),
            json!({"alt": "no url"}),
            json!(null),
            json!(["x"]),
        ] {
            assert!(photo_parts(&bad).is_err(), "{bad}");
        }
    }
}
