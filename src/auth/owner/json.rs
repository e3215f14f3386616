//! JSON in and out for the passkey ceremonies (the browser's script talks JSON):
//! errors as `{"error": code, "message": text}`, never cached.

use std::time::Duration;

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// An error answer: a stable `code` for scripts, a `message` for people.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let mut res = (
        status,
        Json(serde_json::json!({ "error": code, "message": message })),
    )
        .into_response();
    no_store(&mut res);
    res
}

/// 429 with `Retry-After`.
pub fn rate_limited(wait: Duration, message: &str) -> Response {
    let mut res = error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// A 200 JSON answer.
pub fn ok(value: serde_json::Value) -> Response {
    let mut res = Json(value).into_response();
    no_store(&mut res);
    res
}

/// A storage failure, logged here once.
pub fn storage(e: &sqlx::Error) -> Response {
    tracing::error!(error = %e, "passkey ceremony: storage failed");
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage",
        "The database did not answer. Try again in a moment.",
    )
}

/// Only `application/json` is accepted: a page on another site can
/// post a form here without asking, but not JSON without a CORS preflight, which this
/// server never grants.
/// A refusal carried in a `Result` (boxed: a `Response` is large to move around).
pub type Refusal = Box<Response>;

/// Reads a JSON body.
pub fn read<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, Refusal> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| crate::auth::discovery::media_type(v) == "application/json");
    if !json {
        return Err(Box::new(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            "This address takes JSON (Content-Type: application/json).",
        )));
    }
    serde_json::from_slice(body).map_err(|e| {
        tracing::info!(error = %e, "passkey ceremony: unreadable JSON");
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request could not be read.",
        ))
    })
}

fn no_store(res: &mut Response) {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
}
