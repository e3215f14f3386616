//! Note queries. Times are bound as fixed-width RFC 3339 text (see `domain::time`).

use chrono::{DateTime, Utc};

use crate::domain::time::to_db;
use crate::domain::{ContentKind, Note, Slug, Status};

use super::{Db, Tx};

mod owner;
mod public;

pub use owner::{categories, list_all, list_all_after};
pub use public::{list_public, next_publication, public_stats};

/// A row of `notes` as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct NoteRow {
    pub id: i64,
    pub slug: String,
    pub title: Option<String>,
    pub content: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub properties: String,
    pub content_kind: String,
    pub name_given: bool,
}

impl NoteRow {
    /// The domain note (tags are attached by the caller, batch-loaded).
    pub fn into_note(self) -> Note {
        Note {
            id: self.id,
            slug: Slug::parse(&self.slug).unwrap_or_else(|_| Slug::from_time(self.created_at)),
            title: self.title,
            content: self.content,
            status: Status::parse(&self.status).unwrap_or(Status::Draft),
            created_at: self.created_at,
            published_at: self.published_at,
            updated_at: self.updated_at,
            deleted_at: self.deleted_at,
            properties: crate::domain::Properties::from_stored(&self.properties),
            content_kind: crate::domain::ContentKind::parse(&self.content_kind),
            name_given: self.name_given,
            tags: Vec::new(),
            photos: Vec::new(),
        }
    }
}

/// A position in the public timeline: notes strictly before/after it are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: i64,
}

impl Cursor {
    /// `{unix microseconds}.{id}`, as pages and Micropub hand it to clients.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.timestamp_micros(), self.id)
    }

    /// Reads [`Cursor::encode`]'s form; `None` for anything else.
    pub fn decode(s: &str) -> Option<Self> {
        let (t, id) = s.trim().split_once('.')?;
        let at = DateTime::from_timestamp_micros(t.parse().ok()?)?;
        Some(Cursor {
            at,
            id: id.parse().ok()?,
        })
    }
}

/// Which slice of the public timeline to list.
#[derive(Debug, Clone)]
pub enum Window {
    /// The newest notes, optionally skipping `offset` (legacy `?page=N`).
    Offset(u32),
    /// Notes older than the cursor.
    Before(Cursor),
    /// Notes newer than the cursor (returned newest first).
    After(Cursor),
}

/// Columns for a new note.
#[derive(Clone, Copy)]
pub struct NewRow<'a> {
    pub slug: &'a str,
    pub title: Option<&'a str>,
    pub content: &'a str,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub properties: &'a str,
    pub content_kind: ContentKind,
    /// What search indexes instead of the content (the text of an HTML note).
    pub search_text: Option<&'a str>,
    /// The title was given as a name, not read from a heading.
    pub name_given: bool,
}

/// The slugs that start with `prefix` and are `exact` or end in a digit: every slug
/// a `-n` variant of a base could collide with, in one statement. The range keeps the
/// UNIQUE index on `slug` usable (`~` sorts after every slug character).
pub async fn slugs_taken(
    db: &Db,
    tx: &mut Tx,
    prefix: &str,
    exact: &str,
) -> sqlx::Result<Vec<String>> {
    db.count(1);
    sqlx::query_scalar(
        "SELECT slug FROM notes WHERE slug >= ?1 AND slug < ?1 || '~' \
         AND (slug = ?2 OR substr(slug, -1) BETWEEN '0' AND '9')",
    )
    .bind(prefix)
    .bind(exact)
    .fetch_all(&mut **tx)
    .await
}

/// Whether a note (of any state) has exactly `slug`, as the transaction sees it.
pub async fn slug_taken(db: &Db, tx: &mut Tx, slug: &str) -> sqlx::Result<bool> {
    db.count(1);
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM notes WHERE slug = ?)")
        .bind(slug)
        .fetch_one(&mut **tx)
        .await
}

pub async fn insert(db: &Db, tx: &mut Tx, row: &NewRow<'_>) -> sqlx::Result<i64> {
    db.count(1);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notes (slug, title, content, status, created_at, published_at, updated_at, properties, content_kind, search_text, name_given) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(row.slug)
    .bind(row.title)
    .bind(row.content)
    .bind(row.status.as_str())
    .bind(to_db(row.created_at))
    .bind(row.published_at.map(to_db))
    .bind(to_db(row.updated_at))
    .bind(row.properties)
    .bind(row.content_kind.as_str())
    .bind(row.search_text)
    .bind(row.name_given)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Columns an update may change (the slug never changes).
pub struct UpdateRow<'a> {
    pub id: i64,
    pub title: Option<&'a str>,
    pub content: &'a str,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub properties: &'a str,
    pub content_kind: ContentKind,
    /// What search indexes instead of the content (the text of an HTML note).
    pub search_text: Option<&'a str>,
    /// The title was given as a name, not read from a heading.
    pub name_given: bool,
    /// The `updated_at` the change was computed from: another write in between
    /// makes the update touch nothing (optimistic concurrency).
    pub read_at: DateTime<Utc>,
}

/// Writes a changed note; `false` when the row changed since it was read (or was
/// deleted meanwhile: a deleted note is never changed).
pub async fn update(db: &Db, tx: &mut Tx, row: &UpdateRow<'_>) -> sqlx::Result<bool> {
    db.count(1);
    let done = sqlx::query(
        "UPDATE notes SET title = ?, content = ?, status = ?, published_at = ?, updated_at = ?, properties = ?, content_kind = ?, search_text = ?, name_given = ? \
         WHERE id = ? AND updated_at = ? AND deleted_at IS NULL",
    )
    .bind(row.title)
    .bind(row.content)
    .bind(row.status.as_str())
    .bind(row.published_at.map(to_db))
    .bind(to_db(row.updated_at))
    .bind(row.properties)
    .bind(row.content_kind.as_str())
    .bind(row.search_text)
    .bind(row.name_given)
    .bind(row.id)
    .bind(to_db(row.read_at))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets or clears `deleted_at` (soft delete / restore).
pub async fn set_deleted(
    db: &Db,
    tx: &mut Tx,
    id: i64,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("UPDATE notes SET deleted_at = ?, updated_at = ? WHERE id = ?")
        .bind(at.map(to_db))
        .bind(to_db(now))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks a note as changed now (e.g. its photos changed).
pub async fn touch(db: &Db, tx: &mut Tx, id: i64, at: DateTime<Utc>) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("UPDATE notes SET updated_at = ? WHERE id = ?")
        .bind(to_db(at))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes a note for good (its tags go with it through `ON DELETE CASCADE`).
pub async fn purge(db: &Db, tx: &mut Tx, id: i64) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("DELETE FROM notes WHERE id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn by_slug(db: &Db, slug: &str) -> sqlx::Result<Option<NoteRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT id, slug, title, content, status, created_at, published_at, updated_at, deleted_at, properties, content_kind, name_given \
         FROM notes WHERE slug = ?",
    )
    .bind(slug)
    .fetch_optional(db.pool())
    .await
}

pub async fn by_id(db: &Db, id: i64) -> sqlx::Result<Option<NoteRow>> {
    db.count(1);
    sqlx::query_as(
        "SELECT id, slug, title, content, status, created_at, published_at, updated_at, deleted_at, properties, content_kind, name_given \
         FROM notes WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
}
