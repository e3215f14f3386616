//! Updates by patch, and finding a note by the URL a writer refers to it by.
//!
//! A note's full property set is its columns seen as Micropub properties (`content`,
//! `name` when explicit, `category`, `post-status`, `published`) plus the properties
//! it keeps verbatim. A [`Patch`] changes only the properties it names, so the admin
//! editor (which shows content, tags and status) never erases what a Micropub client
//! set, and the other way round.

use serde_json::{Map, Value, json};

use super::rules::{check_complete, check_photos, clean_content, title_for};
use super::{NoteError, Notes};
use crate::db::notes::{self as q, UpdateRow};
use crate::db::{media as media_q, tags};
use crate::domain::markdown::split_title;
use crate::domain::properties::is_person_tag;
use crate::domain::time::{now, rfc3339};
use crate::domain::{ContentKind, Note, NoteUpdate, Properties, Slug, Status, Tag};

/// Attempts of an update that keeps meeting concurrent writes before it gives up.
const MAX_TRIES: usize = 10;

impl Notes {
    /// Applies field-wise changes; the slug never changes. Publishing a draft for the
    /// first time records its publication time. The changed note is checked against
    /// the same rules as a new one.
    ///
    /// The change is computed from the note as read and written only if nobody wrote
    /// the note in between (a Micropub `add` racing an admin save); otherwise it is
    /// computed again from the newer note, so neither write is lost.
    pub async fn update(&self, id: i64, change: NoteUpdate) -> Result<Note, NoteError> {
        for _ in 0..MAX_TRIES {
            if let Some(note) = self.try_update(id, &change).await? {
                return Ok(note);
            }
        }
        Err(NoteError::Invalid(
            "The note kept changing while this change was being saved; try again.".into(),
        ))
    }

    /// One attempt of [`Notes::update`]: `None` when the note changed meanwhile.
    async fn try_update(&self, id: i64, change: &NoteUpdate) -> Result<Option<Note>, NoteError> {
        let note = self.get(id).await?.ok_or(NoteError::NotFound)?;
        refuse_deleted(&note)?;
        // A patch of `photo` sees the stored photos too (as their URLs), so a client
        // can replace, reorder or delete them like any other value.
        let touches_photo = change.patch.touches("photo");
        let mut map = if touches_photo {
            self.properties_of(&note)
        } else {
            full_properties(&note)
        };
        change.patch.apply(&mut map);
        let linked = if touches_photo {
            Some(self.take_photos(&mut map).await?)
        } else {
            None
        };
        let content = clean_content(&text_of(map.get("content")))?;
        let content_kind = if change.patch.touches("content") {
            kind_of(map.get("content"))
        } else {
            note.content_kind
        };
        let name = map
            .get("name")
            .and_then(|v| v.as_array())
            .and_then(|a| a.first())
            .map(value_text);
        let title = title_for(name.as_deref(), &content, content_kind)?;
        let tags = if change.patch.touches("category") {
            Some(tags_of(map.get("category"))?)
        } else {
            None
        };
        let status = match first_text(&map, "post-status") {
            Some(s) => Status::parse(&s)
                .ok_or_else(|| NoteError::Invalid(format!("Unknown post-status {s:?}.")))?,
            None => note.status,
        };
        let published =
            match first_text(&map, "published").filter(|_| change.patch.touches("published")) {
                Some(s) => Some(crate::domain::time::parse_date(&s).ok_or_else(|| {
                    NoteError::Invalid(format!("published {s:?} is not a date and time."))
                })?),
                None => None,
            };
        let published_at = match (status, note.published_at) {
            (Status::Published, None) => Some(published.unwrap_or_else(now)),
            (_, prev) => published.or(prev),
        };
        let kept = Properties::kept_from(&map);
        // The admin's explicit photo list wins over the stored photos a patch names.
        let chosen = change.photos.clone().or(linked);
        let photos = check_photos(chosen.as_deref())?;
        let photo_count = photos.as_ref().map_or(note.photos.len(), Vec::len);
        check_complete(&content, photo_count, &kept)?;
        let properties = kept.to_json();

        let search_text = super::search_text(&content, content_kind);
        let mut tx = self.db.begin().await?;
        let row = UpdateRow {
            id,
            title: title.as_deref(),
            content: &content,
            status,
            published_at,
            updated_at: super::schedule::changed_at(status, published_at)
                .max(note.updated_at + chrono::Duration::microseconds(1)),
            properties: &properties,
            content_kind,
            search_text: search_text.as_deref(),
            name_given: super::given_name(name.as_deref()),
            read_at: note.updated_at,
        };
        if !q::update(&self.db, &mut tx, &row).await? {
            tx.rollback().await?;
            return Ok(None);
        }
        if let Some(tags) = &tags {
            tags::set_for_note(&self.db, &mut tx, id, tags).await?;
        }
        if let Some(photos) = &photos {
            media_q::set_for_note(&self.db, &mut tx, id, photos)
                .await
                .map_err(super::photos::photo_gone)?;
        }
        tx.commit().await?;
        self.generation.bump();
        self.scheduled(status, published_at);
        tracing::info!(note.slug = %note.slug, note.id = id, "note updated");
        self.get(id).await?.ok_or(NoteError::NotFound).map(Some)
    }

    /// Takes the `photo` values out of a patched property set: the stored ones are
    /// returned (they become `note_media` rows), the outside ones are put back.
    async fn take_photos(
        &self,
        map: &mut Map<String, Value>,
    ) -> Result<Vec<(i64, Option<String>)>, NoteError> {
        let values = match map.remove("photo") {
            Some(Value::Array(values)) => values,
            _ => Vec::new(),
        };
        let (stored, outside) = self.split_photos(&values).await?;
        if !outside.is_empty() {
            map.insert("photo".into(), Value::Array(outside));
        }
        Ok(stored)
    }

    /// The note a public URL names: `{SITE_URL}/note/{slug}` or the legacy
    /// `/notes/{slug}`, with or without a trailing slash. `None` for other hosts and
    /// paths. Drafts and deleted notes are returned (callers decide visibility).
    pub async fn by_url(&self, url: &str) -> Result<Option<Note>, NoteError> {
        match slug_from_url(&self.site_url, url) {
            Some(slug) => self.by_slug(&slug).await,
            None => Ok(None),
        }
    }
}

/// A deleted note is out of reach of edits: changing what nobody can see, and what a
/// restore would bring back changed, is a surprise rather than a feature.
pub(super) fn refuse_deleted(note: &Note) -> Result<(), NoteError> {
    if note.deleted_at.is_some() {
        return Err(NoteError::Invalid(
            "This note is deleted; undelete it before changing it.".into(),
        ));
    }
    Ok(())
}

/// The slug in a note URL of this site (see [`Notes::by_url`]).
pub fn slug_from_url(site_url: &str, url: &str) -> Option<Slug> {
    let site = url::Url::parse(site_url).ok()?;
    let given = url::Url::parse(url.trim()).ok()?;
    if site.origin() != given.origin() {
        return None;
    }
    let rest = given
        .path()
        .strip_prefix(site.path().trim_end_matches('/'))?;
    let slug = rest
        .strip_prefix("/note/")
        .or_else(|| rest.strip_prefix("/notes/"))?;
    let slug = slug.strip_suffix('/').unwrap_or(slug);
    Slug::parse(slug).ok()
}

/// The note's whole property set, columns included (the name only when it was given
/// explicitly rather than taken from a leading heading).
pub fn full_properties(note: &Note) -> Map<String, Value> {
    let mut map = Map::new();
    if !note.content.is_empty() {
        let content = match note.content_kind {
            ContentKind::Markdown => json!([note.content]),
            ContentKind::Html => json!([{ "html": note.content }]),
        };
        map.insert("content".into(), content);
    }
    if let Some(t) = explicit_name(note) {
        map.insert("name".into(), json!([t]));
    }
    if !note.tags.is_empty() {
        let cats: Vec<&str> = note.tags.iter().map(|t| t.display.as_str()).collect();
        map.insert("category".into(), json!(cats));
    }
    map.insert("post-status".into(), json!([note.status.as_str()]));
    if let Some(p) = note.published_at {
        map.insert("published".into(), json!([rfc3339(p)]));
    }
    let tags = map.remove("category");
    note.properties.merge_into(&mut map);
    // Tags first, then the person tags kept as properties: one `category` list.
    if let Some(Value::Array(mut words)) = tags {
        if let Some(Value::Array(people)) = map.remove("category") {
            words.extend(people);
        }
        map.insert("category".into(), Value::Array(words));
    }
    map
}

/// The stored title when it was given as a name, or (rows from before that was
/// recorded) when it is not simply the content's leading heading.
pub fn explicit_name(note: &Note) -> Option<&str> {
    note.title.as_deref().filter(|t| {
        note.name_given
            || note.content_kind == ContentKind::Html
            || split_title(&note.content).title.as_deref() != Some(*t)
    })
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        // `{"value": …}` / `{"html": …}` as Micropub clients send structured text.
        Value::Object(o) => o
            .get("value")
            .or_else(|| o.get("html"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    }
}

/// HTML when the (first) content value is `{"html": …}`, else Markdown.
fn kind_of(values: Option<&Value>) -> ContentKind {
    let html = values
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|v| v.get("html"))
        .is_some_and(Value::is_string);
    if html {
        ContentKind::Html
    } else {
        ContentKind::Markdown
    }
}

fn text_of(values: Option<&Value>) -> String {
    values
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .map(value_text)
        .unwrap_or_default()
}

fn first_text(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name)
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn tags_of(values: Option<&Value>) -> Result<Vec<Tag>, NoteError> {
    let list = values
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut parsed = Vec::with_capacity(list.len());
    for v in list.iter().filter(|v| !is_person_tag(v)) {
        let Some(s) = v.as_str() else {
            return Err(NoteError::Invalid(format!(
                "The category {v} is not a tag."
            )));
        };
        parsed.push(
            Tag::parse(s).map_err(|e| NoteError::Invalid(format!("Tag {s:?} refused: {e}.")))?,
        );
    }
    Tag::dedupe(parsed.into_iter().map(Ok))
        .map_err(|e| NoteError::Invalid(format!("Tag refused: {e}.")))
}

#[cfg(test)]
mod tests {
    use super::slug_from_url;

    #[test]
    fn note_urls_of_this_site_only() {
        let site = "https://blog.example";
        for url in [
            "https://blog.example/note/hello",
            "https://blog.example/note/hello/",
            "https://blog.example/notes/hello",
            "https://blog.example/notes/hello/",
            "https://BLOG.example/note/hello",
        ] {
            assert_eq!(
                slug_from_url(site, url).map(|s| s.to_string()),
                Some("hello".into()),
                "{url}"
            );
        }
        for url in [
            "https://other.example/note/hello",
            "http://blog.example/note/hello",
            "https://blog.example:8443/note/hello",
            "https://blog.example/tag/hello",
            "https://blog.example/note/",
            "https://blog.example/note/a/b",
            "/note/hello",
            "not a url",
        ] {
            assert_eq!(slug_from_url(site, url), None, "{url}");
        }
        assert!(slug_from_url("https://x.example/blog", "https://x.example/blog/note/a").is_some());
        assert!(slug_from_url("https://x.example/blog", "https://x.example/note/a").is_none());
    }
}
