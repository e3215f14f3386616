//! Reading the editor's multipart form: text fields first (the browser sends them in
//! page order, before the files), then photos streamed into the media store. Nothing
//! is kept when the form is refused: photos stored by this request are removed again.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;

use crate::auth::session::AdminSession;
use crate::domain::{Note, Status, Tag};
use crate::error::AppError;
use crate::media::{FieldError, FileField, Media, MediaStore};
use crate::notes::rules;

/// Longest text field accepted (the note itself is at most 100 kB).
const MAX_TEXT: usize = 200_000;

/// What the editor form carried.
#[derive(Debug, Default, Clone)]
pub struct EditorForm {
    pub content: String,
    pub slug: String,
    pub tags: String,
    pub status: String,
    /// The note being edited (sent by the edit form so a preview can return to it).
    pub note_id: Option<i64>,
    /// Existing photos: media id → caption / position / removal.
    pub captions: HashMap<i64, String>,
    pub order: HashMap<i64, i64>,
    pub remove: Vec<i64>,
    /// New photos stored by this request, with their captions, in form order.
    pub uploaded: Vec<(Media, Option<String>)>,
    new_captions: HashMap<usize, String>,
    uploaded_slots: Vec<usize>,
}

impl EditorForm {
    /// The note's photos after the edit: kept ones by their position field (ties keep the
    /// old order), then the new uploads.
    pub fn photos_after_edit(
        &self,
        note: &Note,
    ) -> std::result::Result<Vec<(i64, Option<String>)>, String> {
        let f = self;
        let mut kept: Vec<(i64, usize, i64, Option<String>)> = note
            .photos
            .iter()
            .enumerate()
            .filter(|(_, p)| !f.remove.contains(&p.media.id))
            .map(|(i, p)| {
                let caption = f
                    .captions
                    .get(&p.media.id)
                    .cloned()
                    .or_else(|| p.caption.clone());
                (
                    f.order.get(&p.media.id).copied().unwrap_or(i as i64 + 1),
                    i,
                    p.media.id,
                    caption,
                )
            })
            .collect();
        kept.sort_by_key(|(pos, i, _, _)| (*pos, *i));
        let mut out: Vec<(i64, Option<String>)> =
            kept.into_iter().map(|(_, _, id, c)| (id, c)).collect();
        out.extend(f.uploaded.iter().map(|(m, c)| (m.id, c.clone())));
        rules::check_photo_count(out.len())
            .map_err(|e| format!("{e} Remove one before adding another."))?;
        Ok(out)
    }
}

/// Why a form was refused; `form` keeps what was typed so the page can show it again.
pub struct Refused {
    pub form: EditorForm,
    pub error: AppError,
}

/// What a form is read for: which checks apply and whether its photos are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A new note: the slug is checked, photos are stored.
    New,
    /// An edit of a note that has `photos` photos now: photos are stored, room for
    /// them counts the ones kept.
    Edit { photos: usize },
    /// A preview: nothing is stored.
    Preview,
}

/// Checks the text fields with the note rules (plus what only the form has: the tag
/// list as typed and the status choice), before any photo is stored.
pub fn check_text(f: &EditorForm, purpose: Purpose) -> Result<(), String> {
    let slug = match purpose {
        Purpose::Edit { .. } => None,
        Purpose::New | Purpose::Preview => Some(f.slug.as_str()),
    };
    rules::check_text(&f.content, None, slug).map_err(|e| e.to_string())?;
    Tag::parse_list(&f.tags).map_err(|e| format!("Tag refused: {e}."))?;
    if Status::parse(&f.status).is_none() {
        return Err("Choose Published or Draft.".into());
    }
    Ok(())
}

/// Reads the whole form. The CSRF token must come first; photos are stored only for a
/// note being written (not a preview), once the text fields are valid, and while the
/// note has room for them.
pub async fn read(
    mut mp: Multipart,
    session: &AdminSession,
    media: &MediaStore,
    purpose: Purpose,
) -> Result<EditorForm, Refused> {
    let (store_photos, existing) = match purpose {
        Purpose::New => (true, 0),
        Purpose::Edit { photos } => (true, photos),
        Purpose::Preview => (false, 0),
    };
    let mut f = EditorForm {
        status: "published".into(),
        ..Default::default()
    };
    let mut csrf_ok = false;
    let mut text_checked: Option<Result<(), String>> = None;
    let mut failure: Option<AppError> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                failure.get_or_insert(unreadable(&e, "The form"));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if !csrf_ok {
            if name != "csrf_token" {
                return Err(Refused {
                    form: f,
                    error: AppError::Forbidden(
                        "The form has expired: reload the page and try again.".into(),
                    ),
                });
            }
            let token = text(field).await.ok();
            if let Err(e) = session.verify_csrf(token.as_deref()) {
                return Err(Refused { form: f, error: e });
            }
            csrf_ok = true;
            continue;
        }
        if let Some(slot) = name
            .strip_prefix("photo")
            .and_then(|n| n.parse::<usize>().ok())
        {
            let ok = text_checked
                .get_or_insert_with(|| check_text(&f, purpose))
                .is_ok();
            if !(store_photos && ok && failure.is_none()) {
                drain(field).await;
                continue;
            }
            let kept = existing.saturating_sub(f.remove.len());
            match store_photo(field, media, kept + f.uploaded.len()).await {
                Ok(Some(m)) => {
                    f.uploaded.push((m, None));
                    f.uploaded_slots.push(slot);
                }
                Ok(None) => {}
                Err(e) => failure = Some(e),
            }
            continue;
        }
        let value = match text(field).await {
            Ok(v) => v,
            Err(e) => {
                failure.get_or_insert(e);
                continue;
            }
        };
        match name.as_str() {
            "content" => f.content = value,
            "slug" => f.slug = value,
            "tags" => f.tags = value,
            "status" => f.status = value,
            "note_id" => f.note_id = value.trim().parse().ok().filter(|id| *id > 0),
            _ => {
                if let Some(id) = name.strip_prefix("caption_").and_then(|n| n.parse().ok()) {
                    f.captions.insert(id, value);
                } else if let Some(id) = name.strip_prefix("order_").and_then(|n| n.parse().ok()) {
                    f.order.insert(id, value.trim().parse().unwrap_or(i64::MAX));
                } else if let Some(id) = name.strip_prefix("remove_").and_then(|n| n.parse().ok()) {
                    f.remove.push(id);
                } else if let Some(slot) = name
                    .strip_prefix("new_caption")
                    .and_then(|n| n.parse().ok())
                {
                    f.new_captions.insert(slot, value);
                }
            }
        }
    }
    // Captions follow their file field; pair them up now.
    let slots = std::mem::take(&mut f.uploaded_slots);
    for (i, slot) in slots.iter().enumerate() {
        if let Some(c) = f.new_captions.get(slot) {
            f.uploaded[i].1 = Some(c.clone()).filter(|c| !c.trim().is_empty());
        }
    }
    if let Some(error) = failure {
        discard(media, &mut f).await;
        return Err(Refused { form: f, error });
    }
    if let Some(Err(msg)) = text_checked.or_else(|| Some(check_text(&f, purpose))) {
        discard(media, &mut f).await;
        return Err(Refused {
            form: f,
            error: AppError::BadRequest(msg),
        });
    }
    Ok(f)
}

/// Removes the photos this request stored (the form was refused or the save failed).
pub async fn discard(media: &MediaStore, f: &mut EditorForm) {
    let ids: Vec<i64> = f.uploaded.drain(..).map(|(m, _)| m.id).collect();
    media.delete_many(&ids).await;
}

async fn text(field: Field<'_>) -> Result<String, AppError> {
    text_field(field, MAX_TEXT).await
}

/// A multipart text field of at most `max` bytes of UTF-8 (413 beyond, 400 for bytes
/// that are not UTF-8 or a body that cannot be read).
pub(super) async fn text_field(mut field: Field<'_>, max: usize) -> Result<String, AppError> {
    let mut out = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| unreadable(&e, "The form"))?
    {
        if out.len() + chunk.len() > max {
            return Err(AppError::PayloadTooLarge(format!(
                "a text field is longer than {} kB",
                max / 1024
            )));
        }
        out.extend_from_slice(&chunk);
    }
    String::from_utf8(out)
        .map_err(|_| AppError::BadRequest("The form contains text that is not UTF-8.".into()))
}

/// Reads a field to its end, ignoring it (an unknown field, or one after a refusal).
pub(super) async fn drain(mut field: Field<'_>) {
    while let Ok(Some(_)) = field.chunk().await {}
}

/// Streams one file field into the media store, when the note (which has `photos`
/// already) has room for it. An empty file input (no file chosen) is `Ok(None)`.
async fn store_photo(
    field: Field<'_>,
    media: &MediaStore,
    photos: usize,
) -> Result<Option<Media>, AppError> {
    let Some(file) = open_upload(field).await? else {
        return Ok(None);
    };
    rules::check_photo_count(photos + 1)?;
    let label = file.file_name.clone().unwrap_or_else(|| "the photo".into());
    save_upload(file, media, &label).await.map(Some)
}

/// Opens an upload field of an admin form; an empty file input is `Ok(None)`.
pub(super) async fn open_upload(field: Field<'_>) -> Result<Option<FileField<'_>>, AppError> {
    match FileField::open(field).await {
        Ok(f) => Ok(f),
        Err(FieldError::Unreadable(why)) => Err(AppError::BadRequest(format!(
            "The upload could not be read: {why}"
        ))),
        Err(_) => Err(too_large("The upload")),
    }
}

/// Stores an opened upload through the photo pipeline; `label` names it in errors.
pub(super) async fn save_upload(
    file: FileField<'_>,
    media: &MediaStore,
    label: &str,
) -> Result<Media, AppError> {
    match file.save(media).await {
        Ok(m) => Ok(m),
        Err(FieldError::TooLarge) => Err(too_large(label)),
        Err(FieldError::Unreadable(why)) => Err(AppError::BadRequest(format!(
            "{label} could not be read: {why}"
        ))),
        Err(FieldError::Media(e)) if e.is_client_error() => {
            Err(AppError::BadRequest(format!("{label} was refused: {e}")))
        }
        // A disk or database failure is ours, not the photo's: logged once, a 500.
        Err(FieldError::Media(e)) => Err(e.into()),
    }
}

fn too_large(label: &str) -> AppError {
    AppError::PayloadTooLarge(format!(
        "{label} is larger than the largest upload accepted."
    ))
}

/// A multipart read failure: over the body limit is a 413, anything else a 400.
pub(super) fn unreadable(e: &MultipartError, what: &str) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge(format!(
            "{what} is larger than the largest upload accepted."
        ))
    } else {
        AppError::BadRequest(format!("{what} could not be read: {}", e.body_text()))
    }
}
