//! What the public sees: published notes, not deleted, whose publication time has
//! come. `now` is bound by the caller (the time of the request), so a scheduled note
//! appears on its own, and `published_at <= now` is a range on the partial index
//! `notes_public` (published, not deleted, by `published_at DESC, id DESC`).

use chrono::{DateTime, Utc};

use super::{NoteRow, Window};
use crate::db::Db;
use crate::domain::time::to_db;

/// Public notes, optionally only those tagged `tag`, newest first. Fetches up to
/// `limit` rows.
pub async fn list_public(
    db: &Db,
    tag: Option<&str>,
    window: &Window,
    limit: u32,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<NoteRow>> {
    db.count(1);
    let now = to_db(now);
    let mut rows: Vec<NoteRow> = match window {
        Window::Offset(offset) => sqlx::query_as(
            "SELECT id, slug, title, content, status, created_at, published_at, updated_at, deleted_at, properties, content_kind, name_given \
             FROM notes WHERE status = 'published' AND deleted_at IS NULL AND published_at <= ?4 \
             AND (?1 IS NULL OR id IN (SELECT nt.note_id FROM note_tags nt JOIN tags t ON t.id = nt.tag_id WHERE t.name = ?1)) \
             ORDER BY published_at DESC, id DESC LIMIT ?2 OFFSET ?3",
        )
        .bind(tag)
        .bind(limit as i64)
        .bind(*offset as i64)
        .bind(now)
        .fetch_all(db.pool())
        .await?,
        Window::Before(c) => sqlx::query_as(
            "SELECT id, slug, title, content, status, created_at, published_at, updated_at, deleted_at, properties, content_kind, name_given \
             FROM notes WHERE status = 'published' AND deleted_at IS NULL AND published_at <= ?5 \
             AND (?1 IS NULL OR id IN (SELECT nt.note_id FROM note_tags nt JOIN tags t ON t.id = nt.tag_id WHERE t.name = ?1)) \
             AND (published_at < ?3 OR (published_at = ?3 AND id < ?4)) \
             ORDER BY published_at DESC, id DESC LIMIT ?2",
        )
        .bind(tag)
        .bind(limit as i64)
        .bind(to_db(c.at))
        .bind(c.id)
        .bind(now)
        .fetch_all(db.pool())
        .await?,
        Window::After(c) => sqlx::query_as(
            "SELECT id, slug, title, content, status, created_at, published_at, updated_at, deleted_at, properties, content_kind, name_given \
             FROM notes WHERE status = 'published' AND deleted_at IS NULL AND published_at <= ?5 \
             AND (?1 IS NULL OR id IN (SELECT nt.note_id FROM note_tags nt JOIN tags t ON t.id = nt.tag_id WHERE t.name = ?1)) \
             AND (published_at > ?3 OR (published_at = ?3 AND id > ?4)) \
             ORDER BY published_at ASC, id ASC LIMIT ?2",
        )
        .bind(tag)
        .bind(limit as i64)
        .bind(to_db(c.at))
        .bind(c.id)
        .bind(now)
        .fetch_all(db.pool())
        .await?,
    };
    if matches!(window, Window::After(_)) {
        rows.reverse();
    }
    Ok(rows)
}

/// Number of public notes and their latest change. A note's change counts from its
/// publication at the earliest: a scheduled note edited before its time appears
/// later than its edit, and a feed's `Last-Modified` must move when it does.
pub async fn public_stats(
    db: &Db,
    now: DateTime<Utc>,
) -> sqlx::Result<(i64, Option<DateTime<Utc>>)> {
    db.count(1);
    sqlx::query_as(
        "SELECT count(*), max(max(updated_at, published_at)) FROM notes \
         WHERE status = 'published' AND deleted_at IS NULL AND published_at <= ?",
    )
    .bind(to_db(now))
    .fetch_one(db.pool())
    .await
}

/// The earliest publication after `now` (a scheduled note), from the same index.
pub async fn next_publication(db: &Db, now: DateTime<Utc>) -> sqlx::Result<Option<DateTime<Utc>>> {
    db.count(1);
    sqlx::query_scalar(
        "SELECT min(published_at) FROM notes \
         WHERE status = 'published' AND deleted_at IS NULL AND published_at > ?",
    )
    .bind(to_db(now))
    .fetch_one(db.pool())
    .await
}

/// Which index a statement uses, for the tests below.
#[cfg(test)]
async fn plan(db: &Db, sql: &'static str) -> String {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(sql)
        .bind("2026-01-01T00:00:00.000000Z")
        .fetch_all(db.pool())
        .await
        .unwrap();
    rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_time_filters_use_the_public_index() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).await.unwrap();
        let next = plan(
            &db,
            "EXPLAIN QUERY PLAN SELECT min(published_at) FROM notes \
             WHERE status = 'published' AND deleted_at IS NULL AND published_at > ?",
        )
        .await;
        assert!(next.contains("notes_public"), "{next}");
        let list = plan(
            &db,
            "EXPLAIN QUERY PLAN SELECT id FROM notes WHERE status = 'published' AND deleted_at IS NULL \
             AND published_at <= ?1 ORDER BY published_at DESC, id DESC LIMIT 10",
        )
        .await;
        assert!(list.contains("notes_public"), "{list}");
        assert!(!list.contains("TEMP B-TREE"), "{list}");
    }
}
