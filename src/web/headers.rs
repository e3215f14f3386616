//! Headers every response carries (discovery `Link`s, security headers) and the guard
//! against absurdly long addresses. Applied by the site layer ([`crate::web::layer`]).

use axum::http::{HeaderValue, Uri, header};
use axum::response::Response;

use crate::site::Site;

/// Longest request target (path + query) served; beyond it, 414.
pub const MAX_URI_LEN: usize = 4096;

const CSP: &str = "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// Whether the request target is too long to serve (414).
pub fn uri_too_long(uri: &Uri) -> bool {
    uri.path_and_query().map_or(0, |p| p.as_str().len()) > MAX_URI_LEN
}

/// Adds the site's `Link` header (Micropub, `rel=me`, the owner's IndieAuth endpoints)
/// and the security headers.
pub fn add_site_headers(site: &Site, res: &mut Response) {
    let h = res.headers_mut();
    if let Some(link) = site.link_header() {
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
}
