//! `/search` (HTML) and `/api/search` (JSON): full-text search over public notes.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::db::search::{MARK_END, MARK_START, fts_query};
use crate::domain::markdown::{excerpt, html_to_text};
use crate::error::{AppError, Result};
use crate::site::layout::Layout;
use crate::web::cache::Cached;
use crate::web::view::{ResultView, SearchPage, human_date};

const HTML: &str = "text/html; charset=utf-8";
const MIN_QUERY: usize = 2;
const MAX_QUERY: usize = 100;
const PAGE_SIZE: u32 = 20;
const MAX_LIMIT: u32 = 100;
const MAX_OFFSET: u32 = 100_000;

#[derive(Deserialize, Default)]
struct Raw {
    q: Option<String>,
    page: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

fn read_query(q: Option<&str>) -> std::result::Result<Raw, String> {
    serde_urlencoded::from_str(q.unwrap_or(""))
        .map_err(|_| "The query string could not be read.".to_string())
}

/// Checks the words to find; the message says what is wrong.
fn check_terms(q: &str) -> std::result::Result<String, String> {
    let q = q.trim();
    // A NUL (or any control character) is not something a person types, and SQLite's
    // FTS5 refuses a query string that holds one.
    if q.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err("A search cannot contain control characters.".to_string());
    }
    let n = q.chars().count();
    if !(MIN_QUERY..=MAX_QUERY).contains(&n) {
        return Err(format!(
            "A search needs {MIN_QUERY} to {MAX_QUERY} characters; this one has {n}."
        ));
    }
    fts_query(q)
        .ok_or_else(|| "Type at least one word with letters or digits to search for.".to_string())
}

fn num(
    v: Option<&str>,
    name: &str,
    default: u32,
    min: u32,
    max: u32,
) -> std::result::Result<u32, String> {
    match v {
        None => Ok(default),
        Some(s) => match s.trim().parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!(
                "{name} must be a whole number from {min} to {max}."
            )),
        },
    }
}

/// Escapes the snippet's text for HTML, then turns the match markers into `<mark>`.
pub fn snippet_html(snippet: &str) -> String {
    let escaped = askama::filters::escape(snippet, askama::filters::Html)
        .map(|e| e.to_string())
        .unwrap_or_default();
    escaped
        .replace(MARK_START, "<mark>")
        .replace(MARK_END, "</mark>")
}

/// `GET /search?q=&page=`.
///
/// Answers are cached like pages (in the search cache, invalidated by every write),
/// keyed by the words as shown and the page number.
pub async fn page(
    State(s): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let raw = read_query(q.as_deref()).map_err(AppError::BadRequest)?;
    let mut l = Layout::new(&s.site, "Search");
    let mut tpl = SearchPage {
        l: Layout::new(&s.site, "Search"),
        message: None,
        searched: false,
        total: 0,
        total_exact: true,
        results: vec![],
        newer: None,
        older: None,
    };
    let Some(text) = raw.q else {
        tpl.l = l;
        return Ok(Html(tpl.render()?).into_response());
    };
    // Shown as typed, a tab or line break as a space: the words stay apart, as they do
    // in the search itself, so two searches never share a display (or a cache key).
    l.query = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control())
        .take(MAX_QUERY * 2)
        .collect();
    tpl.l = l;
    let fts = match check_terms(&text) {
        Ok(f) => f,
        Err(msg) => {
            tpl.message = Some(msg);
            return Ok((StatusCode::BAD_REQUEST, Html(tpl.render()?)).into_response());
        }
    };
    let page_no = num(raw.page.as_deref(), "page", 1, 1, MAX_OFFSET / PAGE_SIZE)
        .map_err(AppError::BadRequest)?;
    let key = format!("search:{page_no}:{}", tpl.l.query.trim());
    let cached = s
        .searches
        .get_or_build(&key, || async {
            let offset = (page_no - 1) * PAGE_SIZE;
            let found = s.notes.search(&fts, PAGE_SIZE, offset).await?;
            let full = found.hits.len() as u32 == PAGE_SIZE;
            tpl.searched = true;
            tpl.total = found.total;
            tpl.total_exact = found.total_exact;
            tpl.results = found
                .hits
                .into_iter()
                .map(|(note, snippet)| ResultView {
                    url: s.site.abs(&note.path()),
                    published_human: human_date(note.date()),
                    snippet_html: snippet_html(&snippet),
                    title: note.title,
                })
                .collect();
            let encoded: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
            if page_no > 1 {
                tpl.newer = Some(format!("/search?q={encoded}&page={}", page_no - 1));
            }
            // Past the exact count, a full page may have more after it.
            let more = if found.total_exact {
                (offset + PAGE_SIZE) < found.total as u32
            } else {
                full
            };
            if more && page_no < MAX_OFFSET / PAGE_SIZE {
                tpl.older = Some(format!("/search?q={encoded}&page={}", page_no + 1));
            }
            Ok::<_, AppError>(Cached::new(tpl.render()?, HTML, None))
        })
        .await?;
    Ok(cached.respond(&headers))
}

#[derive(Serialize)]
struct ApiResult {
    slug: String,
    url: String,
    title: Option<String>,
    published: String,
    excerpt: String,
    snippet: String,
    tags: Vec<String>,
}

#[derive(Serialize)]
struct ApiAnswer {
    query: String,
    /// All matches when `total_exact`; else at least this many.
    total: i64,
    total_exact: bool,
    limit: u32,
    offset: u32,
    results: Vec<ApiResult>,
}

/// `GET /api/search?q=&limit=&offset=`. Its errors are `AppError`s like any handler's;
/// the site layer renders every error under `/api/` as JSON (`web::errors::render_error_json`),
/// so a script never sees the HTML page — a wrong method's 405 included.
/// Cached like the HTML page.
pub async fn api(
    State(s): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let raw = match read_query(q.as_deref()) {
        Ok(r) => r,
        Err(m) => return Err(AppError::BadRequest(m)),
    };
    let Some(text) = raw.q else {
        return Err(AppError::BadRequest(
            "The q parameter (the words to find) is required.".into(),
        ));
    };
    let parsed = check_terms(&text).and_then(|fts| {
        let limit = num(raw.limit.as_deref(), "limit", PAGE_SIZE, 1, MAX_LIMIT)?;
        let offset = num(raw.offset.as_deref(), "offset", 0, 0, MAX_OFFSET)?;
        Ok((fts, limit, offset))
    });
    let (fts, limit, offset) = match parsed {
        Ok(p) => p,
        Err(m) => return Err(AppError::BadRequest(m)),
    };
    let query = text.trim().to_string();
    let key = format!("api-search:{limit}:{offset}:{query}");
    let cached = s
        .searches
        .get_or_build(&key, || async {
            let found = s.notes.search(&fts, limit, offset).await?;
            let results = found
                .hits
                .into_iter()
                .map(|(n, snip)| ApiResult {
                    url: s.site.abs(&n.path()),
                    slug: n.slug.to_string(),
                    published: crate::domain::time::rfc3339(n.date()),
                    excerpt: excerpt(
                        &html_to_text(&crate::notes::note_html(&n, &s.site.url)),
                        200,
                    ),
                    snippet: snippet_html(&snip),
                    tags: n.tags.iter().map(|t| t.display.clone()).collect(),
                    title: n.title,
                })
                .collect();
            let answer = ApiAnswer {
                query,
                total: found.total,
                total_exact: found.total_exact,
                limit,
                offset,
                results,
            };
            let body =
                serde_json::to_vec(&answer).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
            Ok::<_, AppError>(Cached::new(body, "application/json", None))
        })
        .await?;
    Ok(cached.respond(&headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_escaped_before_marking() {
        let s = format!("<script>{MARK_START}x{MARK_END}</script>");
        assert_eq!(
            snippet_html(&s),
            "&#60;script&#62;<mark>x</mark>&#60;/script&#62;"
        );
    }

    #[test]
    fn term_checks() {
        assert!(check_terms("a").is_err());
        assert!(check_terms(&"a".repeat(101)).is_err());
        assert!(check_terms("\"\"").is_err());
        assert!(check_terms("rust").is_ok());
        assert!(check_terms("ab\0cd").is_err());
        assert!(check_terms("ab\tcd").is_ok(), "a tab separates words");
    }
}
