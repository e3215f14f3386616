//! Removing a stored image: rows first (in a transaction), then its files. A file that
//! cannot be removed is logged and left for the start-up scan to report.

use super::{MediaError, MediaStore};
use crate::db::media as q;

impl MediaStore {
    /// Deletes an image that no note shows (e.g. uploaded by a form that was then
    /// refused). Unknown ids are not an error.
    pub async fn delete(&self, id: i64) -> Result<(), MediaError> {
        let Some(media) = self.get(id).await? else {
            return Ok(());
        };
        let mut tx = self.db.begin().await?;
        q::delete(&self.db, &mut tx, id).await?;
        tx.commit().await?;
        let root = self.settings.media_dir.clone();
        let mut paths = vec![media.path.clone()];
        paths.extend(media.variants.iter().map(|v| v.path.clone()));
        for rel in paths {
            let file = root.join(&rel);
            if let Err(e) = tokio::fs::remove_file(&file).await
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(path = %file.display(), error = %e, "could not remove a media file");
            }
        }
        tracing::info!(media.id = id, "media removed");
        Ok(())
    }

    /// Deletes images nobody keeps: the photos of a refused or failed write, or those a
    /// purge let go. Failures are logged, not returned: the caller's answer (the
    /// refusal) stands, and the start-up scan reports what was left behind.
    pub async fn delete_many(&self, ids: &[i64]) {
        for &id in ids {
            if let Err(e) = self.delete(id).await {
                tracing::warn!(media.id = id, error = %e, "could not remove an unused image");
            }
        }
    }
}
