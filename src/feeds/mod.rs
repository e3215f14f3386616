//! Feeds: RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML, and `/feed` negotiated by `Accept`.
//! Bodies are cached (bounded by `FEED_CACHE_MAX_SIZE`, aged by `FEED_CACHE_SECONDS`)
//! and the cache is invalidated by every write.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::get;

use crate::app::AppState;
use crate::db::notes::Window;
use crate::error::{AppError, Result};
use crate::web::cache::Cached;

pub mod atom;
pub mod json;
pub mod model;
pub mod negotiate;
pub mod opml;
pub mod rss;
pub mod xml;

use negotiate::Format;

/// Feed routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feed", get(negotiated))
        .route(
            "/feed.rss",
            get(|s, h| serve(s, h, Format::Rss, "/feed.rss", false)),
        )
        .route(
            "/feed.xml",
            get(|s, h| serve(s, h, Format::Rss, "/feed.xml", false)),
        )
        .route(
            "/feed.atom",
            get(|s, h| serve(s, h, Format::Atom, "/feed.atom", false)),
        )
        .route(
            "/feed.json",
            get(|s, h| serve(s, h, Format::Json, "/feed.json", false)),
        )
        .route("/opml.xml", get(opml_handler))
}

fn content_type(f: Format) -> &'static str {
    match f {
        Format::Rss => "application/rss+xml; charset=utf-8",
        Format::Atom => "application/atom+xml; charset=utf-8",
        Format::Json => "application/feed+json; charset=utf-8",
    }
}

async fn negotiated(state: State<AppState>, headers: HeaderMap) -> Result<Response> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let accept_ok = headers
        .get(header::ACCEPT)
        .is_none_or(|v| v.to_str().is_ok());
    let chosen = if accept_ok {
        negotiate::choose(accept)
    } else {
        None
    };
    let Some(format) = chosen else {
        return Err(AppError::NotAcceptable(
            "ask for application/rss+xml, application/atom+xml or application/feed+json \
             (or use /feed.rss, /feed.atom, /feed.json)"
                .into(),
        ));
    };
    let path = match format {
        Format::Rss => "/feed.rss",
        Format::Atom => "/feed.atom",
        Format::Json => "/feed.json",
    };
    serve(state, headers, format, path, true).await
}

async fn serve(
    State(s): State<AppState>,
    headers: HeaderMap,
    format: Format,
    path: &'static str,
    vary: bool,
) -> Result<Response> {
    let key = format!("{path}:{vary}");
    let cached = s
        .feeds
        .get_or_build(&key, || async {
            let feed = load(&s).await?;
            let self_url = s.site.abs(path);
            let body = match format {
                Format::Rss => rss::write(&feed, &self_url),
                Format::Atom => atom::write(&feed, &self_url),
                Format::Json => json::write(&feed, &self_url),
            };
            let last_modified = feed.items.iter().map(|i| i.updated).max();
            let mut c = Cached::new(body, content_type(format), last_modified);
            c.cache_control = "public, max-age=300";
            Ok::<_, AppError>(if vary { c.varying_by_accept() } else { c })
        })
        .await?;
    Ok(cached.respond(&headers))
}

async fn opml_handler(State(s): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let cached = s
        .feeds
        .get_or_build("/opml.xml", || async {
            let feed = model::Feed::build(&s.site, None, &[]);
            let mut c = Cached::new(opml::write(&feed), "text/x-opml; charset=utf-8", None);
            c.cache_control = "public, max-age=3600";
            Ok::<_, AppError>(c)
        })
        .await?;
    Ok(cached.respond(&headers))
}

/// The latest public notes as a feed: two queries (notes, then their tags).
async fn load(s: &AppState) -> Result<model::Feed> {
    let page = s
        .notes
        .public_page(None, Window::Offset(0), s.config.feed_max_items)
        .await?;
    Ok(model::Feed::build(
        &s.site,
        s.config.about_url.clone(),
        &page.notes,
    ))
}
