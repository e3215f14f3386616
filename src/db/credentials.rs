//! The owner's credentials: the one password hash (and, later, passkeys). Times are
//! bound as fixed-width RFC 3339 text (see `domain::time`), like every other table.

use chrono::{DateTime, Utc};

use crate::domain::time::to_db;

use super::{Db, Tx};

/// The stored password hash (a PHC string), if one was set.
pub async fn load_password_hash(db: &Db) -> sqlx::Result<Option<String>> {
    db.count(1);
    sqlx::query_scalar("SELECT hash FROM owner_password WHERE id = 1")
        .fetch_optional(db.pool())
        .await
}

const STORE_PASSWORD: &str = "INSERT INTO owner_password (id, hash, created_at, changed_at) VALUES (1, ?, ?, ?) \
     ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, changed_at = excluded.changed_at";

/// Stores `hash` as the owner's password hash, replacing any earlier one; the first
/// set time is kept, the change time moves.
pub async fn store_password_hash(db: &Db, hash: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    // Through the writer, like every write.
    let mut tx = db.begin().await?;
    store_password_hash_in(db, &mut tx, hash, now).await?;
    tx.commit().await
}

/// [`store_password_hash`] inside `tx` (the first-run set-up spends its link in the
/// same transaction).
pub async fn store_password_hash_in(
    db: &Db,
    tx: &mut Tx,
    hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    db.count(1);
    let now = to_db(now);
    sqlx::query(STORE_PASSWORD)
        .bind(hash)
        .bind(&now)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// When the password was first set and last changed.
pub async fn password_times(db: &Db) -> sqlx::Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
    db.count(1);
    sqlx::query_as("SELECT created_at, changed_at FROM owner_password WHERE id = 1")
        .fetch_optional(db.pool())
        .await
}
