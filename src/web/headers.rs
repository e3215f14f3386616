//! Headers every response carries (discovery `Link`s, security headers) and the guard
//! against absurdly long addresses.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::AppError;

/// Longest request target (path + query) served; beyond it, 414.
pub const MAX_URI_LEN: usize = 4096;

const CSP: &str = "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// Adds the site's `Link` header and the security headers; refuses over-long URIs.
pub async fn site_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let too_long = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().len())
        .unwrap_or(0)
        > MAX_URI_LEN;
    let res = if too_long {
        AppError::UriTooLong.into_response()
    } else {
        next.run(req).await
    };
    // One layer for both jobs: each `from_fn` layer costs a boxed future per request.
    let mut res = crate::web::errors::render_error_page(&state, res);
    let h = res.headers_mut();
    if let Some(link) = state.site.link_header() {
        h.append(header::LINK, link);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    res
}
