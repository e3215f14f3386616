//! Listings: the public timeline a page at a time, the owner's list of every note,
//! and the batch loading of tags and photos that every listing shares.

use std::collections::HashMap;

use super::{Listing, NoteError, Notes, Page};
use crate::db::notes::{self as q, Cursor, NoteRow, Window};
use crate::db::{media as media_q, tags};
use crate::domain::time::now;
use crate::domain::{Note, Photo};

impl Notes {
    /// A page of public notes, optionally for one tag. Two queries whatever the size.
    pub async fn public_page(
        &self,
        tag: Option<&str>,
        window: Window,
        per_page: u32,
    ) -> Result<Page, NoteError> {
        let mut rows = q::list_public(&self.db, tag, &window, per_page + 1, now()).await?;
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

    /// [`Notes::all`] by keyset: the notes created before `after` (the `created_at`
    /// and id of the last note of the previous page), newest first; `None` starts at
    /// the newest. Pages stay put while notes are added.
    pub async fn all_after(
        &self,
        listing: Listing,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Vec<Note>, NoteError> {
        let deleted = listing == Listing::Deleted;
        let rows = match after {
            Some(c) => q::list_all_after(&self.db, deleted, c, limit).await?,
            None => q::list_all(&self.db, deleted, limit, 0).await?,
        };
        self.with_tags(rows).await
    }

    /// Attaches tags and photos to rows with a fixed number of batch queries (tags,
    /// note photos, their variants) whatever the number of rows.
    pub async fn with_tags(&self, rows: Vec<NoteRow>) -> Result<Vec<Note>, NoteError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut tags: HashMap<i64, Vec<_>> = tags::for_notes(&self.db, &ids).await?;
        let mut photo_rows = media_q::for_notes(&self.db, &ids).await?;
        let media_ids: Vec<i64> = photo_rows.values().flatten().map(|p| p.media.id).collect();
        let variants = media_q::variants_for(&self.db, &media_ids).await?;
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
                        // A photo two notes share keeps its variants in both.
                        let v = variants.get(&p.media.id).cloned().unwrap_or_default();
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
}
