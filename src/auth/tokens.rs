//! The token service of the blog's own IndieAuth server: authorization codes, the
//! access and refresh tokens they become, refresh with rotation, revocation
//! (RFC 7009), introspection (RFC 7662) and the local check Micropub will use.
//!
//! Codes and tokens are 256-bit random strings ([`random_token`]) given to the client
//! once and stored only as SHA-256 hashes (SQL in `db::tokens`). A code lives ten
//! minutes, is bound to its client, redirect URI and PKCE S256 challenge, and is
//! single-use: a code that comes back revokes every token it issued (RFC 6749
//! §10.5). All tokens of one authorization carry the code's hash, so revoking "the
//! grant" is one statement whatever number of refreshes happened.
//!
//! Live access tokens are remembered once read, so Micropub's check costs no query;
//! every revocation empties that cache once committed, so **all revocations must go
//! through this service** (never straight to `db::tokens`).
//!
//! The endpoints in `auth::server` are built on it; [`limit`] keeps failed attempts
//! there in check.
//!
//! [`random_token`]: crate::auth::crypto::random_token

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::db::Db;

mod cache;
mod codes;
mod error;
mod grants;
mod inspect;
pub mod limit;
mod pending;
pub mod scope;
mod spent;

pub use codes::{Pkce, Redeemed};
pub use error::{GrantError, GrantType};
pub use grants::Issued;
pub use inspect::{AccessGrant, App, Introspection};

/// How long an authorization code may wait to be redeemed (IndieAuth: at most 10 min).
pub const CODE_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// How long a code is kept after it expired, so a late replay still revokes its grant.
pub const CODES_KEPT: Duration = Duration::from_secs(24 * 3600);
/// How long a revoked or expired token is kept: the apps page and a replayed refresh
/// token are told apart from an unknown one meanwhile.
pub const TOKENS_KEPT: Duration = Duration::from_secs(30 * 24 * 3600);
/// A token's `last_used` is written at most this often, so a busy client costs reads.
pub const LAST_USED_EVERY: Duration = Duration::from_secs(60);
/// A refresh token outlives the access tokens of its grant by this factor: a client
/// that comes back after its access token expired can still refresh.
pub const REFRESH_LIFETIME_FACTOR: u32 = 2;

/// The time source; tests pass a fixed one to make codes and tokens expire.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Codes and tokens of the blog's own IndieAuth server. Cheap to clone.
#[derive(Clone)]
pub struct TokenService {
    db: Db,
    /// `INDIEAUTH_REQUIRE_PKCE`: refuse codes for apps that send no challenge.
    require_pkce: bool,
    clock: Clock,
    /// Failed attempts at the endpoints, per client address.
    failures: Arc<limit::FailureLimit>,
    /// Live access tokens already read (emptied by every revocation).
    cache: Arc<cache::AccessCache>,
    /// Consent forms already answered, so each is used once.
    spent: Arc<spent::SpentForms>,
    /// Applications as their open consent pages described them.
    pending: Arc<pending::PendingApps>,
}

impl std::fmt::Debug for TokenService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenService")
            .field("require_pkce", &self.require_pkce)
            .finish_non_exhaustive()
    }
}

impl TokenService {
    /// The service on `db`; `require_pkce` is `INDIEAUTH_REQUIRE_PKCE`.
    pub fn new(db: Db, require_pkce: bool) -> Self {
        TokenService {
            db,
            require_pkce,
            clock: Arc::new(crate::domain::time::now),
            failures: Arc::new(limit::FailureLimit::new(
                limit::MAX_FAILURES,
                limit::FAILURE_WINDOW,
            )),
            cache: Arc::default(),
            spent: Arc::default(),
            pending: Arc::default(),
        }
    }

    /// The same service reading the time from `clock` (tests: expired codes and
    /// tokens without sleeping).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Failed attempts at the token, introspection and revocation endpoints.
    pub fn failures(&self) -> &limit::FailureLimit {
        &self.failures
    }

    /// Marks the consent form signed `signature` answered until `until` (Unix
    /// seconds); `false` when it already was, and must not be acted on again.
    pub fn spend_consent(&self, signature: &str, until: i64) -> bool {
        self.spent.spend(signature, until, self.now().timestamp())
    }

    /// Keeps what `app` said about itself on the consent page signed `signature`
    /// until `until` (Unix seconds), for [`take_app`](Self::take_app).
    pub fn hold_app(&self, signature: &str, app: crate::db::clients::KnownClient, until: i64) {
        self.pending
            .hold(signature, app, until, self.now().timestamp());
    }

    /// The description held for the consent form signed `signature`, if still there
    /// (not after a restart, nor for a form that expired).
    pub fn take_app(&self, signature: &str) -> Option<crate::db::clients::KnownClient> {
        self.pending.take(signature, self.now().timestamp())
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

/// `d` as a chrono duration (lifetimes here are days, far from overflowing).
fn span(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}
