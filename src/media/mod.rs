//! Photos: validation by magic bytes, safe decoding (HEIC included), optimisation and
//! variants, an atomic store (staging folder → rows → move → commit), start-up
//! recovery, debug copies of failed uploads, and serving `/media/…`.
//!
//! [`MediaStore`] is the service the admin, Micropub and import use; its
//! [`save`](MediaStore::save) takes the upload as a stream of chunks.

use std::collections::HashMap;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use tokio::io::AsyncReadExt;
use tokio::sync::Semaphore;
use tracing::Instrument;

use crate::config::Config;
use crate::db::Db;
use crate::db::media as q;

mod budget;
mod buffer;
mod debug_files;
mod decode;
mod delete;
mod detect;
mod encode;
mod error;
mod field;
mod gif;
mod heic;
#[cfg(feature = "heic")]
mod heif_ffi;
mod jpeg;
mod listing;
mod lookup;
pub mod process;
mod recover;
mod store;
mod turbo;
mod upload;

#[cfg(test)]
pub(crate) mod tests;

pub use crate::domain::media::{Format, Media, Variant, VariantName};
pub use decode::{MAX_PIXELS, MAX_SIDE};
pub use detect::{Kind, SNIFF_LEN, sniff};
pub use error::{FailAt, MediaError};
pub use field::{FieldError, FileField};
pub use listing::{MediaEntry, MediaUse, Removal};
pub use lookup::stored_path;
pub use recover::RecoveryReport;

pub use crate::limits::MAX_UPLOAD;
/// Photos processed at once: each 12 MP photo needs about 100 MB while it is worked on.
pub const CONCURRENT_PROCESSING: usize = 2;

/// How much of the media tree the start-up check compares with the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// Only when the staging folder held something (a save was interrupted).
    IfNeeded,
    /// Always (`starpunk serve --scan-media`).
    Full,
}

/// Where media lives and the limits that apply, from [`Config`].
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// `DATA_PATH/media`.
    pub media_dir: PathBuf,
    /// `DATA_PATH/debug`.
    pub debug_dir: PathBuf,
    /// The smaller of [`MAX_UPLOAD`] and `MAX_CONTENT_LENGTH`.
    pub max_upload: u64,
    /// `SITE_URL`, to recognise the media URLs writers refer to ([`MediaStore::by_url`]).
    pub site_url: String,
    pub save_failed_uploads: bool,
    pub debug_max_age: Duration,
    pub debug_max_bytes: u64,
}

impl MediaSettings {
    /// The settings of a running server.
    pub fn from_config(config: &Config) -> Self {
        MediaSettings {
            media_dir: config.data_path.join("media"),
            debug_dir: config.data_path.join("debug"),
            max_upload: crate::limits::UploadLimits::from_config(config).max_file,
            site_url: config.site_url.clone(),
            save_failed_uploads: config.debug_save_failed_uploads,
            debug_max_age: Duration::from_secs(config.debug_file_max_age_days * 86_400),
            debug_max_bytes: config.debug_file_max_size_mb.saturating_mul(1024 * 1024),
        }
    }
}

/// The media service, cheap to clone. Processing is bounded by a semaphore shared by
/// every clone, so a burst of uploads queues instead of exhausting memory.
#[derive(Debug, Clone)]
pub struct MediaStore {
    db: Db,
    settings: Arc<MediaSettings>,
    permits: Arc<Semaphore>,
    fail_at: Option<FailAt>,
}

impl MediaStore {
    /// The service for `config`'s data folder.
    pub fn new(db: Db, config: &Config) -> Self {
        Self::with_settings(db, MediaSettings::from_config(config))
    }

    /// The service with explicit settings.
    pub fn with_settings(db: Db, settings: MediaSettings) -> Self {
        MediaStore {
            db,
            settings: Arc::new(settings),
            permits: Arc::new(Semaphore::new(CONCURRENT_PROCESSING)),
            fail_at: None,
        }
    }

    /// A test hook: this handle's saves fail at `step` (the others are unaffected).
    pub fn inject_failure(mut self, step: Option<FailAt>) -> Self {
        self.fail_at = step;
        self
    }

    /// The settings in force.
    pub fn settings(&self) -> &MediaSettings {
        &self.settings
    }

    /// Receives, validates, processes and stores an upload given as a stream of chunks
    /// (an axum multipart field, a request body, a file). `client_name` is the file
    /// name the client sent: kept for display and debug files, never used as a path.
    /// On failure nothing is left: no row, no file, no staging folder.
    pub async fn save<S, E>(
        &self,
        chunks: S,
        client_name: Option<&str>,
    ) -> Result<Media, MediaError>
    where
        S: Stream<Item = Result<Bytes, E>>,
        E: Display,
    {
        let settings = &self.settings;
        let staged = upload::stage(
            &settings.media_dir,
            chunks,
            settings.max_upload,
            settings.save_failed_uploads,
        )
        .await?;
        let span =
            tracing::info_span!("media.save", media.uuid = %staged.uuid, media.bytes = staged.len);
        let result = match &staged.kind {
            Ok(kind) => {
                self.process_and_store(&staged, *kind, client_name)
                    .instrument(span.clone())
                    .await
            }
            Err(e) => Err(MediaError::Unsupported(e.to_string())),
        };
        if result.is_err() && settings.save_failed_uploads {
            let (dir, file) = (settings.debug_dir.clone(), staged.file.clone());
            let name = client_name.map(str::to_string);
            match tokio::task::spawn_blocking(move || {
                debug_files::keep(&dir, &file, name.as_deref())
            })
            .await
            {
                Ok(Ok(kept)) => {
                    tracing::info!(parent: &span, path = %kept.display(), "kept the failed upload for debugging")
                }
                Ok(Err(e)) => {
                    tracing::warn!(parent: &span, error = %e, "could not keep the failed upload")
                }
                Err(e) => {
                    tracing::warn!(parent: &span, error = %e, "could not keep the failed upload")
                }
            }
        }
        upload::remove_dir(&staged.dir).await;
        result
    }

    /// Stores the file at `path` through the same pipeline as an upload (for import).
    pub async fn save_file(
        &self,
        path: &Path,
        client_name: Option<&str>,
    ) -> Result<Media, MediaError> {
        let file = tokio::fs::File::open(path).await?;
        let chunks = futures_util::stream::try_unfold(file, |mut file| async move {
            let mut buf = vec![0u8; 256 * 1024];
            let n = file.read(&mut buf).await?;
            buf.truncate(n);
            Ok::<_, std::io::Error>((n > 0).then(|| (Bytes::from(buf), file)))
        });
        self.save(chunks, client_name).await
    }

    async fn process_and_store(
        &self,
        staged: &upload::Staged,
        kind: Kind,
        client_name: Option<&str>,
    ) -> Result<Media, MediaError> {
        let (file, dir, uuid, len, fail) = (
            staged.file.clone(),
            staged.dir.clone(),
            staged.uuid,
            staged.len,
            self.fail_at,
        );
        let (source_mime, animated, files) = {
            let _permit = self
                .permits
                .acquire()
                .await
                .map_err(|e| MediaError::Encode(e.to_string()))?;
            let span = tracing::Span::current();
            tokio::task::spawn_blocking(move || {
                span.in_scope(|| {
                    let processed = process::process(&file, kind, len, fail)?;
                    let (mime, animated) = (processed.kind.mime(), processed.animated);
                    Ok::<_, MediaError>((
                        mime,
                        animated,
                        store::write_staged(&dir, uuid, processed)?,
                    ))
                })
            })
            .await??
        };
        let meta = store::Meta {
            uuid,
            source_mime,
            animated,
            original_name: client_name,
        };
        let media = store::commit(
            &self.db,
            &self.settings.media_dir,
            &staged.dir,
            &files,
            &meta,
            fail,
        )
        .await?;
        tracing::info!(media.path = %media.path, media.width = media.width, media.height = media.height, "stored a photo");
        Ok(media)
    }

    /// One stored image with its variants.
    pub async fn get(&self, id: i64) -> Result<Option<Media>, MediaError> {
        let Some(row) = q::by_id(&self.db, id).await? else {
            return Ok(None);
        };
        let mut variants = q::variants_for(&self.db, &[id]).await?;
        Ok(Some(
            row.into_media(variants.remove(&id).unwrap_or_default()),
        ))
    }

    /// The newest stored image (variants not loaded: callers want its URL).
    pub async fn latest(&self) -> Result<Option<Media>, MediaError> {
        Ok(q::latest(&self.db).await?.map(|r| r.into_media(Vec::new())))
    }

    /// Many stored images with their variants, in two queries, keyed by id.
    pub async fn get_many(&self, ids: &[i64]) -> Result<HashMap<i64, Media>, MediaError> {
        let rows = q::by_ids(&self.db, ids).await?;
        let mut variants = q::variants_for(&self.db, ids).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let v = variants.remove(&row.id).unwrap_or_default();
                (row.id, row.into_media(v))
            })
            .collect())
    }

    /// Start-up housekeeping: clears `media/.tmp/` (scanning the media tree against the
    /// rows when it held anything, or always with [`Scan::Full`]) and prunes debug files.
    pub async fn startup(&self, scan: Scan) -> Result<RecoveryReport, MediaError> {
        let full_scan = scan == Scan::Full;
        let report = recover::recover(&self.db, &self.settings.media_dir, full_scan).await?;
        let s = self.settings.clone();
        let removed = tokio::task::spawn_blocking(move || {
            debug_files::prune(&s.debug_dir, s.debug_max_age, s.debug_max_bytes)
        })
        .await??;
        for path in removed {
            tracing::info!(path = %path.display(), "removed an old debug file");
        }
        Ok(report)
    }
}
