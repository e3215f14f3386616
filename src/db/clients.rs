//! Apps as the consent page last saw them (name, address, logo), for the Apps page.

use chrono::{DateTime, Utc};

use crate::domain::time::to_db;

use super::Db;

/// One app's self-description.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KnownClient {
    pub client_id: String,
    pub name: Option<String>,
    pub url: Option<String>,
    /// Media type of `logo`.
    pub logo_type: Option<String>,
    pub logo: Option<Vec<u8>>,
}

/// Records (or refreshes) what `c.client_id` says about itself.
pub async fn remember(db: &Db, c: &KnownClient, now: DateTime<Utc>) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO known_clients (client_id, name, url, logo_type, logo, fetched_at) \
         VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, url = excluded.url, \
         logo_type = excluded.logo_type, logo = excluded.logo, fetched_at = excluded.fetched_at",
    )
    .bind(&c.client_id)
    .bind(&c.name)
    .bind(&c.url)
    .bind(&c.logo_type)
    .bind(&c.logo)
    .bind(to_db(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Every known app (one statement, whatever their number).
pub async fn all(db: &Db) -> sqlx::Result<Vec<KnownClient>> {
    db.count(1);
    sqlx::query_as("SELECT client_id, name, url, logo_type, logo FROM known_clients")
        .fetch_all(db.pool())
        .await
}
