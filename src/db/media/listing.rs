//! Queries of the admin's media page: a page of stored images, the notes that use
//! them (batch-loaded), and deleting an image only while nothing uses it.
//!
//! "Used" means attached as a photo (`note_media`) or named in a note's text or kept
//! properties: a Micropub client that uploads to the media endpoint often puts the
//! URL into HTML content (`<img src>`) instead of a `photo` property, and the owner
//! pastes URLs from the media page into Markdown. Every URL of an image and of its
//! variants contains its UUID, so the UUID is what is looked for.

use super::{Db, MediaRow, Tx, ids_json};

/// A note that uses a stored image, as the media page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MediaUseRow {
    pub media_id: i64,
    pub note_id: i64,
    pub slug: String,
    pub title: Option<String>,
    /// The start of the note's content (enough for a label).
    pub excerpt: String,
    pub status: String,
    pub deleted: bool,
    /// Attached as a photo (rather than only named in the text).
    pub attached: bool,
}

/// A page of stored images, newest first.
pub async fn page(db: &Db, limit: u32, offset: u32) -> sqlx::Result<Vec<MediaRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT id, uuid, path, mime, source_mime, width, height, bytes, animated, original_name, created_at \
         FROM media ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
    )
    .bind(i64::from(limit))
    .bind(i64::from(offset))
    .fetch_all(db.pool())
    .await
}

/// How many images are stored.
pub async fn count(db: &Db) -> sqlx::Result<i64> {
    db.count(1);
    sqlx::query_scalar("SELECT count(*) FROM media")
        .fetch_one(db.pool())
        .await
}

/// The notes (drafts and deleted ones included) that use each image of `ids`, in one
/// query, ordered by image then newest note first.
pub async fn uses(db: &Db, ids: &[i64]) -> sqlx::Result<Vec<MediaUseRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    db.count(1);
    sqlx::query_as(
        "SELECT u.media_id, n.id AS note_id, n.slug, n.title, substr(n.content, 1, 400) AS excerpt, \
                n.status, n.deleted_at IS NOT NULL AS deleted, max(u.attached) AS attached \
         FROM ( \
           SELECT media_id, note_id, 1 AS attached FROM note_media \
            WHERE media_id IN (SELECT value FROM json_each(?1)) \
           UNION ALL \
           SELECT m.id, t.id, 0 FROM media m \
             JOIN notes t ON instr(t.content, m.uuid) > 0 OR instr(t.properties, m.uuid) > 0 \
            WHERE m.id IN (SELECT value FROM json_each(?1)) \
         ) u JOIN notes n ON n.id = u.note_id \
         GROUP BY u.media_id, n.id \
         ORDER BY u.media_id, n.id DESC",
    )
    .bind(ids_json(ids))
    .fetch_all(db.pool())
    .await
}

/// Deletes the media row `id` (its variants go by CASCADE) only if no note uses it and
/// it is not the owner's profile photo, checked in the same statement so a note
/// written meanwhile cannot lose its image.
/// Returns whether the row was deleted.
pub async fn delete_unused(db: &Db, tx: &mut Tx, id: i64, uuid: &str) -> sqlx::Result<bool> {
    db.count(1);
    let done = sqlx::query(
        "DELETE FROM media WHERE id = ?1 \
         AND NOT EXISTS (SELECT 1 FROM note_media WHERE media_id = ?1) \
         AND NOT EXISTS (SELECT 1 FROM notes \
                          WHERE instr(content, ?2) > 0 OR instr(properties, ?2) > 0) \
         AND NOT EXISTS (SELECT 1 FROM owner_profile WHERE instr(coalesce(photo, ''), ?2) > 0)",
    )
    .bind(id)
    .bind(uuid)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
