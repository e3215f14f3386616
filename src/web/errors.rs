//! Error pages in the site layout: 404 fallback, 405, panics, and the layer that turns
//! any `AppError` response into a full HTML page.

use std::any::Any;

use askama::Template;
use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::{AppError, ErrorPage};
use crate::site::layout::Layout;
use crate::web::view::ErrorTemplate;

/// Fallback for unknown paths.
pub async fn not_found() -> AppError {
    AppError::not_found()
}

/// Fallback for a known path with the wrong method.
pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// A panic in a handler becomes a 500 page (logged once, with the panic message);
/// never a dropped connection.
pub fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    AppError::Internal(anyhow::anyhow!("handler panicked: {detail}")).into_response()
}

/// The same marker rendered for JSON clients (`/api/…`): `{"error", "error_description"}`
/// with an OAuth-style code, so a script never has to parse an HTML page.
pub fn render_error_json(res: Response) -> Response {
    let Some(page) = res.extensions().get::<ErrorPage>().cloned() else {
        return res;
    };
    let (mut parts, _) = res.into_parts();
    let code = match page.status.as_u16() {
        400 | 405 | 414 => "invalid_request",
        404 => "not_found",
        413 => "too_large",
        503 => "temporarily_unavailable",
        _ => "server_error",
    };
    let body = serde_json::json!({"error": code, "error_description": page.message});
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body.to_string()))
}

/// Replaces the body of a response carrying an [`ErrorPage`] with the HTML page, keeping
/// the status and the headers (e.g. `Allow` on a 405); other responses pass unchanged.
/// Called by the site layer ([`crate::web::layer`]), which every response crosses.
pub fn render_error_page(state: &AppState, res: Response) -> Response {
    let Some(page) = res.extensions().get::<ErrorPage>().cloned() else {
        return res;
    };
    let (mut parts, _) = res.into_parts();
    let tpl = ErrorTemplate {
        l: Layout::new(
            &state.site,
            page.status.canonical_reason().unwrap_or("Error"),
        ),
        code: page.status.as_u16(),
        reason: page
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_string(),
        message: page.message,
    };
    let body = tpl.render().unwrap_or_else(|_| "Error".to_string());
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
