//! Sign-in queries: pending IndieAuth requests, sessions, the cached author h-card.
//! Times are bound as fixed-width RFC 3339 text (see `domain::time`), so text
//! comparison is time comparison.

use chrono::{DateTime, Utc};

use crate::domain::time::to_db;

use super::Db;

/// A sign-in that was started: what the callback needs to finish it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthRequest {
    pub state_hash: String,
    pub browser_hash: String,
    pub verifier: String,
    /// `code`, or `id` for the legacy retry.
    pub response_type: String,
    pub endpoint: String,
    pub issuer: Option<String>,
    /// The callback must carry `iss` (RFC 9207).
    pub iss_required: bool,
    pub next: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Stores a started sign-in.
pub async fn insert_request(db: &Db, r: &AuthRequest) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query(
        "INSERT INTO auth_requests (state_hash, browser_hash, verifier, response_type, endpoint, issuer, iss_required, \
         next, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&r.state_hash)
    .bind(&r.browser_hash)
    .bind(&r.verifier)
    .bind(&r.response_type)
    .bind(&r.endpoint)
    .bind(&r.issuer)
    .bind(r.iss_required)
    .bind(&r.next)
    .bind(to_db(r.created_at))
    .bind(to_db(r.expires_at))
    .bind(r.used_at.map(to_db))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The sign-in started with this state (used or not).
pub async fn find_request(db: &Db, state_hash: &str) -> sqlx::Result<Option<AuthRequest>> {
    db.count(1);
    sqlx::query_as(
        "SELECT state_hash, browser_hash, verifier, response_type, endpoint, issuer, iss_required, next, created_at, \
         expires_at, used_at FROM auth_requests WHERE state_hash = ?",
    )
    .bind(state_hash)
    .fetch_optional(db.pool())
    .await
}

/// Marks a state used; `false` when another request used it first.
pub async fn use_request(db: &Db, state_hash: &str, now: DateTime<Utc>) -> sqlx::Result<bool> {
    db.count(1);
    let done = sqlx::query(
        "UPDATE auth_requests SET used_at = ? WHERE state_hash = ? AND used_at IS NULL",
    )
    .bind(to_db(now))
    .bind(state_hash)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes expired sessions, and sign-in requests that expired before `requests_before`
/// (kept a while so a late callback can be told "expired" rather than "unknown").
pub async fn purge(
    db: &Db,
    now: DateTime<Utc>,
    requests_before: DateTime<Utc>,
) -> sqlx::Result<u64> {
    db.count(2);
    let s = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
        .bind(to_db(now))
        .execute(db.pool())
        .await?;
    let r = sqlx::query("DELETE FROM auth_requests WHERE expires_at <= ?")
        .bind(to_db(requests_before))
        .execute(db.pool())
        .await?;
    Ok(s.rows_affected() + r.rows_affected())
}

/// A signed-in browser.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub me: String,
    pub created_at: DateTime<Utc>,
    pub refreshed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a new session.
pub async fn insert_session(db: &Db, s: &SessionRow) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("INSERT INTO sessions (token_hash, me, created_at, refreshed_at, expires_at) VALUES (?, ?, ?, ?, ?)")
        .bind(&s.token_hash)
        .bind(&s.me)
        .bind(to_db(s.created_at))
        .bind(to_db(s.refreshed_at))
        .bind(to_db(s.expires_at))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The unexpired session with this token hash.
pub async fn find_session(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<SessionRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT token_hash, me, created_at, refreshed_at, expires_at FROM sessions \
         WHERE token_hash = ? AND expires_at > ?",
    )
    .bind(token_hash)
    .bind(to_db(now))
    .fetch_optional(db.pool())
    .await
}

/// Slides a session's expiry forward.
pub async fn slide_session(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("UPDATE sessions SET refreshed_at = ?, expires_at = ? WHERE token_hash = ?")
        .bind(to_db(now))
        .bind(to_db(expires))
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Ends a session.
pub async fn delete_session(db: &Db, token_hash: &str) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Ends every session except the one stored as `keep` (after a credential changes,
/// so a session a thief holds dies while the owner stays signed in); how many ended.
pub async fn delete_sessions_except(db: &Db, keep: &str) -> sqlx::Result<u64> {
    db.count(1);
    let done = sqlx::query("DELETE FROM sessions WHERE token_hash <> ?")
        .bind(keep)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

/// The cached h-card JSON for `me` and when it was fetched.
pub async fn load_card(db: &Db, me: &str) -> sqlx::Result<Option<(String, DateTime<Utc>)>> {
    db.count(1);
    sqlx::query_as("SELECT card, fetched_at FROM author_cards WHERE me = ?")
        .bind(me)
        .fetch_optional(db.pool())
        .await
}

/// Stores (replaces) the h-card JSON for `me`.
pub async fn store_card(db: &Db, me: &str, card: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query(
        "INSERT INTO author_cards (me, card, fetched_at) VALUES (?, ?, ?) \
         ON CONFLICT (me) DO UPDATE SET card = excluded.card, fetched_at = excluded.fetched_at",
    )
    .bind(me)
    .bind(card)
    .bind(to_db(now))
    .execute(db.pool())
    .await?;
    Ok(())
}
