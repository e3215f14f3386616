//! The atomic part of a save: files are written to the staging folder, then rows are
//! inserted, files moved into `media/YYYY/MM/`, and the transaction committed. Any
//! failure rolls back and removes every file already moved, so a photo is stored whole
//! or not at all. (A crash between move and commit leaves the staging folder behind;
//! start-up recovery then removes the moved files too, see `recover.rs`.)

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::Db;
use crate::db::media::{self as q, NewMedia, NewVariant};

use super::error::{FailAt, MediaError};
use super::process::Processed;
use crate::domain::media::{Format, Media, Variant, VariantName};

/// A file written to the staging folder; `variant` is `None` for the stored image.
#[derive(Debug, Clone)]
pub struct StagedFile {
    pub variant: Option<VariantName>,
    pub file_name: String,
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// What the rows need besides the files.
#[derive(Debug)]
pub struct Meta<'a> {
    pub uuid: Uuid,
    pub source_mime: &'static str,
    pub animated: bool,
    pub original_name: Option<&'a str>,
}

/// Writes the stored image (`{uuid}.{ext}`) and variants (`{uuid}_{name}.{ext}`) into
/// `dir`, flushed to disk, and frees the pixels. Blocking.
pub fn write_staged(
    dir: &Path,
    uuid: Uuid,
    processed: Processed,
) -> Result<Vec<StagedFile>, MediaError> {
    let stored = std::iter::once((None, processed.stored));
    let variants = processed.variants.into_iter().map(|(n, e)| (Some(n), e));
    let mut out = Vec::new();
    for (variant, encoded) in stored.chain(variants) {
        let file_name = match variant {
            None => format!("{uuid}.{}", encoded.format.ext()),
            Some(v) => format!("{uuid}_{}.{}", v.as_str(), encoded.format.ext()),
        };
        let mut file = std::fs::File::create(dir.join(&file_name))?;
        file.write_all(&encoded.data)?;
        file.sync_all()?;
        out.push(StagedFile {
            variant,
            file_name,
            format: encoded.format,
            width: encoded.width,
            height: encoded.height,
            bytes: encoded.data.len() as u64,
        });
    }
    Ok(out)
}

/// Inserts the rows, moves the files from `staging` into `media_dir/YYYY/MM/` and
/// commits; on failure undoes both. The staging folder itself is the caller's.
pub async fn commit(
    db: &Db,
    media_dir: &Path,
    staging: &Path,
    files: &[StagedFile],
    meta: &Meta<'_>,
    fail: Option<FailAt>,
) -> Result<Media, MediaError> {
    let now = crate::domain::time::now();
    let month = now.format("%Y/%m").to_string();
    let mut moved = Vec::with_capacity(files.len());
    let result = insert_and_move(
        db, media_dir, staging, files, meta, fail, now, &month, &mut moved,
    )
    .await;
    if result.is_err() {
        for path in &moved {
            if let Err(e) = tokio::fs::remove_file(path).await {
                tracing::error!(path = %path.display(), error = %e, "could not remove a moved media file");
            }
        }
    }
    result
}

#[expect(clippy::too_many_arguments, reason = "one private step of commit()")]
async fn insert_and_move(
    db: &Db,
    media_dir: &Path,
    staging: &Path,
    files: &[StagedFile],
    meta: &Meta<'_>,
    fail: Option<FailAt>,
    now: DateTime<Utc>,
    month: &str,
    moved: &mut Vec<PathBuf>,
) -> Result<Media, MediaError> {
    let stored = files
        .iter()
        .find(|f| f.variant.is_none())
        .ok_or_else(|| MediaError::Encode("no stored image was written".into()))?;
    let rel = |f: &StagedFile| format!("{month}/{}", f.file_name);
    let uuid = meta.uuid.to_string();
    let mut tx = db.begin().await?;
    if fail == Some(FailAt::Insert) {
        tx.rollback().await?;
        return Err(MediaError::Injected(FailAt::Insert));
    }
    let row = NewMedia {
        uuid: &uuid,
        path: &rel(stored),
        mime: stored.format.mime(),
        source_mime: meta.source_mime,
        width: stored.width,
        height: stored.height,
        bytes: stored.bytes,
        animated: meta.animated,
        original_name: meta.original_name,
        created_at: now,
    };
    let id = q::insert(db, &mut tx, &row).await?;
    let mut variants = Vec::new();
    for f in files {
        let Some(name) = f.variant else { continue };
        let v = Variant {
            name,
            path: rel(f),
            mime: f.format.mime().to_string(),
            width: f.width,
            height: f.height,
            bytes: f.bytes,
        };
        let new = NewVariant {
            name: name.as_str(),
            path: &v.path,
            mime: &v.mime,
            width: v.width,
            height: v.height,
            bytes: v.bytes,
        };
        q::insert_variant(db, &mut tx, id, &new).await?;
        variants.push(v);
    }
    let dest = media_dir.join(month);
    tokio::fs::create_dir_all(&dest).await?;
    for f in files {
        if fail == Some(FailAt::Move) && !moved.is_empty() {
            tx.rollback().await?;
            return Err(MediaError::Injected(FailAt::Move));
        }
        let to = dest.join(&f.file_name);
        tokio::fs::rename(staging.join(&f.file_name), &to).await?;
        moved.push(to);
    }
    // The renames must be on disk before the rows that name them are.
    if let Ok(d) = tokio::fs::File::open(&dest).await {
        let _ = d.sync_all().await;
    }
    if fail == Some(FailAt::Commit) {
        tx.rollback().await?;
        return Err(MediaError::Injected(FailAt::Commit));
    }
    db.count(1);
    tx.commit().await?;
    variants.sort_by_key(|v| v.name.width());
    Ok(Media {
        id,
        path: row.path.to_string(),
        mime: row.mime.to_string(),
        uuid: uuid.clone(),
        source_mime: meta.source_mime.to_string(),
        width: stored.width,
        height: stored.height,
        bytes: stored.bytes,
        animated: meta.animated,
        original_name: meta.original_name.map(str::to_string),
        created_at: now,
        variants,
    })
}
