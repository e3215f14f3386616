//! The sign-in service's hold on the database: started sign-ins, sessions, the cached
//! author card and the owner's password hash. Handlers reach these rows only through here (as pages reach notes only
//! through `Notes`), so the SQL stays in `db::auth` and a future IndieAuth server can
//! keep its codes and tokens beside them.

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::db::auth::{self as q, AuthRequest, SessionRow};
use crate::db::credentials;

/// Sign-in rows: requests, sessions, author card, password hash.
#[derive(Clone, Debug)]
pub struct AuthStore {
    db: Db,
}

impl AuthStore {
    pub fn new(db: Db) -> Self {
        AuthStore { db }
    }

    /// Records a sign-in sent to the provider.
    pub async fn start_request(&self, r: &AuthRequest) -> sqlx::Result<()> {
        q::insert_request(&self.db, r).await
    }

    /// The started sign-in with this state hash, used or not.
    pub async fn request(&self, state_hash: &str) -> sqlx::Result<Option<AuthRequest>> {
        q::find_request(&self.db, state_hash).await
    }

    /// Marks a sign-in used; `false` when another callback used it first.
    pub async fn use_request(&self, state_hash: &str, at: DateTime<Utc>) -> sqlx::Result<bool> {
        q::use_request(&self.db, state_hash, at).await
    }

    /// Removes expired sessions and sign-ins started before `requests_before`.
    pub async fn purge(
        &self,
        at: DateTime<Utc>,
        requests_before: DateTime<Utc>,
    ) -> sqlx::Result<u64> {
        q::purge(&self.db, at, requests_before).await
    }

    /// Stores a new session.
    pub async fn start_session(&self, s: &SessionRow) -> sqlx::Result<()> {
        q::insert_session(&self.db, s).await
    }

    /// The live session with this token hash at `at`.
    pub async fn session(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> sqlx::Result<Option<SessionRow>> {
        q::find_session(&self.db, token_hash, at).await
    }

    /// Moves a session's expiry forward (sliding sessions).
    pub async fn slide_session(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> sqlx::Result<()> {
        q::slide_session(&self.db, token_hash, at, expires).await
    }

    /// Ends a session.
    pub async fn end_session(&self, token_hash: &str) -> sqlx::Result<()> {
        q::delete_session(&self.db, token_hash).await
    }

    /// The cached h-card of `me` (JSON) and when it was fetched.
    pub async fn card(&self, me: &str) -> sqlx::Result<Option<(String, DateTime<Utc>)>> {
        q::load_card(&self.db, me).await
    }

    /// Caches the h-card of `me`.
    pub async fn store_card(&self, me: &str, card: &str, at: DateTime<Utc>) -> sqlx::Result<()> {
        q::store_card(&self.db, me, card, at).await
    }

    /// The owner's password hash (a PHC string); `auth::password` is its only reader.
    pub async fn password_hash(&self) -> sqlx::Result<Option<String>> {
        credentials::load_password_hash(&self.db).await
    }

    /// Replaces the owner's password hash; `auth::password` is its only writer.
    pub async fn store_password_hash(&self, hash: &str, at: DateTime<Utc>) -> sqlx::Result<()> {
        credentials::store_password_hash(&self.db, hash, at).await
    }

    /// When the password was first set and last changed (`None`: never set).
    pub async fn password_times(&self) -> sqlx::Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
        credentials::password_times(&self.db).await
    }
}
