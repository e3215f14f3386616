//! Feeds: RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML, and `/feed` negotiated by `Accept`;
//! and for crawlers `/robots.txt` and the sitemap.
//! Bodies are cached (bounded by `FEED_CACHE_MAX_SIZE`, aged by `FEED_CACHE_SECONDS`)
//! and the cache is invalidated by every write.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::get;

use crate::app::AppState;
use crate::db::notes::Window;
use crate::error::{AppError, Result};
use crate::web::cache::Cached;

pub mod atom;
pub mod content;
pub mod crawlers;
pub mod json;
pub mod model;
pub mod negotiate;
pub mod opml;
pub mod rss;
pub mod sitemap;
pub mod xml;

use negotiate::Format;

/// Feed routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feed", get(negotiated))
        .route(
            "/feed.rss",
            get(|s, r| serve(s, r, Format::Rss, "/feed.rss")),
        )
        .route(
            "/feed.xml",
            get(|s, r| serve(s, r, Format::Rss, "/feed.xml")),
        )
        .route(
            "/feed.atom",
            get(|s, r| serve(s, r, Format::Atom, "/feed.atom")),
        )
        .route(
            "/feed.json",
            get(|s, r| serve(s, r, Format::Json, "/feed.json")),
        )
        .route("/opml.xml", get(opml_handler))
        .route("/robots.txt", get(crawlers::robots))
        .route("/sitemap.xml", get(crawlers::sitemap))
        .route("/sitemap-{file}", get(crawlers::sitemap_page))
}

fn content_type(f: Format) -> &'static str {
    match f {
        Format::Rss => "application/rss+xml; charset=utf-8",
        Format::Atom => "application/atom+xml; charset=utf-8",
        Format::Json => "application/feed+json; charset=utf-8",
    }
}

async fn negotiated(state: State<AppState>, req: Request) -> Result<Response> {
    let headers = req.headers();
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
    let (path, key) = match format {
        Format::Rss => ("/feed.rss", "/feed (rss)"),
        Format::Atom => ("/feed.atom", "/feed (atom)"),
        Format::Json => ("/feed.json", "/feed (json)"),
    };
    respond(state, headers, format, path, Some(key)).await
}

/// A feed at its own address; the request is taken whole so its headers need no copy.
async fn serve(
    state: State<AppState>,
    req: Request,
    format: Format,
    path: &'static str,
) -> Result<Response> {
    respond(state, req.headers(), format, path, None).await
}

/// The feed `format` whose self link is `path`, from the cache when current. A feed
/// reached through `/feed` is cached apart (`negotiated_key`): it varies by `Accept`.
async fn respond(
    State(s): State<AppState>,
    headers: &HeaderMap,
    format: Format,
    path: &'static str,
    negotiated_key: Option<&'static str>,
) -> Result<Response> {
    let vary = negotiated_key.is_some();
    let cached = s
        .feeds
        .get_or_build(negotiated_key.unwrap_or(path), || async {
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
    Ok(cached.respond(headers))
}

async fn opml_handler(State(s): State<AppState>, req: Request) -> Result<Response> {
    let cached = s
        .feeds
        .get_or_build("/opml.xml", || async {
            let feed = model::Feed::build(&s.site, None, &[]);
            let mut c = Cached::new(opml::write(&feed), "text/x-opml; charset=utf-8", None);
            c.cache_control = "public, max-age=3600";
            Ok::<_, AppError>(c)
        })
        .await?;
    Ok(cached.respond(req.headers()))
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
