//! The owner's listings: every live (or deleted) note, drafts and scheduled notes
//! included, and the tags in use (Micropub `q=source`, `q=category`).

use super::{Cursor, NoteRow};
use crate::db::Db;
use crate::domain::time::to_db;

/// Every note for the owner (drafts included), newest first; `deleted` picks the
/// deleted ones instead of the live ones.
pub async fn list_all(
    db: &Db,
    deleted: bool,
    limit: u32,
    offset: u32,
) -> sqlx::Result<Vec<NoteRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT id, slug, title, content, status, created_at, published_at, updated_at, deleted_at, properties, content_kind, name_given \
         FROM notes WHERE (deleted_at IS NOT NULL) = ?1 \
         ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3",
    )
    .bind(deleted)
    .bind(limit as i64)
    .bind(offset as i64)
    .fetch_all(db.pool())
    .await
}

/// Like [`list_all`], the notes created before `after` (`created_at`, `id`): a keyset
/// page that stays put while notes are added, on the `notes_created` index.
pub async fn list_all_after(
    db: &Db,
    deleted: bool,
    after: &Cursor,
    limit: u32,
) -> sqlx::Result<Vec<NoteRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT id, slug, title, content, status, created_at, published_at, updated_at, deleted_at, properties, content_kind, name_given \
         FROM notes WHERE (deleted_at IS NOT NULL) = ?1 \
         AND (created_at < ?3 OR (created_at = ?3 AND id < ?4)) \
         ORDER BY created_at DESC, id DESC LIMIT ?2",
    )
    .bind(deleted)
    .bind(limit as i64)
    .bind(to_db(after.at))
    .bind(after.id)
    .fetch_all(db.pool())
    .await
}

/// The display form of the tags that notes not deleted use, those containing
/// `filter` (already lower-cased) when given: names starting with it first, then the
/// most used, then alphabetical.
pub async fn categories(db: &Db, filter: Option<&str>, limit: u32) -> sqlx::Result<Vec<String>> {
    db.count(1);
    sqlx::query_scalar(
        "SELECT t.display FROM tags t \
         JOIN note_tags nt ON nt.tag_id = t.id JOIN notes n ON n.id = nt.note_id \
         WHERE n.deleted_at IS NULL AND (?1 IS NULL OR instr(t.name, ?1) > 0) \
         GROUP BY t.id \
         ORDER BY (?1 IS NOT NULL AND substr(t.name, 1, length(?1)) = ?1) DESC, count(*) DESC, t.name \
         LIMIT ?2",
    )
    .bind(filter)
    .bind(limit as i64)
    .fetch_all(db.pool())
    .await
}
