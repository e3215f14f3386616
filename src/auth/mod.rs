//! IndieAuth sign-in for the owner, sessions and CSRF protection.
//!
//! The blog is a client of the owner's own IndieAuth provider: the authorization
//! endpoint is discovered from `ADMIN_ME` ([`endpoints`], parsing in [`discovery`]),
//! the browser is sent there with a single-use state and PKCE ([`login`]), and the code
//! is redeemed when it comes back ([`callback`], [`redeem`]). Only `ADMIN_ME` gets a
//! session ([`session`]). Admin handlers take [`AdminSession`] and check
//! [`AdminSession::verify_csrf`] on every POST.
//!
//! [`client`] is groundwork for the blog's own authorization endpoint: which
//! applications and redirect addresses are acceptable, and what an application says
//! about itself, fetched without reaching private networks.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::AppState;
use crate::config::Config;
use crate::db::Db;
use crate::domain::time::now;

pub mod author;
pub mod callback;
pub mod client;
pub mod cookie;
pub mod crypto;
pub mod discovery;
pub mod endpoints;
pub mod failure;
pub mod fetch;
pub mod hcard;
pub mod login;
pub mod owner;
pub mod password;
pub mod ratelimit;
pub mod redeem;
pub mod secret;
pub mod server;
pub mod session;
pub mod store;
pub mod tokens;
pub mod urls;
pub mod views;

pub use session::AdminSession;

/// How long a started sign-in may take.
pub const STATE_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// How long used and expired states are kept, so a late or replayed callback is told
/// exactly what happened.
pub const STATE_KEPT: Duration = Duration::from_secs(24 * 3600);

/// Sign-in state shared by all requests: the key, the endpoint cache, the rate limiter.
#[derive(Debug)]
pub struct AuthState {
    key: Vec<u8>,
    /// The owner's discovered endpoints (an hour).
    pub endpoints: endpoints::EndpointCache,
    /// Sign-in rows (requests, sessions, author card): the only way handlers reach them.
    pub store: store::AuthStore,
    /// Sign-in attempts per client address.
    pub limiter: ratelimit::RateLimiter,
    /// The owner's own sign-in (own-identity mode): global limit, ceremonies, Argon2 gate.
    pub owner: owner::OwnerAuth,
    fetch_timeout_ms: AtomicU64,
    /// Unix seconds of the last purge of expired rows (at most one a minute).
    last_purge: AtomicU64,
}

impl AuthState {
    /// Loads (or generates) the session secret. Should that fail, a random key is used
    /// for this run: CSRF tokens then do not survive a restart, which is logged.
    pub fn new(config: &Config, db: Db) -> Self {
        let key = secret::load_or_create(config).unwrap_or_else(|e| {
            tracing::error!(error = %e, "could not read or write the session secret; using a key for this run only");
            crypto::random_token().into_bytes()
        });
        Self::with_key(key, db)
    }

    /// A state around a given key.
    pub fn with_key(key: Vec<u8>, db: Db) -> Self {
        AuthState {
            key,
            store: store::AuthStore::new(db),
            endpoints: endpoints::EndpointCache::default(),
            limiter: ratelimit::RateLimiter::new(ratelimit::MAX_ATTEMPTS, ratelimit::WINDOW),
            owner: owner::OwnerAuth::default(),
            last_purge: AtomicU64::new(0),
            fetch_timeout_ms: AtomicU64::new(fetch::TIMEOUT.as_millis() as u64),
        }
    }

    /// The key for CSRF tokens.
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The timeout of each request to the owner's site and provider.
    pub fn fetch_timeout(&self) -> Duration {
        Duration::from_millis(self.fetch_timeout_ms.load(Ordering::Relaxed))
    }

    /// Changes the outbound timeout (tests use a short one to exercise slow providers).
    pub fn set_fetch_timeout(&self, t: Duration) {
        self.fetch_timeout_ms
            .store(t.as_millis() as u64, Ordering::Relaxed);
    }
}

/// The sign-in routes. Every answer here depends on the browser: never cached.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", get(login::page).post(login::start))
        .route("/auth/callback", get(callback::finish))
        .route("/auth/logout", post(login::logout))
        .route("/auth/dev-login", get(login::dev_login))
        .merge(owner::router())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ))
}

/// Deletes expired sessions and old sign-in states (at start-up and on each sign-in).
pub async fn purge_expired(state: &AppState) {
    let at = now();
    // Expired rows are harmless until purged: one purge a minute keeps sign-in to a
    // single write per attempt.
    let secs = u64::try_from(at.timestamp()).unwrap_or(0);
    let last = state.auth.last_purge.load(Ordering::Relaxed);
    if secs < last + 60
        || state
            .auth
            .last_purge
            .compare_exchange(last, secs, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    if let Err(e) = state.auth.store.purge(at, at - STATE_KEPT).await {
        tracing::warn!(error = %e, "could not purge expired sessions");
    }
}

/// Start-up work that must never delay serving: purge expired rows, show the cached
/// author, then discover the endpoints (to advertise them) and refresh a stale h-card.
pub fn spawn_startup(state: &AppState) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        purge_expired(&state).await;
        if state.config.own_identity() {
            owner::setup::announce(&state).await;
            crate::site::profile::apply_saved(&state).await;
            return;
        }
        let discover = async {
            if let Some(Err(e)) = endpoints::current(&state).await {
                tracing::warn!(error = %e, "IndieAuth discovery at start-up failed; sign-in will try again");
            }
        };
        tokio::join!(discover, author::refresh(&state, false));
    })
}

/// Keeps `Arc<AuthState>` construction in one place for `AppState`.
pub fn shared(config: &Config, db: Db) -> Arc<AuthState> {
    Arc::new(AuthState::new(config, db))
}
