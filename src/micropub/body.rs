//! Reading a `POST /micropub`: the token (header or `access_token` field, never both),
//! then the body by its content type — JSON and form bodies up to [`MAX_BODY`],
//! multipart with files streamed into the media store once the token has been checked.
//! A file that comes before any token is refused: nothing is stored for an unknown
//! sender. Whatever this request stored is removed again if the request fails.

use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use super::error::MicropubError;
use super::parse::{self, Action, FormValue};
use super::token::Grant;
use crate::app::AppState;
use crate::auth::ratelimit::ClientAddr;
use crate::domain::MAX_PHOTOS;
use crate::media::{FieldError, FileField, Media, MediaError};

/// Largest JSON or form-encoded body (files come as multipart, with the upload limit).
pub const MAX_BODY: usize = 1024 * 1024;
/// Largest text field of a multipart body.
const MAX_FIELD: usize = 200_000;

/// A request that was read and authorised (its scope is checked by the caller).
pub struct Incoming {
    pub grant: Grant,
    pub action: Action,
    /// Files stored while reading a multipart body, in order.
    pub uploads: Vec<Media>,
}

/// The media type of a request, without parameters.
pub fn media_type(req: &Request) -> String {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    crate::auth::discovery::media_type(ct)
}

/// Reads and authorises a `POST /micropub`.
pub async fn read(
    s: &AppState,
    req: Request,
    client: &ClientAddr,
) -> Result<Incoming, MicropubError> {
    let header = super::header_token(req.headers())?;
    // A header token is checked before the body is read: a stranger's 50 MB are
    // never received.
    let header_grant = match &header {
        Some(t) => Some(s.micropub.check(s, t, client).await?),
        None => None,
    };
    match media_type(&req).as_str() {
        "application/json" => {
            let bytes = limited(req).await?;
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| MicropubError::invalid(format!("The JSON body is malformed: {e}.")))?;
            let grant = header_grant.ok_or_else(missing_token)?;
            let action = parse::parse_json(&value).map_err(|e| MicropubError::invalid(e.0))?;
            Ok(Incoming {
                grant,
                action,
                uploads: Vec::new(),
            })
        }
        "application/x-www-form-urlencoded" => {
            let bytes = limited(req).await?;
            let mut fields = decode_form(&bytes)?;
            let body_token = take_token(&mut fields)?;
            let grant = authorise(s, header_grant, body_token, client).await?;
            let fields = fields
                .into_iter()
                .map(|(k, v)| (k, FormValue::Text(v)))
                .collect();
            let action = parse::parse_form(fields).map_err(|e| MicropubError::invalid(e.0))?;
            Ok(Incoming {
                grant,
                action,
                uploads: Vec::new(),
            })
        }
        "multipart/form-data" => {
            let mp = Multipart::from_request(req, s).await.map_err(|e| {
                MicropubError::invalid(format!("The form could not be read: {}", e.body_text()))
            })?;
            read_multipart(s, mp, header_grant, client).await
        }
        "" => Err(MicropubError::invalid(
            "The request has no Content-Type: send JSON, a form, or multipart/form-data.",
        )),
        other => Err(MicropubError::invalid(format!(
            "{other} is not understood here: send application/json, \
             application/x-www-form-urlencoded or multipart/form-data."
        ))),
    }
}

fn missing_token() -> MicropubError {
    MicropubError::unauthorized(
        "This request needs an access token (Authorization: Bearer <token>, \
         or an access_token form field).",
    )
}

/// The grant from the header or the body token; both at once is a malformed request.
async fn authorise(
    s: &AppState,
    header: Option<Grant>,
    body: Option<String>,
    client: &ClientAddr,
) -> Result<Grant, MicropubError> {
    match (header, body) {
        (Some(_), Some(_)) => Err(two_tokens()),
        (Some(g), None) => Ok(g),
        (None, Some(t)) => s.micropub.check(s, &t, client).await,
        (None, None) => Err(missing_token()),
    }
}

fn two_tokens() -> MicropubError {
    MicropubError::invalid(
        "The access token was sent twice (in the Authorization header and in the body): send it once.",
    )
}

/// Removes the `access_token` field; more than one is malformed.
fn take_token(fields: &mut Vec<(String, String)>) -> Result<Option<String>, MicropubError> {
    let mut found = None;
    let mut twice = false;
    fields.retain(|(k, v)| {
        if k != "access_token" {
            return true;
        }
        twice |= found.replace(v.clone()).is_some();
        false
    });
    if twice {
        return Err(two_tokens());
    }
    Ok(found)
}

/// The whole body, refused with a 413 beyond [`MAX_BODY`].
async fn limited(req: Request) -> Result<Bytes, MicropubError> {
    axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|_| {
            MicropubError::too_large(format!(
                "The request is larger than {} kB, the most a post without files may be.",
                MAX_BODY / 1024
            ))
        })
}

/// Decodes `application/x-www-form-urlencoded` strictly: bytes that are not UTF-8 after
/// percent-decoding are a 400, not silently replaced.
pub fn decode_form(body: &[u8]) -> Result<Vec<(String, String)>, MicropubError> {
    let text = |raw: &[u8]| -> Result<String, MicropubError> {
        let plus: Vec<u8> = raw
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&plus)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| MicropubError::invalid("The form contains text that is not UTF-8."))
    };
    let mut out = Vec::new();
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (k, v) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        out.push((text(k)?, text(v)?));
    }
    Ok(out)
}

/// Reads a multipart body: text fields, the token, and files stored as they stream in.
async fn read_multipart(
    s: &AppState,
    mut mp: Multipart,
    header_grant: Option<Grant>,
    client: &ClientAddr,
) -> Result<Incoming, MicropubError> {
    let mut grant = header_grant;
    let header_sent = grant.is_some();
    let mut fields: Vec<(String, FormValue)> = Vec::new();
    let mut uploads: Vec<Media> = Vec::new();
    let mut text_bytes = 0usize;
    let result: Result<(), MicropubError> = async {
        while let Some(field) = mp.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_string();
            if field.file_name().is_some() {
                let base = name.strip_suffix("[]").unwrap_or(&name);
                if base != "photo" {
                    return Err(MicropubError::invalid(format!(
                        "Only photos can be uploaded with a post; the file field {name:?} is not one."
                    )));
                }
                // The token must be known before anything is stored.
                let g = grant.as_ref().ok_or_else(|| {
                    MicropubError::unauthorized(
                        "The access token must come before the files (or in the Authorization header).",
                    )
                })?;
                g.require("create")?;
                let linked = fields
                    .iter()
                    .filter(|(k, v)| {
                        matches!(v, FormValue::Text(_)) && k.split('[').next() == Some("photo")
                    })
                    .count();
                match store(s, field, linked + uploads.len()).await? {
                    Some(m) => {
                        fields.push((name, FormValue::File(uploads.len())));
                        uploads.push(m);
                    }
                    None => fields.push((name, FormValue::EmptyFile)),
                }
                continue;
            }
            let value = text(field).await?;
            // Text parts together are held to what a form body may be: a client
            // without a token cannot make the server hold megabytes of them.
            text_bytes += value.len();
            if text_bytes > MAX_BODY {
                return Err(MicropubError::too_large(format!(
                    "The text of the form is larger than {} kB.",
                    MAX_BODY / 1024
                )));
            }
            if name == "access_token" {
                if header_sent || grant.is_some() {
                    return Err(two_tokens());
                }
                grant = Some(s.micropub.check(s, &value, client).await?);
                continue;
            }
            fields.push((name, FormValue::Text(value)));
        }
        Ok(())
    }
    .await;
    let parsed = result.and_then(|()| {
        let grant = grant.ok_or_else(missing_token)?;
        let action = parse::parse_form(fields).map_err(|e| MicropubError::invalid(e.0))?;
        Ok((grant, action))
    });
    match parsed {
        Ok((grant, action)) => Ok(Incoming {
            grant,
            action,
            uploads,
        }),
        Err(e) => {
            discard(s, &uploads).await;
            Err(e)
        }
    }
}

/// Removes images this request stored (it failed, or the post was refused).
pub async fn discard(s: &AppState, uploads: &[Media]) {
    let ids: Vec<i64> = uploads.iter().map(|m| m.id).collect();
    s.media.delete_many(&ids).await;
}

/// A text field, at most 200 kB of UTF-8.
pub async fn text(mut field: Field<'_>) -> Result<String, MicropubError> {
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        if out.len() + chunk.len() > MAX_FIELD {
            return Err(MicropubError::too_large(format!(
                "A text field is longer than {} kB.",
                MAX_FIELD / 1000
            )));
        }
        out.extend_from_slice(&chunk);
    }
    String::from_utf8(out)
        .map_err(|_| MicropubError::invalid("The form contains text that is not UTF-8."))
}

/// Streams one file into the media store when the post has room for it (`photos`
/// already counted). An empty file part is skipped.
pub async fn store(
    s: &AppState,
    field: Field<'_>,
    photos: usize,
) -> Result<Option<Media>, MicropubError> {
    let Some(file) = FileField::open(field).await.map_err(refused)? else {
        return Ok(None);
    };
    if photos + 1 > MAX_PHOTOS {
        return Err(MicropubError::invalid(format!(
            "A post can have at most {MAX_PHOTOS} photos."
        )));
    }
    file.save(&s.media).await.map(Some).map_err(refused)
}

fn refused(e: FieldError) -> MicropubError {
    match e {
        FieldError::TooLarge => {
            MicropubError::too_large("The upload is larger than the largest accepted.")
        }
        FieldError::Unreadable(why) | FieldError::Media(MediaError::Stream(why)) => {
            MicropubError::invalid(format!("The upload could not be read: {why}"))
        }
        FieldError::Media(e) => e.into(),
    }
}

/// A multipart read failure: over the body limit is a 413, anything else a 400.
fn unreadable(e: MultipartError) -> MicropubError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        MicropubError::too_large("The request is larger than the largest upload accepted.")
    } else {
        MicropubError::invalid(format!("The form could not be read: {}", e.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::decode_form;

    #[test]
    fn forms_are_decoded_strictly() {
        let f = decode_form(b"h=entry&content=a+b%21&category%5B%5D=x&empty").unwrap();
        assert_eq!(
            f,
            [
                ("h".into(), "entry".into()),
                ("content".into(), "a b!".into()),
                ("category[]".into(), "x".into()),
                ("empty".into(), String::new())
            ]
        );
        assert!(decode_form(b"content=%FF%FE").is_err());
        assert!(decode_form(b"content=\xff").is_err());
    }
}
