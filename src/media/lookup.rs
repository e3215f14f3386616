//! Finding a stored image by the URL a writer refers to it by (a Micropub `photo`, a
//! link pasted into a note): `/media/YYYY/MM/{file}` as a path or absolute on
//! `SITE_URL`; a variant's URL finds the image it belongs to.

use super::{Media, MediaError, MediaStore};
use crate::db::media as q;
/// Kept here for the media service's callers; the rule itself is a plain domain fact.
pub use crate::domain::media::stored_path;

impl MediaStore {
    /// The stored image a `/media/…` URL names (the image itself or one of its
    /// variants). `None` for other hosts, other paths, and files nobody stored.
    pub async fn by_url(&self, url: &str) -> Result<Option<Media>, MediaError> {
        let Some(path) = stored_path(&self.settings.site_url, url) else {
            return Ok(None);
        };
        match q::id_by_path(&self.db, &path).await? {
            Some(id) => self.get(id).await,
            None => Ok(None),
        }
    }
}
