//! Micropub (W3C Recommendation): `GET/POST /micropub` and the media endpoint
//! `POST /micropub/media`. Requests are read by [`body`], parsed by [`parse`] (pure),
//! authorised by [`token`] and carried out on the notes and media services by
//! [`create`], [`actions`], [`query`] and [`media`]. Every failure is a JSON
//! [`error::MicropubError`]; the site layer renders its own errors (414, 503, panics)
//! as JSON on these paths too.
//!
//! Browser-based clients are welcome: both endpoints answer CORS preflights and let
//! any origin send an `Authorization` header. Cookies are never honoured here.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::app::AppState;
use crate::auth::ratelimit::ClientAddr;
use crate::limits::{MICROPUB, MICROPUB_MEDIA, UploadLimits};

pub mod actions;
pub mod body;
pub mod create;
pub mod error;
pub mod local;
pub mod media;
pub mod parse;
pub mod query;
pub mod token;

pub use error::MicropubError;
pub use token::Tokens;

/// The Micropub routes. Both take uploads, so they wear the upload body limit (form and
/// JSON bodies are held to [`body::MAX_BODY`] as they are read).
pub fn router(uploads: UploadLimits) -> Router<AppState> {
    Router::new()
        .route(MICROPUB, get(query::get).post(post).options(preflight))
        .route(
            MICROPUB_MEDIA,
            get(media::last).post(media::upload).options(preflight),
        )
        .layer(uploads.body_limit())
        .layer(map_response(cors))
}

/// `POST /micropub`: a new post or an action, in any of the three encodings.
async fn post(State(s): State<AppState>, addr: ClientAddr, req: Request) -> Response {
    let result = async {
        let incoming = body::read(&s, req, &addr).await?;
        let action = incoming.action;
        if let Err(e) = incoming.grant.require(action.scope()) {
            body::discard(&s, &incoming.uploads).await;
            return Err(e);
        }
        match action {
            parse::Action::Create(entry) => create::create(&s, entry, incoming.uploads).await,
            other => {
                if !incoming.uploads.is_empty() {
                    body::discard(&s, &incoming.uploads).await;
                    return Err(MicropubError::invalid(
                        "Files can only be uploaded with a new post.",
                    ));
                }
                actions::run(&s, other).await
            }
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The bearer token of the `Authorization` header, if one was sent. Any other kind of
/// authorization is refused rather than ignored.
pub fn header_token(headers: &HeaderMap) -> Result<Option<String>, MicropubError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().unwrap_or_default().trim();
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty());
    match token {
        Some(t) => Ok(Some(t.to_string())),
        None => Err(MicropubError::unauthorized(
            "Send the access token as \"Authorization: Bearer <token>\".",
        )),
    }
}

/// The grant of the header token, for requests that can carry no other (GETs).
pub async fn require_header_token(
    s: &AppState,
    headers: &HeaderMap,
    client: &ClientAddr,
) -> Result<token::Grant, MicropubError> {
    match header_token(headers)? {
        Some(t) => s.micropub.check(s, &t, client).await,
        None => Err(MicropubError::unauthorized(
            "This request needs an access token (Authorization: Bearer <token>).",
        )),
    }
}

/// The answer to a CORS preflight: any origin may send the token and a body.
async fn preflight(headers: HeaderMap) -> Response {
    let allow_headers = headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or(HeaderValue::from_static("Authorization, Content-Type"));
    (
        StatusCode::NO_CONTENT,
        [
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            ),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, allow_headers),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            ),
        ],
    )
        .into_response()
}

/// CORS on every Micropub answer (errors included, so a browser client can read them).
/// No `Allow-Credentials`: a browser never sends cookies along, and none would count.
async fn cors(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Location, Link, WWW-Authenticate"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

/// The absolute URL of a site path.
pub fn absolute(s: &AppState, path: &str) -> String {
    format!("{}{path}", s.config.site_url.trim_end_matches('/'))
}
