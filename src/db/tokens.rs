//! The SQL of the blog's own IndieAuth server: authorization codes and issued tokens
//! (migration 0009). Only SHA-256 hashes of codes and tokens reach these functions.
//! Statements that must see a consistent row run inside a write transaction ([`Tx`]).

use chrono::{DateTime, Utc};

use super::{Db, Tx};
use crate::domain::time::to_db;

/// An authorization code as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    pub code_hash: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub scope: String,
    pub me: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Stores a new code.
pub async fn insert_code(db: &Db, c: &CodeRow) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query(
        "INSERT INTO auth_codes (code_hash, client_id, redirect_uri, code_challenge, scope, me, \
         created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&c.code_hash)
    .bind(&c.client_id)
    .bind(&c.redirect_uri)
    .bind(&c.code_challenge)
    .bind(&c.scope)
    .bind(&c.me)
    .bind(to_db(c.created_at))
    .bind(to_db(c.expires_at))
    .bind(c.used_at.map(to_db))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The code with this hash, used or not.
pub async fn find_code(db: &Db, tx: &mut Tx, code_hash: &str) -> sqlx::Result<Option<CodeRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT code_hash, client_id, redirect_uri, code_challenge, scope, me, created_at, \
         expires_at, used_at FROM auth_codes WHERE code_hash = ?",
    )
    .bind(code_hash)
    .fetch_optional(&mut **tx)
    .await
}

/// Marks a code used; `false` when it already was.
pub async fn use_code(
    db: &Db,
    tx: &mut Tx,
    code_hash: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    db.count(1);
    let done =
        sqlx::query("UPDATE auth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL")
            .bind(to_db(at))
            .bind(code_hash)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// A used code came back: remembers it, and revokes every live token of its grant.
/// Returns how many tokens were revoked.
pub async fn reuse_code(
    db: &Db,
    tx: &mut Tx,
    code_hash: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<u64> {
    db.count(2);
    sqlx::query("UPDATE auth_codes SET reused_at = coalesce(reused_at, ?) WHERE code_hash = ?")
        .bind(to_db(at))
        .bind(code_hash)
        .execute(&mut **tx)
        .await?;
    let done = sqlx::query(
        "UPDATE issued_tokens SET revoked_at = ? WHERE from_code = ? AND revoked_at IS NULL",
    )
    .bind(to_db(at))
    .bind(code_hash)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// Whether a redeemed code may no longer get tokens: it was seen a second time, it
/// already got its tokens, or it is gone (purged).
pub async fn code_spent(db: &Db, tx: &mut Tx, code_hash: &str) -> sqlx::Result<bool> {
    db.count(1);
    let spent: Option<bool> = sqlx::query_scalar(
        "SELECT reused_at IS NOT NULL OR EXISTS (SELECT 1 FROM issued_tokens WHERE from_code = ?1) \
         FROM auth_codes WHERE code_hash = ?1",
    )
    .bind(code_hash)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(spent.unwrap_or(true))
}

/// Deletes codes that expired before `codes_before` and tokens revoked or expired
/// before `tokens_before`; returns how many rows went.
pub async fn purge(
    db: &Db,
    codes_before: DateTime<Utc>,
    tokens_before: DateTime<Utc>,
) -> sqlx::Result<u64> {
    db.count(2);
    let c = sqlx::query("DELETE FROM auth_codes WHERE expires_at <= ?")
        .bind(to_db(codes_before))
        .execute(db.pool())
        .await?;
    let t = sqlx::query("DELETE FROM issued_tokens WHERE revoked_at <= ?1 OR expires_at <= ?1")
        .bind(to_db(tokens_before))
        .execute(db.pool())
        .await?;
    Ok(c.rows_affected() + t.rows_affected())
}

/// An issued access or refresh token as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub token_hash: String,
    /// `access` or `refresh`.
    pub kind: String,
    pub client_id: String,
    pub scope: String,
    pub me: String,
    pub from_code: String,
    pub granted_at: DateTime<Utc>,
    pub lifetime_s: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub replaced_by: Option<String>,
}

const TOKEN_COLUMNS: &str = "SELECT token_hash, kind, client_id, scope, me, from_code, granted_at, lifetime_s, \
     created_at, last_used_at, expires_at, revoked_at, replaced_by FROM issued_tokens WHERE token_hash = ?";

/// Stores a new token.
pub async fn insert_token(db: &Db, tx: &mut Tx, t: &TokenRow) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query(
        "INSERT INTO issued_tokens (token_hash, kind, client_id, scope, me, from_code, granted_at, \
         lifetime_s, created_at, last_used_at, expires_at, revoked_at, replaced_by) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&t.token_hash)
    .bind(&t.kind)
    .bind(&t.client_id)
    .bind(&t.scope)
    .bind(&t.me)
    .bind(&t.from_code)
    .bind(to_db(t.granted_at))
    .bind(t.lifetime_s)
    .bind(to_db(t.created_at))
    .bind(t.last_used_at.map(to_db))
    .bind(t.expires_at.map(to_db))
    .bind(t.revoked_at.map(to_db))
    .bind(&t.replaced_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The token with this hash, whatever its state (read outside a transaction).
pub async fn find_token(db: &Db, token_hash: &str) -> sqlx::Result<Option<TokenRow>> {
    db.count(1);
    sqlx::query_as(TOKEN_COLUMNS)
        .bind(token_hash)
        .fetch_optional(db.pool())
        .await
}

/// The token with this hash, read inside a write transaction.
pub async fn find_token_in(
    db: &Db,
    tx: &mut Tx,
    token_hash: &str,
) -> sqlx::Result<Option<TokenRow>> {
    db.count(1);
    sqlx::query_as(TOKEN_COLUMNS)
        .bind(token_hash)
        .fetch_optional(&mut **tx)
        .await
}

/// Revokes a live refresh token in favour of its successor; `false` if it was no longer live.
pub async fn rotate(
    db: &Db,
    tx: &mut Tx,
    token_hash: &str,
    successor: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    db.count(1);
    let done = sqlx::query(
        "UPDATE issued_tokens SET revoked_at = ?, replaced_by = ? WHERE token_hash = ? AND revoked_at IS NULL",
    )
    .bind(to_db(at))
    .bind(successor)
    .bind(token_hash)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every live token of a grant (the grant named by its code hash).
pub async fn revoke_grant(
    db: &Db,
    tx: &mut Tx,
    from_code: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<u64> {
    db.count(1);
    let done = sqlx::query(
        "UPDATE issued_tokens SET revoked_at = ? WHERE from_code = ? AND revoked_at IS NULL",
    )
    .bind(to_db(at))
    .bind(from_code)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// Revokes every live token of the grant that `token_hash` belongs to, in one
/// statement; 0 when the token is unknown.
pub async fn revoke_grant_of(db: &Db, token_hash: &str, at: DateTime<Utc>) -> sqlx::Result<u64> {
    db.count(1);
    let done = sqlx::query(
        "UPDATE issued_tokens SET revoked_at = ? WHERE revoked_at IS NULL \
         AND from_code = (SELECT from_code FROM issued_tokens WHERE token_hash = ?)",
    )
    .bind(to_db(at))
    .bind(token_hash)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}

/// Revokes every live token held by a client, and spends its unused codes so none
/// issued just before can be exchanged afterwards. Returns how many tokens were live.
pub async fn revoke_client(
    db: &Db,
    tx: &mut Tx,
    client_id: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<u64> {
    db.count(2);
    sqlx::query("UPDATE auth_codes SET used_at = ? WHERE client_id = ? AND used_at IS NULL")
        .bind(to_db(at))
        .bind(client_id)
        .execute(&mut **tx)
        .await?;
    let done = sqlx::query(
        "UPDATE issued_tokens SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL",
    )
    .bind(to_db(at))
    .bind(client_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// Records a use of a token, unless one was recorded since `unless_after`: at most
/// one write a minute however often a client posts.
pub async fn touch_token(
    db: &Db,
    token_hash: &str,
    at: DateTime<Utc>,
    unless_after: DateTime<Utc>,
) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query(
        "UPDATE issued_tokens SET last_used_at = ? WHERE token_hash = ? \
         AND (last_used_at IS NULL OR last_used_at <= ?)",
    )
    .bind(to_db(at))
    .bind(token_hash)
    .bind(to_db(unless_after))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// An app holding live tokens, as the admin's "Apps" page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AppRow {
    pub client_id: String,
    /// The scopes of its live tokens, space-separated (repeats possible).
    pub scopes: String,
    /// When the owner first approved one of its live grants.
    pub granted_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// When its last live token expires; `None`: one lives until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Every client with a live token at `at`, most recently approved first.
pub async fn list_apps(db: &Db, at: DateTime<Utc>) -> sqlx::Result<Vec<AppRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT client_id, group_concat(scope, ' ') AS scopes, min(granted_at) AS granted_at, \
         max(last_used_at) AS last_used_at, \
         CASE WHEN count(*) > count(expires_at) THEN NULL ELSE max(expires_at) END AS expires_at \
         FROM issued_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) \
         GROUP BY client_id ORDER BY max(granted_at) DESC, client_id",
    )
    .bind(to_db(at))
    .fetch_all(db.pool())
    .await
}
