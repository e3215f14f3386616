//! The request span: method, the matched route (not the raw path, to keep cardinality
//! low), and the path.

use axum::extract::MatchedPath;
use axum::http::Request;
use tracing::Span;

pub fn make_span<B>(req: &Request<B>) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    tracing::info_span!("request", method = %req.method(), route = %route, path = %req.uri().path())
}
