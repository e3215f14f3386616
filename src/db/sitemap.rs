//! What the sitemap needs of the public notes: their slugs and times, a page at a time.

use chrono::{DateTime, Utc};

use super::Db;
use crate::domain::time::to_db;

/// A public note as the sitemap lists it.
#[derive(Debug, sqlx::FromRow)]
pub struct SitemapRow {
    pub slug: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Public notes (published, not deleted, publication time come by `now`), oldest first
/// so that a page of the sitemap keeps its notes while new ones arrive at the end. One
/// statement.
pub async fn public_notes(
    db: &Db,
    offset: u64,
    limit: u64,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<SitemapRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT slug, published_at, updated_at FROM notes \
         WHERE status = 'published' AND deleted_at IS NULL AND published_at <= ?3 \
         ORDER BY published_at ASC, id ASC LIMIT ?1 OFFSET ?2",
    )
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .bind(to_db(now))
    .fetch_all(db.pool())
    .await
}
