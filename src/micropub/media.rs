//! The media endpoint: `POST /micropub/media` stores one `file` through the atomic
//! photo pipeline and answers `201 Created` with its URL; `GET ?q=last` tells a client
//! (Quill, for one) the last upload of the past hour. Uploads no post uses stay listed
//! on the admin's Media page until the owner removes them.

use axum::Json;
use axum::extract::{FromRequest, Multipart, RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::body::{self, media_type};
use super::error::MicropubError;
use super::query::Params;
use crate::app::AppState;
use crate::auth::ratelimit::ClientAddr;
use crate::domain::time::now;

/// How far back `q=last` looks.
const LAST_WITHIN: chrono::Duration = chrono::Duration::hours(1);

/// `POST /micropub/media`.
pub async fn upload(State(s): State<AppState>, addr: ClientAddr, req: Request) -> Response {
    store(&s, req, &addr)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn store(s: &AppState, req: Request, client: &ClientAddr) -> Result<Response, MicropubError> {
    let header = super::header_token(req.headers())?;
    let mut grant = match &header {
        Some(t) => Some(s.micropub.check(s, t, client).await?),
        None => None,
    };
    if media_type(&req) != "multipart/form-data" {
        return Err(MicropubError::invalid(
            "Send the file as multipart/form-data, in a part named \"file\".",
        ));
    }
    let mut mp = Multipart::from_request(req, s).await.map_err(|e| {
        MicropubError::invalid(format!("The form could not be read: {}", e.body_text()))
    })?;
    let mut stored = None;
    let result = read_parts(s, &mut mp, &mut grant, &mut stored, client).await;
    let media = match (result, stored) {
        (Ok(()), Some(m)) => m,
        (Ok(()), None) => {
            return Err(match grant {
                None => MicropubError::unauthorized("This request needs an access token."),
                Some(_) => MicropubError::invalid(
                    "The request has no file: send it in a part named \"file\".",
                ),
            });
        }
        (Err(e), stored) => {
            // A part after the file failed: the file goes too.
            if let Some(m) = stored {
                s.media.delete_many(&[m.id]).await;
            }
            return Err(e);
        }
    };
    tracing::info!(media.id = media.id, media.path = %media.path, "media uploaded through Micropub");
    let url = super::absolute(s, &media.url_path());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, url.clone())],
        Json(json!({ "url": url })),
    )
        .into_response())
}

/// Reads the parts: the token (when not in the header) and one `file`, stored.
async fn read_parts(
    s: &AppState,
    mp: &mut Multipart,
    grant: &mut Option<super::token::Grant>,
    stored: &mut Option<crate::media::Media>,
    client: &ClientAddr,
) -> Result<(), MicropubError> {
    while let Some(field) = mp.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            MicropubError::too_large("The file is larger than the largest upload accepted.")
        } else {
            MicropubError::invalid(format!("The form could not be read: {}", e.body_text()))
        }
    })? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "access_token" && field.file_name().is_none() {
            if grant.is_some() {
                return Err(MicropubError::invalid(
                    "The access token was sent twice (header and body): send it once.",
                ));
            }
            let token = body::text(field).await?;
            *grant = Some(s.micropub.check(s, &token, client).await?);
            continue;
        }
        if name != "file" || stored.is_some() {
            continue;
        }
        let g = grant.as_ref().ok_or_else(|| {
            MicropubError::unauthorized(
                "The access token must come before the file (or in the Authorization header).",
            )
        })?;
        g.require("media")?;
        *stored = body::store(s, field, 0).await?;
    }
    Ok(())
}

/// `GET /micropub/media?q=last`.
pub async fn last(
    State(s): State<AppState>,
    addr: ClientAddr,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        super::require_header_token(&s, &headers, &addr).await?;
        let p = Params::parse(raw.as_deref().unwrap_or_default());
        match p.q.as_deref() {
            Some("last") => {
                let latest = s.media.latest().await?;
                let body = match latest.filter(|m| now() - m.created_at < LAST_WITHIN) {
                    Some(m) => json!({ "url": super::absolute(&s, &m.url_path()) }),
                    None => json!({}),
                };
                Ok(Json(body).into_response())
            }
            Some(other) => Err(MicropubError::invalid(format!(
                "The media endpoint answers q=last, not q={other}."
            ))),
            None => Err(MicropubError::invalid("The media endpoint answers q=last.")),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
