//! Reading the Profile form (multipart: it may carry a photo). The CSRF token comes
//! first; the photo is stored through the media pipeline only once the text fields
//! before it are valid, and removed again if the form is refused afterwards.

use axum::extract::Multipart;
use axum::extract::multipart::Field;

use super::super::form::{drain, open_upload, save_upload, text_field, unreadable};
use crate::auth::session::AdminSession;
use crate::domain::profile::{Profile, ProfileFields};
use crate::error::AppError;
use crate::media::{Media, MediaStore};

/// Longest text field accepted: twenty long links fit.
const MAX_TEXT: usize = 64 * 1024;

/// What the form carried.
#[derive(Default)]
pub struct ProfileForm {
    pub fields: ProfileFields,
    /// "Remove the photo" was ticked.
    pub remove_photo: bool,
    /// The photo stored by this request.
    pub uploaded: Option<Media>,
}

/// Why the form was refused; `form` keeps what was typed (its upload already removed).
pub struct Refused {
    pub form: ProfileForm,
    pub error: AppError,
}

/// Reads the whole form and checks it; on success the profile to save and the form.
pub async fn read(
    mut mp: Multipart,
    session: &AdminSession,
    media: &MediaStore,
    site_url: &str,
) -> Result<(Profile, ProfileForm), Refused> {
    let mut f = ProfileForm::default();
    let mut csrf_ok = false;
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
            let token = if name == "csrf_token" {
                text_field(field, MAX_TEXT).await.ok()
            } else {
                None
            };
            if let Err(error) = session.verify_csrf(token.as_deref()) {
                return Err(Refused { form: f, error });
            }
            csrf_ok = true;
            continue;
        }
        if name == "photo_file" {
            let text_ok = Profile::parse(&f.fields, site_url).is_ok();
            if failure.is_some() || f.uploaded.is_some() || !text_ok {
                drain(field).await;
                continue;
            }
            match store_photo(field, media).await {
                Ok(m) => f.uploaded = m,
                Err(e) => failure = Some(e),
            }
            continue;
        }
        let value = match text_field(field, MAX_TEXT).await {
            Ok(v) => v,
            Err(e) => {
                failure.get_or_insert(e);
                continue;
            }
        };
        match name.as_str() {
            "name" => f.fields.name = value,
            "photo_url" => f.fields.photo = value,
            "note" => f.fields.note = value,
            "email" => f.fields.email = value,
            "links" => f.fields.links = value,
            "remove_photo" => f.remove_photo = !value.is_empty(),
            _ => {}
        }
    }
    if !csrf_ok {
        // An empty form: no token at all.
        let error = session.verify_csrf(None).err().unwrap_or_else(|| {
            AppError::Forbidden("The form has expired: reload the page and try again.".into())
        });
        return Err(Refused { form: f, error });
    }
    let result = match failure {
        Some(e) => Err(e),
        None => Profile::parse(&f.fields, site_url).map_err(AppError::BadRequest),
    };
    match result {
        Ok(p) => Ok((p, f)),
        Err(error) => {
            discard(media, &mut f).await;
            Err(Refused { form: f, error })
        }
    }
}

/// Removes the photo this request stored (the form was refused or the save failed).
pub async fn discard(media: &MediaStore, f: &mut ProfileForm) {
    if let Some(m) = f.uploaded.take() {
        media.delete_many(&[m.id]).await;
    }
}

/// Streams the photo into the media store; an empty file input is `Ok(None)`.
async fn store_photo(field: Field<'_>, media: &MediaStore) -> Result<Option<Media>, AppError> {
    let Some(file) = open_upload(field).await? else {
        return Ok(None);
    };
    save_upload(file, media, "The photo").await.map(Some)
}
