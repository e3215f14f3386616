//! The notes domain API used by pages, the admin, Micropub, import and tests: create,
//! update, soft delete, restore, purge, get and list. Every write bumps the site's
//! [`Generation`], which invalidates cached pages and feeds at once.

use std::sync::Arc;

use crate::db::notes::{self as q, Cursor, NewRow};
use crate::db::{Db, media as media_q, tags};
use crate::domain::markdown::{self, split_title};
use crate::domain::slug::SlugError;
use crate::domain::time::now;
use crate::domain::{ContentKind, Note, NoteInput, Slug, Status};
use crate::generation::Generation;

mod batch;
mod listing;
mod lookup;
mod photos;
pub mod rules;
mod schedule;
mod slugs;
mod update;

pub use lookup::SearchResults;
pub use photos::SplitPhotos;
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
    /// Wakes the task that publishes scheduled notes on time.
    schedule: Arc<schedule::Scheduler>,
}

impl Notes {
    /// The service over `db`, bumping `generation` on every write; `site_url` is the
    /// public base URL notes are found by ([`Notes::by_url`]).
    pub fn new(db: Db, generation: Arc<Generation>, site_url: &str) -> Self {
        Notes {
            db,
            generation,
            site_url: Arc::from(site_url.trim_end_matches('/')),
            schedule: Arc::default(),
        }
    }

    /// Creates a note after checking it against [`rules`]. A custom slug is normalised
    /// and de-duplicated with `-2`, `-3`…; the default timestamp slug with `-1`, `-2`….
    pub async fn create(&self, input: NoteInput) -> Result<Note, NoteError> {
        let prepared = Prepared::new(&input, now())?;
        let new = prepared.note();
        let mut written = self.write_new(&new).await;
        // The UNIQUE constraint on slugs is the last guard: a writer that took the
        // chosen slug first (another process on the same file) costs one more try.
        if matches!(&written, Err(NoteError::Db(e)) if slugs::is_unique_violation(e)) {
            written = self.write_new(&new).await;
        }
        let (id, slug) = written?;
        self.generation.bump();
        self.scheduled(prepared.status, prepared.published_at);
        tracing::info!(note.slug = %slug, note.id = id, "note created");
        self.get(id).await?.ok_or(NoteError::NotFound)
    }

    /// One transaction of [`Notes::create`]: a free slug, the row, its tags and photos.
    async fn write_new(&self, new: &NewNote<'_>) -> Result<(i64, Slug), NoteError> {
        let mut tx = self.db.begin().await?;
        let slug = self.free_slug(&mut tx, new.base, new.first_suffix).await?;
        let id = self.insert_new(&mut tx, new, &slug).await?;
        tx.commit().await?;
        Ok((id, slug))
    }

    /// Writes `new` under `slug` inside `tx`: the row, its tags and its photos.
    async fn insert_new(
        &self,
        tx: &mut crate::db::Tx,
        new: &NewNote<'_>,
        slug: &Slug,
    ) -> Result<i64, NoteError> {
        let row = NewRow {
            slug: slug.as_str(),
            ..new.row
        };
        let id = q::insert(&self.db, tx, &row).await?;
        // A new note has no tags or photos to replace: only additions.
        tags::add_to_note(&self.db, tx, id, new.tags).await?;
        if let Some(photos) = new.photos.filter(|p| !p.is_empty()) {
            media_q::set_for_note(&self.db, tx, id, photos)
                .await
                .map_err(photos::photo_gone)?;
        }
        Ok(id)
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
        // Deleting twice or restoring a live note asks for what already is: no write,
        // no new `updated` time, no cache invalidation.
        if note.deleted_at.is_some() == deleted {
            return Ok(());
        }
        let t = changed_after(&note);
        let mut tx = self.db.begin().await?;
        q::set_deleted(&self.db, &mut tx, id, deleted.then_some(now()), t).await?;
        tx.commit().await?;
        self.generation.bump();
        if !deleted {
            self.scheduled(note.status, note.published_at);
        }
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

    /// Replaces a note's photos (attach, detach, reorder and re-caption in one step).
    pub async fn set_photos(
        &self,
        id: i64,
        photos: &[(i64, Option<String>)],
    ) -> Result<Note, NoteError> {
        let checked = check_photos(Some(photos))?.unwrap_or_default();
        let note = self.get(id).await?.ok_or(NoteError::NotFound)?;
        update::refuse_deleted(&note)?;
        let mut tx = self.db.begin().await?;
        media_q::set_for_note(&self.db, &mut tx, id, &checked)
            .await
            .map_err(photos::photo_gone)?;
        let t = changed_after(&note);
        q::touch(&self.db, &mut tx, id, t).await?;
        tx.commit().await?;
        self.generation.bump();
        self.get(id).await?.ok_or(NoteError::NotFound)
    }
}

/// Whether a writer gave a name (not blank).
fn given_name(name: Option<&str>) -> bool {
    name.is_some_and(|n| !n.trim().is_empty())
}

/// What search indexes for a note, when not its content as written: the text of
/// HTML, so its markup is never found.
fn search_text(content: &str, kind: ContentKind) -> Option<String> {
    (kind == ContentKind::Html).then(|| markdown::html_to_text(content))
}

/// What [`Notes::write_new`] writes: everything but the slug is decided beforehand.
struct NewNote<'a> {
    base: &'a Slug,
    first_suffix: u32,
    row: NewRow<'a>,
    tags: &'a [crate::domain::Tag],
    photos: Option<&'a [(i64, Option<&'a str>)]>,
}

/// A note checked against [`rules`], with everything but its slug decided.
struct Prepared<'a> {
    input: &'a NoteInput,
    content: String,
    title: Option<String>,
    properties: String,
    search_text: Option<String>,
    /// The custom slug, or the publication time's; variants get a suffix from
    /// `first_suffix` on.
    base: Slug,
    first_suffix: u32,
    status: Status,
    created: chrono::DateTime<chrono::Utc>,
    published_at: Option<chrono::DateTime<chrono::Utc>>,
    photos: Option<rules::PhotoRefs<'a>>,
}

impl<'a> Prepared<'a> {
    /// Checks `input` against the rules, as of `created`.
    fn new(
        input: &'a NoteInput,
        created: chrono::DateTime<chrono::Utc>,
    ) -> Result<Self, NoteError> {
        let content = clean_content(&input.content)?;
        let title = title_for(input.name.as_deref(), &content, input.content_kind)?;
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
        let (base, first_suffix) = match check_slug(input.slug.as_deref())? {
            Some(base) => (base, 2),
            None => (Slug::from_time(published_at.unwrap_or(created)), 1),
        };
        Ok(Prepared {
            input,
            search_text: search_text(&content, input.content_kind),
            properties: input.properties.to_json(),
            content,
            title,
            base,
            first_suffix,
            status,
            created,
            published_at,
            photos,
        })
    }

    /// What to write, the slug still to choose.
    fn note(&self) -> NewNote<'_> {
        NewNote {
            base: &self.base,
            first_suffix: self.first_suffix,
            row: NewRow {
                slug: "",
                title: self.title.as_deref(),
                content: &self.content,
                status: self.status,
                created_at: self.created,
                published_at: self.published_at,
                updated_at: created_updated(
                    self.published_at.unwrap_or(self.created),
                    self.input.updated_at,
                ),
                properties: &self.properties,
                content_kind: self.input.content_kind,
                search_text: self.search_text.as_deref(),
                name_given: given_name(self.input.name.as_deref()),
            },
            tags: &self.input.tags,
            photos: self.photos.as_deref(),
        }
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

/// `updated` of a change to `note` made now: after its last one, so that an update
/// computed from the note as it was read (see `notes::update`) never lands on top of
/// this change, and never before a publication still to come.
fn changed_after(note: &Note) -> chrono::DateTime<chrono::Utc> {
    schedule::changed_at(note.status, note.published_at)
        .max(note.updated_at + chrono::Duration::microseconds(1))
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
