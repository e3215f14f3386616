//! The owner's own credentials in own-identity mode (`ADMIN_ME` unset): password and
//! passkey sign-in ([`signin`], [`passkey`]), the first-run set-up link ([`setup`]),
//! and the registration ceremony the set-up and Security pages share ([`register`]).
//!
//! Rate limits: failed passwords count per client ([`crate::auth::AuthState::limiter`],
//! 10 a minute) and across all clients ([`OwnerAuth::global`]), except that a browser
//! the owner signed in with before ([`device`]) is held only to its per-client limit,
//! so strangers cannot lock the owner out; passkey ceremonies have
//! their own, generous per-client limit ([`OwnerAuth::ceremonies_started`]), so a
//! stranger guessing passwords cannot lock the owner out of the passkey path. At most
//! [`ARGON2_AT_ONCE`] Argon2 computations (64 MiB each) run together.

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tokio::sync::Semaphore;

use crate::app::AppState;
use crate::auth::ratelimit::RateLimiter;

pub mod ceremony;
pub mod device;
pub mod json;
pub mod passkey;
pub mod register;
pub mod rp;
pub mod setup;
pub mod signin;

/// Failed password attempts allowed per minute across all clients.
pub const GLOBAL_FAILURES: u32 = 100;
/// Passkey ceremonies a client may start per minute.
pub const CEREMONIES_PER_CLIENT: u32 = 60;
/// Argon2 hashes computed at once (each holds 64 MiB); others wait their turn.
pub const ARGON2_AT_ONCE: usize = 2;
/// The key of the one bucket of [`OwnerAuth::global`].
pub const GLOBAL_KEY: &str = "all clients";

/// In-memory state of the owner's sign-in.
#[derive(Debug)]
pub struct OwnerAuth {
    /// Password attempts across all clients.
    pub global: RateLimiter,
    /// Passkey ceremonies started per client.
    pub ceremonies_started: RateLimiter,
    /// Ceremonies under way (challenges), single-use and short-lived.
    pub ceremonies: ceremony::Ceremonies,
    /// Bounds concurrent Argon2 work.
    pub argon2: Semaphore,
}

impl Default for OwnerAuth {
    fn default() -> Self {
        OwnerAuth {
            global: RateLimiter::new(GLOBAL_FAILURES, Duration::from_secs(60)),
            ceremonies_started: RateLimiter::new(CEREMONIES_PER_CLIENT, Duration::from_secs(60)),
            ceremonies: ceremony::Ceremonies::default(),
            argon2: Semaphore::new(ARGON2_AT_ONCE),
        }
    }
}

/// The routes of the owner's own sign-in (`/auth/login` itself is routed by
/// [`crate::auth::login`], which hands over to [`signin`] in own-identity mode).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/passkey/options", post(passkey::options))
        .route("/auth/passkey/verify", post(passkey::verify))
        .route("/auth/setup", get(setup::page).post(setup::with_password))
        .route("/auth/setup/passkey/options", post(setup::passkey_options))
        .route("/auth/setup/passkey/verify", post(setup::passkey_verify))
}
