//! The owner's view of the store: every image, newest first, with the notes that use
//! it, and deleting an image that nothing uses. Uploads from the Micropub media
//! endpoint that no note took up stay listed here instead of vanishing.

use std::collections::HashMap;

use super::{Media, MediaError, MediaStore};
use crate::db::media as q;
use crate::domain::Status;

/// A note that uses a stored image (drafts and deleted notes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUse {
    pub note_id: i64,
    pub slug: String,
    pub title: Option<String>,
    /// The start of the note's content, for a label when it has no title.
    pub excerpt: String,
    pub status: Status,
    pub deleted: bool,
    /// Shown as one of the note's photos; otherwise only its URL is in the note's text
    /// or properties.
    pub attached: bool,
}

/// A stored image and the notes that use it.
#[derive(Debug, Clone)]
pub struct MediaEntry {
    pub media: Media,
    pub used_by: Vec<MediaUse>,
    /// It is the owner's profile photo (the site's h-card shows it).
    pub profile_photo: bool,
}

/// What [`MediaStore::delete_unused`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// The rows and files are gone.
    Removed,
    /// Notes use it, or it is the profile photo: nothing was changed.
    InUse(Vec<MediaUse>),
    /// It is the owner's profile photo: nothing was changed.
    ProfilePhoto,
    /// No such image.
    NotFound,
}

impl From<q::MediaUseRow> for MediaUse {
    fn from(r: q::MediaUseRow) -> Self {
        MediaUse {
            note_id: r.note_id,
            slug: r.slug,
            title: r.title,
            excerpt: r.excerpt,
            // The column's CHECK allows only these two; a draft is the safe reading.
            status: Status::parse(&r.status).unwrap_or(Status::Draft),
            deleted: r.deleted,
            attached: r.attached,
        }
    }
}

impl MediaStore {
    /// A page of stored images, newest first, each with its variants, the notes that
    /// use it and whether it is the profile photo: four queries whatever the page holds.
    pub async fn page(&self, limit: u32, offset: u32) -> Result<Vec<MediaEntry>, MediaError> {
        let rows = q::page(&self.db, limit, offset).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut variants = q::variants_for(&self.db, &ids).await?;
        let mut uses = group(q::uses(&self.db, &ids).await?);
        let photo = self.profile_photo_url().await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let id = row.id;
                let profile_photo = photo.as_deref().is_some_and(|p| p.contains(&row.uuid));
                MediaEntry {
                    media: row.into_media(variants.remove(&id).unwrap_or_default()),
                    used_by: uses.remove(&id).unwrap_or_default(),
                    profile_photo,
                }
            })
            .collect())
    }

    /// The owner's profile photo URL, if one is set (every URL of an image and of its
    /// variants contains the image's UUID).
    async fn profile_photo_url(&self) -> Result<Option<String>, MediaError> {
        Ok(crate::db::profile::load(&self.db)
            .await?
            .and_then(|p| p.photo))
    }

    /// Whether image `m` is the owner's profile photo.
    pub async fn is_profile_photo(&self, m: &Media) -> Result<bool, MediaError> {
        Ok(self
            .profile_photo_url()
            .await?
            .is_some_and(|p| p.contains(&m.uuid)))
    }

    /// How many images are stored.
    pub async fn count(&self) -> Result<i64, MediaError> {
        Ok(q::count(&self.db).await?)
    }

    /// The notes that use image `id`.
    pub async fn used_by(&self, id: i64) -> Result<Vec<MediaUse>, MediaError> {
        Ok(group(q::uses(&self.db, &[id]).await?)
            .remove(&id)
            .unwrap_or_default())
    }

    /// Deletes image `id` with its variants, rows and files together, but only when no
    /// note uses it (attached, or its URL in a note's text) and it is not the profile
    /// photo; the check and the delete
    /// are one statement. Files are removed after the commit, as
    /// [`MediaStore::delete`] does: a file left behind is reported by the start-up scan.
    pub async fn delete_unused(&self, id: i64) -> Result<Removal, MediaError> {
        let Some(media) = self.get(id).await? else {
            return Ok(Removal::NotFound);
        };
        let mut tx = self.db.begin().await?;
        if !q::delete_unused(&self.db, &mut tx, id, &media.uuid).await? {
            tx.rollback().await?;
            let users = self.used_by(id).await?;
            // No user but not deleted: the profile shows it, or someone else removed
            // it meanwhile.
            return Ok(if !users.is_empty() {
                Removal::InUse(users)
            } else if self.is_profile_photo(&media).await? {
                Removal::ProfilePhoto
            } else {
                Removal::NotFound
            });
        }
        tx.commit().await?;
        let root = &self.settings.media_dir;
        let files = std::iter::once(&media.path).chain(media.variants.iter().map(|v| &v.path));
        for rel in files {
            let file = root.join(rel);
            if let Err(e) = tokio::fs::remove_file(&file).await
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(path = %file.display(), error = %e, "could not remove a media file");
            }
        }
        tracing::info!(media.id = id, media.path = %media.path, "unused media deleted by the owner");
        Ok(Removal::Removed)
    }
}

/// Rows of [`q::uses`] grouped by image.
fn group(rows: Vec<q::MediaUseRow>) -> HashMap<i64, Vec<MediaUse>> {
    let mut out: HashMap<i64, Vec<MediaUse>> = HashMap::new();
    for r in rows {
        out.entry(r.media_id).or_default().push(r.into());
    }
    out
}
