//! Application state, the router, and the server loop.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::db::Db;
use crate::generation::Generation;
use crate::limits::UploadLimits;
use crate::notes::Notes;
use crate::site::Site;
use crate::web::cache::ResponseCache;

/// Entries kept in the page cache (pages are small; this bounds memory to a few MB).
const PAGE_CACHE_ENTRIES: usize = 512;
/// Longest a cached page is served without re-rendering (writes invalidate sooner).
const PAGE_CACHE_SECONDS: u64 = 300;
/// Entries kept in the search cache. Searches have their own cache, so that a flood of
/// distinct searches (anyone can send any words) neither evicts the site's pages nor
/// holds more than a megabyte or two; a repeated search is still served from it.
const SEARCH_CACHE_ENTRIES: usize = 128;

/// Everything a handler needs. Cloned by every layer and handler of every request, so it
/// is one `Arc` (one reference count) rather than a struct of a dozen of them.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The fields of [`AppState`].
pub struct Shared {
    pub config: Arc<Config>,
    pub db: Db,
    pub notes: Notes,
    pub generation: Arc<Generation>,
    pub site: Arc<Site>,
    pub pages: Arc<ResponseCache>,
    /// `/search` and `/api/search` answers (see [`SEARCH_CACHE_ENTRIES`]).
    pub searches: Arc<ResponseCache>,
    pub feeds: Arc<ResponseCache>,
    /// Outbound HTTP (IndieAuth, h-card): timeouts, redirect limit, https policy.
    pub http: reqwest::Client,
    /// Sign-in: secret, endpoint cache, rate limiter.
    pub auth: Arc<crate::auth::AuthState>,
    /// The photo pipeline and store.
    pub media: crate::media::MediaStore,
    /// Micropub's token checking (verifier + cache).
    pub micropub: crate::micropub::Tokens,
    /// Codes and tokens of the blog's own IndieAuth server (used in own-identity mode).
    pub tokens: crate::auth::tokens::TokenService,
}

impl AppState {
    /// Opens the store and builds the state for `config`.
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        let db = Db::open(&config.data_path).await?;
        Ok(Self::with_db(config, db))
    }

    /// Builds the state around an open store.
    pub fn with_db(config: Config, db: Db) -> Self {
        let generation = Arc::new(Generation::default());
        let notes = Notes::new(db.clone(), generation.clone(), &config.site_url);
        let site = Arc::new(Site::from_config(&config));
        let pages = Arc::new(ResponseCache::new(
            generation.clone(),
            PAGE_CACHE_ENTRIES,
            Duration::from_secs(PAGE_CACHE_SECONDS),
            true,
        ));
        let searches = Arc::new(ResponseCache::new(
            generation.clone(),
            SEARCH_CACHE_ENTRIES,
            Duration::from_secs(PAGE_CACHE_SECONDS),
            true,
        ));
        let feeds = Arc::new(ResponseCache::new(
            generation.clone(),
            config.feed_cache_max_size,
            Duration::from_secs(config.feed_cache_seconds),
            config.feed_cache_enabled,
        ));
        let http = crate::auth::fetch::client(&config.site_url, config.dev_mode)
            .expect("the outbound HTTP client can be built");
        let auth = crate::auth::shared(&config, db.clone());
        let media = crate::media::MediaStore::new(db.clone(), &config);
        let tokens =
            crate::auth::tokens::TokenService::new(db.clone(), config.indieauth_require_pkce);
        AppState(Arc::new(Shared {
            micropub: crate::micropub::Tokens::for_config(&config, tokens.clone()),
            tokens,
            media,
            http,
            auth,
            config: Arc::new(config),
            db,
            notes,
            generation,
            site,
            pages,
            searches,
            feeds,
        }))
    }
}

/// The whole HTTP surface.
pub fn build_router(state: AppState) -> Router {
    crate::web::router()
        .merge(crate::feeds::router())
        .merge(crate::auth::router())
        .merge(crate::auth::server::router())
        .merge(crate::web::media::router())
        .merge(crate::web::admin::router(UploadLimits::from_config(
            &state.config,
        )))
        .merge(crate::micropub::router(UploadLimits::from_config(
            &state.config,
        )))
        .fallback(crate::web::errors::not_found)
        .method_not_allowed_fallback(crate::web::errors::method_not_allowed)
        // Two layers only: each `Router` layer costs boxing per request (see web::layer).
        .layer(crate::web::layer::SiteLayer::new(state.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(crate::web::trace::make_span))
        .with_state(state)
}

/// Serves until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, crate::server::Limits::default(), shutdown).await
}

/// [`serve`] with chosen connection limits (tests use short ones).
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    limits: crate::server::Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let db = state.db.clone();
    crate::auth::spawn_startup(&state);
    state.notes.start_scheduler();
    let exempt = state.config.trusted_proxies.clone();
    let res = crate::server::run(listener, build_router(state), limits, exempt, shutdown).await;
    db.close().await;
    res
}
