//! Micropub's JSON errors: `{"error", "error_description"}` with the status the
//! specification gives each code. A client never sees an HTML page from `/micropub`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::media::MediaError;
use crate::notes::NoteError;

/// One failed Micropub request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MicropubError {
    pub status: StatusCode,
    /// The OAuth / Micropub error code (`invalid_request`, `insufficient_scope`…).
    pub code: &'static str,
    /// A sentence for the person using the client.
    pub description: String,
    /// The scope that was missing (`insufficient_scope` only).
    pub scope: Option<&'static str>,
    /// Seconds to wait before trying again (429 only).
    pub retry_after: Option<u64>,
}

/// A handler's result.
pub type Result<T, E = MicropubError> = std::result::Result<T, E>;

impl MicropubError {
    fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        MicropubError {
            status,
            code,
            description: description.into(),
            scope: None,
            retry_after: None,
        }
    }

    /// 400: the request is malformed or refers to something that cannot be.
    pub fn invalid(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 404 with `invalid_request`: a URL of this site that names no note.
    pub fn no_such_post(url: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request",
            format!("There is no post at {url}."),
        )
    }

    /// 401: no token was sent, or the token is not valid.
    pub fn unauthorized(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", description)
    }

    /// 403: a valid token, but for somebody else.
    pub fn forbidden(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", description)
    }

    /// 403: the token lacks the scope this request needs.
    pub fn insufficient_scope(scope: &'static str) -> Self {
        MicropubError {
            scope: Some(scope),
            ..Self::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                format!("This request needs a token with the \"{scope}\" scope."),
            )
        }
    }

    /// 413: the body or a file is over the limit.
    pub fn too_large(description: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", description)
    }

    /// 503: the token endpoint could not be asked; the client may retry.
    pub fn unavailable(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            description,
        )
    }

    /// 429: this client sent too many unknown tokens lately.
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        let secs = wait.as_secs().max(1);
        MicropubError {
            retry_after: Some(secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!(
                    "Too many tokens were checked from this address; try again in {secs} seconds."
                ),
            )
        }
    }

    /// 501: Micropub needs the owner's token endpoint, found from `ADMIN_ME`.
    pub fn not_configured() -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "not_configured",
            "Micropub is not configured on this site: its owner has not set ADMIN_ME, \
             the profile whose token endpoint checks Micropub tokens.",
        )
    }

    /// 500: our failure; the detail is logged here, once, and never shown.
    pub fn internal(detail: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "micropub request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "The server could not complete the request. Please try again later.",
        )
    }
}

impl IntoResponse for MicropubError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "error": self.code,
            "error_description": self.description,
        });
        if let Some(scope) = self.scope {
            body["scope"] = scope.into();
        }
        let mut res = (self.status, Json(body)).into_response();
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        } else if let Some(scope) = self.scope {
            let v = format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\"");
            if let Ok(v) = HeaderValue::from_str(&v) {
                headers.insert(header::WWW_AUTHENTICATE, v);
            }
        }
        res
    }
}

impl From<NoteError> for MicropubError {
    fn from(e: NoteError) -> Self {
        match e {
            NoteError::Invalid(m) => MicropubError::invalid(m),
            NoteError::NotFound => MicropubError::new(
                StatusCode::NOT_FOUND,
                "invalid_request",
                "There is no such post.",
            ),
            NoteError::Db(e) => MicropubError::internal(&e),
        }
    }
}

impl From<MediaError> for MicropubError {
    fn from(e: MediaError) -> Self {
        match e {
            MediaError::TooLarge { .. } => MicropubError::too_large(e.to_string()),
            e if e.is_client_error() => MicropubError::invalid(e.to_string()),
            e => MicropubError::internal(&e),
        }
    }
}
