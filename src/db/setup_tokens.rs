//! First-run set-up tokens (migration 0012): stored as hashes, single-use, expiring.

use chrono::{DateTime, Utc};

use crate::domain::time::to_db;

use super::{Db, Tx};

/// Stores a new token hash, good until `expires_at`.
pub async fn insert(
    db: &Db,
    token_hash: &str,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)")
        .bind(token_hash)
        .bind(to_db(at))
        .bind(to_db(expires_at))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Whether the token is unused and unexpired at `at`, and the owner still has no
/// credential (once one exists, set-up is closed whatever the token).
pub async fn is_open(db: &Db, token_hash: &str, at: DateTime<Utc>) -> sqlx::Result<bool> {
    db.count(1);
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?) \
         AND NOT EXISTS (SELECT 1 FROM owner_password) AND NOT EXISTS (SELECT 1 FROM passkeys)",
    )
    .bind(token_hash)
    .bind(to_db(at))
    .fetch_one(db.pool())
    .await
}

/// Spends the token if [`is_open`] holds, in one statement (two tabs cannot both spend
/// it); `false` when it was not open. It runs inside `tx`, the transaction that also
/// stores the new credential: the link is spent exactly when a credential is stored.
pub async fn spend(
    db: &Db,
    tx: &mut Tx,
    token_hash: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    db.count(1);
    let at = to_db(at);
    let done = sqlx::query(
        "UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? \
         AND NOT EXISTS (SELECT 1 FROM owner_password) AND NOT EXISTS (SELECT 1 FROM passkeys)",
    )
    .bind(&at)
    .bind(token_hash)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
