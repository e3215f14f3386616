//! Media queries: stored images, their variants, and the photos attached to notes.
//! Lists are batch-loaded (`json_each`) so a page costs a fixed number of queries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::media::{Media, Variant, VariantName};
use crate::domain::time::to_db;

use super::{Db, Tx};

mod listing;
pub use listing::{MediaUseRow, count, delete_unused, page, uses};

/// A row of `media` as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MediaRow {
    pub id: i64,
    pub uuid: String,
    pub path: String,
    pub mime: String,
    pub source_mime: String,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
    pub animated: bool,
    pub original_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A row of `media_variants` as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VariantRow {
    pub media_id: i64,
    pub name: String,
    pub path: String,
    pub mime: String,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
}

/// Columns for a new `media` row.
#[derive(Debug)]
pub struct NewMedia<'a> {
    pub uuid: &'a str,
    pub path: &'a str,
    pub mime: &'a str,
    pub source_mime: &'a str,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub animated: bool,
    pub original_name: Option<&'a str>,
    pub created_at: DateTime<Utc>,
}

/// Columns for a new `media_variants` row.
#[derive(Debug)]
pub struct NewVariant<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub mime: &'a str,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// A photo of a note: the attachment row joined with its media row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteMediaRow {
    pub note_id: i64,
    pub position: i64,
    pub caption: Option<String>,
    #[sqlx(flatten)]
    pub media: MediaRow,
}

const MEDIA_COLUMNS_BY_ID: &str = "SELECT id, uuid, path, mime, source_mime, width, height, bytes, animated, \
     original_name, created_at FROM media WHERE id = ?";

/// Inserts a media row and returns its id.
pub async fn insert(db: &Db, tx: &mut Tx, row: &NewMedia<'_>) -> sqlx::Result<i64> {
    db.count(1);
    sqlx::query_scalar(
        "INSERT INTO media (uuid, path, mime, source_mime, width, height, bytes, animated, original_name, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(row.uuid)
    .bind(row.path)
    .bind(row.mime)
    .bind(row.source_mime)
    .bind(i64::from(row.width))
    .bind(i64::from(row.height))
    .bind(i64::try_from(row.bytes).unwrap_or(i64::MAX))
    .bind(row.animated)
    .bind(row.original_name)
    .bind(to_db(row.created_at))
    .fetch_one(&mut **tx)
    .await
}

/// Inserts one variant row of `media_id`.
pub async fn insert_variant(
    db: &Db,
    tx: &mut Tx,
    media_id: i64,
    row: &NewVariant<'_>,
) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query(
        "INSERT INTO media_variants (media_id, name, path, mime, width, height, bytes) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(media_id)
    .bind(row.name)
    .bind(row.path)
    .bind(row.mime)
    .bind(i64::from(row.width))
    .bind(i64::from(row.height))
    .bind(i64::try_from(row.bytes).unwrap_or(i64::MAX))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One media row by id.
pub async fn by_id(db: &Db, id: i64) -> sqlx::Result<Option<MediaRow>> {
    db.count(1);
    sqlx::query_as(MEDIA_COLUMNS_BY_ID)
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// The newest media row (the media endpoint's `q=last`).
pub async fn latest(db: &Db) -> sqlx::Result<Option<MediaRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT id, uuid, path, mime, source_mime, width, height, bytes, animated, \
         original_name, created_at FROM media ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await
}

/// The media row a stored file belongs to: the image itself or one of its variants
/// (`path` relative to the media folder, as stored).
pub async fn id_by_path(db: &Db, path: &str) -> sqlx::Result<Option<i64>> {
    db.count(1);
    sqlx::query_scalar(
        "SELECT id FROM media WHERE path = ?1 \
         UNION ALL SELECT media_id FROM media_variants WHERE path = ?1 LIMIT 1",
    )
    .bind(path)
    .fetch_optional(db.pool())
    .await
}

/// The media rows of `ids`, in one query, in no particular order.
pub async fn by_ids(db: &Db, ids: &[i64]) -> sqlx::Result<Vec<MediaRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    db.count(1);
    sqlx::query_as(
        "SELECT id, uuid, path, mime, source_mime, width, height, bytes, animated, original_name, created_at \
         FROM media WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids_json(ids))
    .fetch_all(db.pool())
    .await
}

/// The variants of every media row in `ids`, in one query, keyed by media id and
/// ordered from the narrowest.
pub async fn variants_for(db: &Db, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<VariantRow>>> {
    let mut out: HashMap<i64, Vec<VariantRow>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    db.count(1);
    let rows: Vec<VariantRow> = sqlx::query_as(
        "SELECT media_id, name, path, mime, width, height, bytes FROM media_variants \
         WHERE media_id IN (SELECT value FROM json_each(?)) ORDER BY media_id, width, name",
    )
    .bind(ids_json(ids))
    .fetch_all(db.pool())
    .await?;
    for row in rows {
        out.entry(row.media_id).or_default().push(row);
    }
    Ok(out)
}

/// Every file path the store names (originals and variants), for start-up recovery.
pub async fn all_paths(db: &Db) -> sqlx::Result<Vec<String>> {
    db.count(1);
    sqlx::query_scalar("SELECT path FROM media UNION ALL SELECT path FROM media_variants")
        .fetch_all(db.pool())
        .await
}

/// Which of `uuids` have a media row (an interrupted save left none).
pub async fn existing_uuids(db: &Db, uuids: &[String]) -> sqlx::Result<Vec<String>> {
    if uuids.is_empty() {
        return Ok(Vec::new());
    }
    db.count(1);
    let json = serde_json::to_string(uuids).unwrap_or_else(|_| "[]".into());
    sqlx::query_scalar("SELECT uuid FROM media WHERE uuid IN (SELECT value FROM json_each(?))")
        .bind(json)
        .fetch_all(db.pool())
        .await
}

/// Replaces the photos of `note_id` with `photos` (media id, caption), in order.
/// Callers keep `photos` to at most four; the table refuses a fifth position.
pub async fn set_for_note(
    db: &Db,
    tx: &mut Tx,
    note_id: i64,
    photos: &[(i64, Option<&str>)],
) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("DELETE FROM note_media WHERE note_id = ?")
        .bind(note_id)
        .execute(&mut **tx)
        .await?;
    for (pos, (media_id, caption)) in photos.iter().enumerate() {
        db.count(1);
        sqlx::query(
            "INSERT INTO note_media (note_id, media_id, position, caption) VALUES (?, ?, ?, ?)",
        )
        .bind(note_id)
        .bind(media_id)
        .bind(pos as i64)
        .bind(caption)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The photos of every note in `ids`, in one query, keyed by note id and in order.
pub async fn for_notes(db: &Db, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<NoteMediaRow>>> {
    let mut out: HashMap<i64, Vec<NoteMediaRow>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    db.count(1);
    let rows: Vec<NoteMediaRow> = sqlx::query_as(
        "SELECT nm.note_id, nm.position, nm.caption, m.id, m.uuid, m.path, m.mime, m.source_mime, \
         m.width, m.height, m.bytes, m.animated, m.original_name, m.created_at \
         FROM note_media nm JOIN media m ON m.id = nm.media_id \
         WHERE nm.note_id IN (SELECT value FROM json_each(?)) ORDER BY nm.note_id, nm.position",
    )
    .bind(ids_json(ids))
    .fetch_all(db.pool())
    .await?;
    for row in rows {
        out.entry(row.note_id).or_default().push(row);
    }
    Ok(out)
}

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

/// Deletes a media row (its variants go by CASCADE). Refused by the database while a
/// note still shows it.
pub async fn delete(db: &Db, tx: &mut Tx, id: i64) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("DELETE FROM media WHERE id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Which of `ids` some note still shows.
pub async fn attached(db: &Db, tx: &mut Tx, ids: &[i64]) -> sqlx::Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    db.count(1);
    sqlx::query_scalar("SELECT DISTINCT media_id FROM note_media WHERE media_id IN (SELECT value FROM json_each(?))")
        .bind(ids_json(ids))
        .fetch_all(&mut **tx)
        .await
}

impl MediaRow {
    /// The domain model (`variants` may come in any order).
    pub fn into_media(self, variants: Vec<VariantRow>) -> Media {
        let row = self;
        let mut variants: Vec<Variant> = variants
            .into_iter()
            .filter_map(|v| {
                Some(Variant {
                    name: VariantName::parse(&v.name)?,
                    path: v.path,
                    mime: v.mime,
                    width: to_u32(v.width),
                    height: to_u32(v.height),
                    bytes: u64::try_from(v.bytes).unwrap_or(0),
                })
            })
            .collect();
        variants.sort_by_key(|v| v.name.width());
        Media {
            id: row.id,
            uuid: row.uuid,
            path: row.path,
            mime: row.mime,
            source_mime: row.source_mime,
            width: to_u32(row.width),
            height: to_u32(row.height),
            bytes: u64::try_from(row.bytes).unwrap_or(0),
            animated: row.animated,
            original_name: row.original_name,
            created_at: row.created_at,
            variants,
        }
    }
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}
