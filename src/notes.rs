//! The notes domain API used by pages, the admin, Micropub, import and tests: create,
//! update, soft delete, restore, purge, get and list. Every write bumps the site's
//! [`Generation`], which invalidates cached pages and feeds at once.

use std::collections::HashMap;
use std::sync::Arc;

use crate::db::notes::{self as q, Cursor, NewRow, NoteRow, Window};
use crate::db::{Db, media as media_q, tags};
use crate::domain::markdown::{self, split_title};
use crate::domain::slug::SlugError;
use crate::domain::time::now;
use crate::domain::{ContentKind, Note, NoteInput, Photo, Slug, Status};
use crate::generation::Generation;

mod lookup;
pub mod rules;
mod update;

pub use lookup::SearchResults;
pub use rules::{MAX_CONTENT, MAX_NAME};
pub use update::{explicit_name, full_properties, slug_from_url};

use rules::{check_complete, check_photos, check_slug, clean_content, title_for};

/// Why a note could not be written or found.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error("{0}")]
    Invalid(String),
    #[error("no such note")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<SlugError> for NoteError {
    fn from(e: SlugError) -> Self {
        NoteError::Invalid(format!("Slug refused: {e}"))
    }
}

/// One page of the public timeline with cursors for the neighbouring pages.
#[derive(Debug)]
pub struct Page {
    pub notes: Vec<Note>,
    /// Cursor for the next older page, when there is one.
    pub older: Option<Cursor>,
    /// Cursor for the next newer page; `Some(None)` means "the first page".
    pub newer: Option<Option<Cursor>>,
}

/// Which of the owner's notes a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Drafts and published notes that are not deleted.
    Live,
    /// Soft-deleted notes (restorable).
    Deleted,
}

/// The notes service.
#[derive(Clone, Debug)]
pub struct Notes {
    db: Db,
    generation: Arc<Generation>,
    /// `SITE_URL`, to recognise the note URLs writers refer to.
    site_url: Arc<str>,
}

impl Notes {
    /// The service over `db`, bumping `generation` on every write; `site_url` is the
    /// public base URL notes are found by ([`Notes::by_url`]).
    pub fn new(db: Db, generation: Arc<Generation>, site_url: &str) -> Self {
        Notes {
            db,
            generation,
            site_url: Arc::from(site_url.trim_end_matches('/')),
        }
    }

    /// Creates a note after checking it against [`rules`]. A custom slug is normalised
    /// and de-duplicated with `-2`, `-3`…; the default timestamp slug with `-1`, `-2`….
    pub async fn create(&self, input: NoteInput) -> Result<Note, NoteError> {
        let content = clean_content(&input.content)?;
        let title = title_for(input.name.as_deref(), &content)?;
        let created = now();
        let status = input.status.unwrap_or(Status::Published);
        let published_at = match status {
            Status::Published => Some(input.published_at.unwrap_or(created)),
            Status::Draft => input.published_at,
        };
        let photos = check_photos(input.photos.as_deref())?;
        check_complete(
            &content,
            photos.as_ref().map_or(0, Vec::len),
            &input.properties,
        )?;
        let properties = input.properties.to_json();
        let custom = check_slug(input.slug.as_deref())?;

        let mut tx = self.db.begin().await?;
        let slug = match custom {
            Some(base) => self.free_slug(&mut tx, base, 2).await?,
            None => {
                self.free_slug(&mut tx, Slug::from_time(published_at.unwrap_or(created)), 1)
                    .await?
            }
        };
        let row = NewRow {
            slug: slug.as_str(),
            title: title.as_deref(),
            content: &content,
            status,
            created_at: created,
            published_at,
            updated_at: created_updated(published_at.unwrap_or(created), input.updated_at),
            properties: &properties,
            content_kind: input.content_kind,
        };
        let id = q::insert(&self.db, &mut tx, &row).await?;
        tags::set_for_note(&self.db, &mut tx, id, &input.tags).await?;
        if let Some(photos) = &photos {
            media_q::set_for_note(&self.db, &mut tx, id, photos).await?;
        }
        tx.commit().await?;
        self.generation.bump();
        tracing::info!(note.slug = %slug, note.id = id, "note created");
        self.get(id).await?.ok_or(NoteError::NotFound)
    }

    async fn free_slug(
        &self,
        tx: &mut crate::db::Tx,
        base: Slug,
        first_suffix: u32,
    ) -> Result<Slug, NoteError> {
        if !q::slug_taken(&self.db, tx, base.as_str()).await? {
            return Ok(base);
        }
        for n in first_suffix..first_suffix + 1000 {
            let candidate = base.with_suffix(n);
            if !q::slug_taken(&self.db, tx, candidate.as_str()).await? {
                return Ok(candidate);
            }
        }
        Err(NoteError::Invalid(format!(
            "the slug {base} and its variants are all taken"
        )))
    }

    /// Soft delete: the note answers 410 and leaves every listing; restorable.
    pub async fn delete(&self, id: i64) -> Result<(), NoteError> {
        self.set_deleted(id, true).await
    }

    /// Undoes a soft delete.
    pub async fn restore(&self, id: i64) -> Result<(), NoteError> {
        self.set_deleted(id, false).await
    }

    async fn set_deleted(&self, id: i64, deleted: bool) -> Result<(), NoteError> {
        let note = self.get(id).await?.ok_or(NoteError::NotFound)?;
        let t = now();
        let mut tx = self.db.begin().await?;
        q::set_deleted(&self.db, &mut tx, id, deleted.then_some(t), t).await?;
        tx.commit().await?;
        self.generation.bump();
        tracing::info!(note.slug = %note.slug, deleted, "note delete state changed");
        Ok(())
    }

    /// Removes a note for good. Returns the ids of its photos that no other note shows
    /// any more, for the caller to delete with `MediaStore::delete` (a soft delete keeps
    /// them; only a purge lets them go).
    pub async fn purge(&self, id: i64) -> Result<Vec<i64>, NoteError> {
        let photos: Vec<i64> = media_q::for_notes(&self.db, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.media.id)
            .collect();
        let mut tx = self.db.begin().await?;
        q::purge(&self.db, &mut tx, id).await?;
        let still_used = media_q::attached(&self.db, &mut tx, &photos).await?;
        tx.commit().await?;
        self.generation.bump();
        Ok(photos
            .into_iter()
            .filter(|m| !still_used.contains(m))
            .collect())
    }

    /// Any note by id (drafts and deleted included), with tags.
    pub async fn get(&self, id: i64) -> Result<Option<Note>, NoteError> {
        let row = q::by_id(&self.db, id).await?;
        Ok(self.with_tags(row.into_iter().collect()).await?.pop())
    }

    /// Any note by slug (drafts and deleted included: callers decide visibility).
    pub async fn by_slug(&self, slug: &Slug) -> Result<Option<Note>, NoteError> {
        let row = q::by_slug(&self.db, slug.as_str()).await?;
        Ok(self.with_tags(row.into_iter().collect()).await?.pop())
    }

    /// A page of public notes, optionally for one tag. Two queries whatever the size.
    pub async fn public_page(
        &self,
        tag: Option<&str>,
        window: Window,
        per_page: u32,
    ) -> Result<Page, NoteError> {
        let mut rows = q::list_public(&self.db, tag, &window, per_page + 1).await?;
        let more = rows.len() > per_page as usize;
        if more {
            match window {
                // newest-first lists drop the extra oldest row; an `After` list the extra newest
                Window::After(_) => {
                    rows.remove(0);
                }
                _ => {
                    rows.truncate(per_page as usize);
                }
            }
        }
        let notes = self.with_tags(rows).await?;
        let cursor = |n: &Note| Cursor {
            at: n.date(),
            id: n.id,
        };
        let (older, newer) = match &window {
            Window::Offset(0) => (more.then(|| notes.last().map(cursor)).flatten(), None),
            Window::Offset(_) => (
                more.then(|| notes.last().map(cursor)).flatten(),
                notes.first().map(|n| Some(cursor(n))),
            ),
            Window::Before(_) => (
                more.then(|| notes.last().map(cursor)).flatten(),
                Some(notes.first().map(cursor)),
            ),
            Window::After(_) => (
                notes.last().map(cursor),
                Some(if more {
                    notes.first().map(cursor)
                } else {
                    None
                }),
            ),
        };
        Ok(Page {
            notes,
            older,
            newer,
        })
    }

    /// Every note for the owner, drafts included: the live ones or the deleted ones.
    pub async fn all(
        &self,
        listing: Listing,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Note>, NoteError> {
        let deleted = listing == Listing::Deleted;
        let rows = q::list_all(&self.db, deleted, limit, offset).await?;
        self.with_tags(rows).await
    }

    /// Attaches tags and photos to rows with a fixed number of batch queries (tags,
    /// note photos, their variants) whatever the number of rows.
    pub async fn with_tags(&self, rows: Vec<NoteRow>) -> Result<Vec<Note>, NoteError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut tags: HashMap<i64, Vec<_>> = tags::for_notes(&self.db, &ids).await?;
        let mut photo_rows = media_q::for_notes(&self.db, &ids).await?;
        let media_ids: Vec<i64> = photo_rows.values().flatten().map(|p| p.media.id).collect();
        let mut variants = media_q::variants_for(&self.db, &media_ids).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let mut n = r.into_note();
                n.tags = tags.remove(&n.id).unwrap_or_default();
                n.photos = photo_rows
                    .remove(&n.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| {
                        let v = variants.remove(&p.media.id).unwrap_or_default();
                        Photo {
                            media: p.media.into_media(v),
                            caption: p.caption,
                        }
                    })
                    .collect();
                n
            })
            .collect())
    }

    /// Replaces a note's photos (attach, detach, reorder and re-caption in one step).
    pub async fn set_photos(
        &self,
        id: i64,
        photos: &[(i64, Option<String>)],
    ) -> Result<Note, NoteError> {
        let checked = check_photos(Some(photos))?.unwrap_or_default();
        self.get(id).await?.ok_or(NoteError::NotFound)?;
        let mut tx = self.db.begin().await?;
        media_q::set_for_note(&self.db, &mut tx, id, &checked).await?;
        q::touch(&self.db, &mut tx, id, now()).await?;
        tx.commit().await?;
        self.generation.bump();
        self.get(id).await?.ok_or(NoteError::NotFound)
    }
}

/// The note's HTML for pages and feeds, with URLs absolute against its permalink.
/// Markdown is rendered without the leading heading when that heading is the name;
/// HTML a client sent goes through the same sanitiser, so both kinds allow the same.
pub fn note_html(note: &Note, site_url: &str) -> String {
    let permalink = format!("{site_url}{}", note.path());
    let base = url::Url::parse(&permalink)
        .unwrap_or_else(|_| url::Url::parse("http://localhost/").expect("static URL parses"));
    if note.content_kind == ContentKind::Html {
        return markdown::render_html(&note.content, &base);
    }
    let split = split_title(&note.content);
    let md = match (&split.title, &note.title) {
        (Some(h), Some(t)) if h == t => split.body,
        _ => note.content.as_str(),
    };
    markdown::render(md, &base)
}

/// `updated` of a new note: the given time (import), never before `date` (a note cannot
/// change before it exists); without one, `date` itself — so an imported note does not
/// read "updated {the day of the import}".
fn created_updated(
    date: chrono::DateTime<chrono::Utc>,
    given: Option<chrono::DateTime<chrono::Utc>>,
) -> chrono::DateTime<chrono::Utc> {
    given.map_or(date, |u| u.max(date))
}
