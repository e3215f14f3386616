//! Figures for the detailed health report.

use chrono::{DateTime, Utc};

use super::Db;
use crate::domain::time::to_db;

/// Counts of notes by state and the database's size. `published` counts what the
/// public sees; a published note whose time is still to come is `scheduled`.
#[derive(Debug, Clone, Copy, serde::Serialize, sqlx::FromRow)]
pub struct Stats {
    pub notes: i64,
    pub published: i64,
    pub scheduled: i64,
    pub drafts: i64,
    pub deleted: i64,
    pub database_bytes: i64,
}

/// One statement, whatever the number of notes; public as of `now`.
pub async fn stats(db: &Db, now: DateTime<Utc>) -> sqlx::Result<Stats> {
    db.count(1);
    sqlx::query_as(
        "SELECT count(*) AS notes, \
           coalesce(sum(status = 'published' AND deleted_at IS NULL AND published_at <= ?1), 0) AS published, \
           coalesce(sum(status = 'published' AND deleted_at IS NULL AND published_at > ?1), 0) AS scheduled, \
           coalesce(sum(status = 'draft' AND deleted_at IS NULL), 0) AS drafts, \
           coalesce(sum(deleted_at IS NOT NULL), 0) AS deleted, \
           (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()) AS database_bytes \
         FROM notes",
    )
    .bind(to_db(now))
    .fetch_one(db.pool())
    .await
}
