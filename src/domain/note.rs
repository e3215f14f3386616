//! A note as the rest of the program sees it.

use chrono::{DateTime, Utc};

use super::properties::{Patch, Properties};
use super::{Slug, Tag};

/// Draft or published. Drafts are only ever shown to the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Published,
}

impl Status {
    /// Parses `draft` / `published` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "draft" => Some(Status::Draft),
            "published" | "publish" => Some(Status::Published),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
        }
    }
}

/// What a note's content is written in. Both are rendered through the same sanitiser;
/// the kind decides whether the text is first read as Markdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ContentKind {
    /// Markdown: the admin editor, import, a Micropub string.
    #[default]
    Markdown,
    /// HTML as a Micropub client sent it (`{"html": …}`); returned the same way by
    /// `q=source` and edited as HTML in the admin.
    Html,
}

impl ContentKind {
    /// Reads the stored column (anything unknown is Markdown, the safe reading).
    pub fn parse(s: &str) -> Self {
        if s == "html" {
            ContentKind::Html
        } else {
            ContentKind::Markdown
        }
    }

    /// The stored column's value.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Markdown => "markdown",
            ContentKind::Html => "html",
        }
    }
}

/// A stored note with its tags.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub slug: Slug,
    /// Explicit name, or the leading `# Heading` of the content.
    pub title: Option<String>,
    /// The content exactly as written (Markdown, or HTML when `content_kind` says so).
    pub content: String,
    pub content_kind: ContentKind,
    /// The title was given as a name (Micropub `name`), not read from a heading.
    pub name_given: bool,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// The properties kept beyond the columns (responses, syndication, check-ins…).
    pub properties: Properties,
    pub tags: Vec<Tag>,
    /// Up to four photos, in order.
    pub photos: Vec<Photo>,
}

/// Most photos a note can carry.
pub const MAX_PHOTOS: usize = 4;

/// A photo attached to a note, with its caption (the alt text).
#[derive(Debug, Clone)]
pub struct Photo {
    pub media: super::media::Media,
    pub caption: Option<String>,
}

impl Photo {
    /// The alt text: the caption, or empty (decorative) when none was given.
    pub fn alt(&self) -> &str {
        self.caption.as_deref().unwrap_or("")
    }
}

impl Note {
    /// Visible on public pages, feeds and search now (see [`Note::is_public_at`]).
    pub fn is_public(&self) -> bool {
        self.is_public_at(Utc::now())
    }

    /// Visible to the public at `now`: published, not deleted, and its publication
    /// time come (a note published in the future is scheduled). The listings' SQL
    /// says the same: `status = 'published' AND deleted_at IS NULL AND published_at <= now`.
    pub fn is_public_at(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Published
            && self.deleted_at.is_none()
            && self.published_at.is_some_and(|p| p <= now)
    }

    /// Published with a publication time still to come at `now`.
    pub fn is_scheduled_at(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Published
            && self.deleted_at.is_none()
            && self.published_at.is_some_and(|p| p > now)
    }

    /// The time shown as the note's date: publication, else creation.
    pub fn date(&self) -> DateTime<Utc> {
        self.published_at.unwrap_or(self.created_at)
    }

    /// `/note/{slug}`.
    pub fn path(&self) -> String {
        format!("/note/{}", self.slug)
    }
}

/// What a writer (admin form, Micropub, import) supplies to create or update a note.
#[derive(Debug, Clone, Default)]
pub struct NoteInput {
    pub content: String,
    /// Markdown unless a writer sent HTML.
    pub content_kind: ContentKind,
    /// An explicit name (Micropub `name`); otherwise a leading heading is used.
    pub name: Option<String>,
    /// A requested custom slug (create only; ignored on update).
    pub slug: Option<String>,
    pub tags: Vec<Tag>,
    pub status: Option<Status>,
    /// Publication time to record (import, Micropub `published`); default now.
    pub published_at: Option<DateTime<Utc>>,
    /// Last change to record (import carries it over); on create the default is the
    /// publication time, since writing a note is not editing it.
    pub updated_at: Option<DateTime<Utc>>,
    /// Properties kept verbatim beyond content, name, tags, status and photos (a
    /// response property such as `like-of` makes content optional).
    pub properties: Properties,
    /// The note's photos as `(media id, caption)`, in order; `None` leaves them as they
    /// are on update (and means none on create).
    pub photos: Option<Vec<(i64, Option<String>)>>,
}

/// Field-wise changes to a stored note: the properties named in `patch` change (the
/// note's content, name, category, post-status and published among them), all others
/// stay as they are; `photos`, when given, replaces the photo list.
#[derive(Debug, Clone, Default)]
pub struct NoteUpdate {
    pub patch: Patch,
    /// The photos as `(media id, caption)`, in order; `None` leaves them as they are.
    pub photos: Option<Vec<(i64, Option<String>)>>,
}
