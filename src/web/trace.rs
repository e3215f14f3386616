//! The request span: method, the matched route (not the raw path, to keep cardinality
//! low), and the path.

use axum::extract::MatchedPath;
use axum::http::Request;
use tracing::Span;

/// The span of one request. Its fields are computed only when the span is enabled
/// (`LOG_LEVEL=info` or finer), so a quieter log costs nothing per request.
pub fn make_span<B>(req: &Request<B>) -> Span {
    tracing::info_span!(
        "request",
        method = %req.method(),
        route = req.extensions().get::<MatchedPath>().map_or("", MatchedPath::as_str),
        path = %req.uri().path(),
        // filled in by `auth::ratelimit::ClientAddr` on the routes that work it out
        client = tracing::field::Empty,
    )
}
