//! What crawlers read: `/robots.txt` and the sitemap (`/sitemap.xml`, and past 50,000
//! URLs a `<sitemapindex>` over `/sitemap-{n}.xml`). Sitemaps are cached with the feeds
//! and invalidated by every write; each is built with two statements whatever the
//! number of notes.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::sitemap::{self, UrlEntry};
use crate::app::AppState;
use crate::error::{AppError, Result};
use crate::web::cache::Cached;

/// `GET /robots.txt`: everything but the admin and sign-in, and where the sitemap is.
pub async fn robots(State(s): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /admin/\nDisallow: /auth/\n\nSitemap: {}/sitemap.xml\n",
        s.site.url
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// `GET /sitemap.xml`: every public URL, or an index of the sitemap pages.
pub async fn sitemap(State(s): State<AppState>, req: Request) -> Result<Response> {
    respond(&s, req.headers(), None, sitemap::MAX_URLS).await
}

/// `GET /sitemap-{n}.xml` (`file` is `{n}.xml`): one page behind the index.
pub async fn sitemap_page(
    State(s): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Result<Response> {
    let page = file
        .strip_suffix(".xml")
        .filter(|n| !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(missing)?;
    respond(&s, req.headers(), Some(page), sitemap::MAX_URLS).await
}

fn missing() -> AppError {
    AppError::NotFound("There is no such sitemap.".into())
}

/// The sitemap document `page` (`None`: `/sitemap.xml`) at `size` URLs a file.
async fn respond(
    s: &AppState,
    headers: &HeaderMap,
    page: Option<u64>,
    size: u64,
) -> Result<Response> {
    let key = match page {
        None => "/sitemap.xml".to_string(),
        Some(n) => format!("/sitemap-{n}.xml"),
    };
    let cached = s
        .feeds
        .get_or_build(&key, || async {
            let (count, lastmod) = s.notes.public_stats().await?;
            let pages = sitemap::page_count(u64::try_from(count).unwrap_or(0), size);
            let body = match page {
                None if pages > 1 => sitemap::index(&s.site.url, pages, lastmod),
                None => urls(s, 1, size, lastmod).await?,
                Some(n) if pages > 1 && n <= pages => urls(s, n, size, lastmod).await?,
                Some(_) => return Err(missing()),
            };
            let mut c = Cached::new(body, "application/xml; charset=utf-8", lastmod);
            c.cache_control = "public, max-age=3600";
            Ok::<_, AppError>(c)
        })
        .await?;
    Ok(cached.respond(headers))
}

/// The `<urlset>` of sitemap page `page`.
async fn urls(
    s: &AppState,
    page: u64,
    size: u64,
    site_lastmod: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<String> {
    let (offset, limit, home) = sitemap::window(page, size);
    let rows = s.notes.sitemap_page(offset, limit).await?;
    let mut list = Vec::with_capacity(rows.len() + 1);
    if home {
        list.push(UrlEntry {
            loc: format!("{}/", s.site.url),
            lastmod: site_lastmod,
        });
    }
    list.extend(rows.into_iter().map(|r| UrlEntry {
        loc: s.site.abs(&format!("/note/{}", r.slug)),
        lastmod: Some(r.published_at.map_or(r.updated_at, |p| r.updated_at.max(p))),
    }));
    Ok(sitemap::urlset(&list))
}

#[cfg(test)]
#[path = "crawlers_tests.rs"]
mod tests;
