//! `/static/…`: the stylesheets, the admin script and the icon, compiled into the binary so
//! the server is one file.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::web::cache::is_not_modified;

struct Asset {
    name: &'static str,
    body: &'static str,
    content_type: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "style.css",
        body: include_str!("../../static/style.css"),
        content_type: "text/css; charset=utf-8",
    },
    Asset {
        name: "admin.css",
        body: include_str!("../../static/admin.css"),
        content_type: "text/css; charset=utf-8",
    },
    Asset {
        name: "admin.js",
        body: include_str!("../../static/admin.js"),
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        name: "passkey.js",
        body: include_str!("../../static/passkey.js"),
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        name: "favicon.svg",
        body: FAVICON,
        content_type: "image/svg+xml",
    },
];

const FAVICON: &str = include_str!("../../static/favicon.svg");

/// An asset's entity tag, from its content (FNV-1a): a changed stylesheet gets a new tag
/// even when the version number did not move, so no browser keeps a stale copy.
fn etag(body: &str) -> HeaderValue {
    let hash = body.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    HeaderValue::from_str(&format!("\"{hash:016x}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// Serves one compiled-in asset.
pub async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let a = ASSETS
        .iter()
        .find(|a| a.name == name)
        .ok_or_else(AppError::not_found)?;
    let etag = etag(a.body);
    let cc = (header::CACHE_CONTROL, "public, max-age=86400");
    if is_not_modified(&headers, &etag, None) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)], [cc]).into_response());
    }
    Ok((
        [(header::ETAG, etag)],
        [(header::CONTENT_TYPE, a.content_type), cc],
        a.body,
    )
        .into_response())
}

/// `/favicon.ico`: browsers ask for it whatever the page says.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}
