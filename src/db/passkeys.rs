//! The owner's passkeys: one row per registered credential, its webauthn-rs `Passkey`
//! stored whole as JSON (see migration 0008), and the owner's WebAuthn user handle.

use chrono::{DateTime, Utc};

use crate::domain::time::to_db;

use super::{Db, Tx};

/// A stored passkey.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasskeyRow {
    /// The credential id, base64url.
    pub id: String,
    /// The owner's label.
    pub name: String,
    /// JSON of the webauthn-rs `Passkey`.
    pub credential: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Every passkey, oldest first.
pub async fn list(db: &Db) -> sqlx::Result<Vec<PasskeyRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT id, name, credential, created_at, last_used_at FROM passkeys ORDER BY created_at, id",
    )
    .fetch_all(db.pool())
    .await
}

/// How many passkeys there are.
pub async fn count(db: &Db) -> sqlx::Result<i64> {
    db.count(1);
    sqlx::query_scalar("SELECT count(*) FROM passkeys")
        .fetch_one(db.pool())
        .await
}

/// One passkey by credential id.
pub async fn find(db: &Db, id: &str) -> sqlx::Result<Option<PasskeyRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT id, name, credential, created_at, last_used_at FROM passkeys WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
}

const INSERT: &str = "INSERT INTO passkeys (id, name, credential, created_at) VALUES (?, ?, ?, ?) \
     ON CONFLICT (id) DO NOTHING";

/// Stores a newly registered passkey; `false` when one with this id already exists.
/// Goes through the writer, like every write.
pub async fn insert(
    db: &Db,
    id: &str,
    name: &str,
    credential: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let done = insert_in(db, &mut tx, id, name, credential, at).await?;
    tx.commit().await?;
    Ok(done)
}

/// [`insert`] inside `tx` (the first-run set-up spends its link in the same
/// transaction).
pub async fn insert_in(
    db: &Db,
    tx: &mut Tx,
    id: &str,
    name: &str,
    credential: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    db.count(1);
    let done = sqlx::query(INSERT)
        .bind(id)
        .bind(name)
        .bind(credential)
        .bind(to_db(at))
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a sign-in with a passkey: its updated credential (counter) and the time.
pub async fn record_use(
    db: &Db,
    id: &str,
    credential: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("UPDATE passkeys SET credential = ?, last_used_at = ? WHERE id = ?")
        .bind(credential)
        .bind(to_db(at))
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Renames a passkey; `false` when there is none with this id.
pub async fn rename(db: &Db, id: &str, name: &str) -> sqlx::Result<bool> {
    db.count(1);
    let done = sqlx::query("UPDATE passkeys SET name = ? WHERE id = ?")
        .bind(name)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a passkey unless it is the owner's last credential (no other passkey and no
/// password): the check and the delete are one statement, so two removals at once
/// cannot both pass it. `false` when nothing was removed.
pub async fn remove_unless_last(db: &Db, id: &str) -> sqlx::Result<bool> {
    db.count(1);
    let done = sqlx::query(
        "DELETE FROM passkeys WHERE id = ? AND \
         ((SELECT count(*) FROM passkeys) > 1 OR EXISTS (SELECT 1 FROM owner_password))",
    )
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the owner has any credential at all: a password or a passkey.
pub async fn has_credential(db: &Db) -> sqlx::Result<bool> {
    db.count(1);
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM owner_password) OR EXISTS (SELECT 1 FROM passkeys)",
    )
    .fetch_one(db.pool())
    .await
}

/// The owner's WebAuthn user handle, made (from `fresh`) the first time it is asked for.
pub async fn user_handle(db: &Db, fresh: &str) -> sqlx::Result<String> {
    db.count(2);
    sqlx::query(
        "INSERT INTO owner_webauthn (id, user_id) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(fresh)
    .execute(db.pool())
    .await?;
    sqlx::query_scalar("SELECT user_id FROM owner_webauthn WHERE id = 1")
        .fetch_one(db.pool())
        .await
}
