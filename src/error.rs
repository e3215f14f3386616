//! One error type for HTML routes. Details are logged once, here at the boundary, and
//! never shown to the client; the client gets an error page in the site layout (rendered
//! by `web::errors::render_error_page`, which has the site's state).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::media::MediaError;
use crate::notes::NoteError;

/// Result of an HTML handler.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Everything an HTML route can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("This page was here once, but it has been deleted.")]
    Gone,
    #[error("None of the formats this page offers is acceptable: {0}")]
    NotAcceptable(String),
    #[error("This address does not accept that method.")]
    MethodNotAllowed,
    #[error("The request is too large: {0}")]
    PayloadTooLarge(String),
    #[error("The address is too long.")]
    UriTooLong,
    #[error("The server took too long to answer this request. Please try again in a moment.")]
    TimedOut,
    #[error("Something went wrong on our side.")]
    Internal(#[from] anyhow::Error),
}

/// What the error-page layer needs to render a page: attached to the response.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub message: String,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Gone => StatusCode::GONE,
            AppError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UriTooLong => StatusCode::URI_TOO_LONG,
            AppError::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A 404 with the standard wording.
    pub fn not_found() -> Self {
        AppError::NotFound("There is nothing at this address.".into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "request failed");
        }
        let message = self.to_string();
        let mut res = (status, message.clone()).into_response();
        res.extensions_mut().insert(ErrorPage { status, message });
        res
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::not_found(),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<NoteError> for AppError {
    fn from(e: NoteError) -> Self {
        match e {
            NoteError::Invalid(m) => AppError::BadRequest(m),
            NoteError::NotFound => AppError::not_found(),
            NoteError::Db(e) => e.into(),
        }
    }
}

impl From<MediaError> for AppError {
    fn from(e: MediaError) -> Self {
        match e {
            MediaError::TooLarge { .. } => AppError::PayloadTooLarge(e.to_string()),
            e if e.is_client_error() => AppError::BadRequest(e.to_string()),
            MediaError::Db(e) => e.into(),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}
