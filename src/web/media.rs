//! `GET`/`HEAD /media/{yyyy}/{mm}/{file}`: stored images and variants with a year of
//! immutable caching (a file's name is its uuid, so its content never changes).
//! Ranges, `ETag`, `Last-Modified` and conditional requests come from tower-http's
//! `ServeFile`; the path is validated here first, so nothing outside the media folder
//! (`..`, encoded slashes, symlinks) can be reached.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::app::AppState;
use crate::error::AppError;

/// `Cache-Control` of every media response.
pub const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// The media routes, to merge into the app router.
pub fn router() -> Router<AppState> {
    Router::new().route("/media/{yyyy}/{mm}/{file}", get(media_file))
}

async fn media_file(
    State(state): State<AppState>,
    UrlPath((yyyy, mm, file)): UrlPath<(String, String, String)>,
    req: Request,
) -> Result<Response, AppError> {
    let root = state.config.data_path.join("media");
    let path = resolve(&root, &yyyy, &mm, &file)
        .await
        .ok_or_else(AppError::not_found)?;
    let res = ServeFile::new(path)
        .oneshot(req)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("serving a media file: {e}")))?;
    if res.status() == StatusCode::NOT_FOUND {
        return Err(AppError::not_found());
    }
    let mut res = res.map(axum::body::Body::new).into_response();
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let headers = res.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    Ok(res)
}

/// The file a URL names, when the URL is well formed and the file is a regular file
/// inside `root` reached without any symlink.
async fn resolve(root: &Path, yyyy: &str, mm: &str, file: &str) -> Option<PathBuf> {
    if !valid_segments(yyyy, mm, file) {
        return None;
    }
    let year = root.join(yyyy);
    let month = year.join(mm);
    let path = month.join(file);
    for p in [&year, &month] {
        let meta = tokio::fs::symlink_metadata(p).await.ok()?;
        if !meta.is_dir() {
            return None;
        }
    }
    let meta = tokio::fs::symlink_metadata(&path).await.ok()?;
    meta.is_file().then_some(path)
}

/// `yyyy` is four digits, `mm` is `01`–`12`, and `file` is a stored name:
/// `[A-Za-z0-9_-]+` and one known extension. Anything else (dots, slashes, however
/// encoded) is refused before touching the disk.
fn valid_segments(yyyy: &str, mm: &str, file: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let month_ok = digits(mm, 2) && matches!(mm.parse::<u8>(), Ok(1..=12));
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return false;
    };
    let stem_ok = !stem.is_empty()
        && stem.len() <= 100
        && stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    digits(yyyy, 4) && month_ok && stem_ok && matches!(ext, "jpg" | "png" | "gif")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stored_names_pass() {
        assert!(valid_segments(
            "2026",
            "11",
            "0b6c2a1e-1d2f-4c3b-9a8b-7c6d5e4f3a2b_small.jpg"
        ));
        assert!(valid_segments("2026", "01", "x.png"));
        for (y, m, f) in [
            ("..", "11", "a.jpg"),
            ("2026", "13", "a.jpg"),
            ("2026", "1", "a.jpg"),
            ("2026", "11", "../a.jpg"),
            ("2026", "11", "a/b.jpg"),
            ("2026", "11", "..jpg"),
            ("2026", "11", ".jpg"),
            ("2026", "11", "a.jpg.txt"),
            ("2026", "11", "a.b.jpg"),
            ("2026", "11", "a%2Fb.jpg"),
            ("2026", "11", "a\\b.jpg"),
            ("20x6", "11", "a.jpg"),
        ] {
            assert!(!valid_segments(y, m, f), "{y}/{m}/{f}");
        }
    }
}

#[cfg(test)]
#[path = "media_tests.rs"]
mod serving_tests;
