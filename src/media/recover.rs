//! Start-up recovery. Everything left in `media/.tmp/` belongs to a save that never
//! finished, so it goes. The media tree is compared with the rows only when such
//! leftovers were found or a full scan is asked for, so a clean start stays fast.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::db::Db;
use crate::db::media as q;

use super::error::MediaError;
use super::upload::STAGING;

/// What recovery found and did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Staging folders (or stray files) removed from `media/.tmp/`.
    pub staging_removed: Vec<String>,
    /// Whether the media tree was compared with the rows.
    pub scanned: bool,
    /// Paths that rows name but that are not on disk.
    pub missing: Vec<String>,
    /// Files under `media/` that no row names (left in place: look at them).
    pub orphans: Vec<String>,
    /// Files of a save interrupted between move and commit, removed.
    pub orphans_removed: Vec<String>,
}

/// Clears the staging folder and, when it held something or `full_scan` is set,
/// reports rows without files and files without rows.
pub async fn recover(
    db: &Db,
    media_dir: &Path,
    full_scan: bool,
) -> Result<RecoveryReport, MediaError> {
    let mut report = RecoveryReport::default();
    let staging = media_dir.join(STAGING);
    let leftovers = tokio::task::spawn_blocking(move || clear_staging(&staging)).await??;
    for name in &leftovers {
        tracing::warn!(media.staging = %name, "removed an unfinished upload from media/.tmp");
    }
    report.staging_removed = leftovers;
    if !full_scan && report.staging_removed.is_empty() {
        return Ok(report);
    }
    report.scanned = true;
    let known: HashSet<String> = q::all_paths(db).await?.into_iter().collect();
    let root = media_dir.to_path_buf();
    let on_disk: HashSet<String> = tokio::task::spawn_blocking(move || list_files(&root))
        .await??
        .into_iter()
        .collect();
    report.missing = sorted(known.difference(&on_disk));
    let orphans = sorted(on_disk.difference(&known));

    // A staging folder whose uuid has no row was a save cut off before commit; files
    // named after it were moved by that save and can go.
    let uuids: Vec<String> = report.staging_removed.clone();
    let committed: HashSet<String> = q::existing_uuids(db, &uuids).await?.into_iter().collect();
    let interrupted: Vec<&String> = uuids.iter().filter(|u| !committed.contains(*u)).collect();
    for path in orphans {
        let file = path.rsplit('/').next().unwrap_or("");
        if interrupted.iter().any(|u| file.starts_with(u.as_str())) {
            tokio::fs::remove_file(media_dir.join(&path)).await?;
            tracing::warn!(media.path = %path, "removed a file of an interrupted upload");
            report.orphans_removed.push(path);
        } else {
            tracing::warn!(media.path = %path, "media file that no row names");
            report.orphans.push(path);
        }
    }
    for path in &report.missing {
        tracing::error!(media.path = %path, "media row names a file that is missing");
    }
    Ok(report)
}

/// Removes every entry of the staging folder; returns their names.
fn clear_staging(staging: &Path) -> std::io::Result<Vec<String>> {
    let entries = match std::fs::read_dir(staging) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Every file under `root` except the staging folder, as `/`-separated relative paths.
fn list_files(root: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if path != root.join(STAGING) {
                    dirs.push(path);
                }
            } else if let Ok(rel) = path.strip_prefix(root) {
                let parts: Vec<_> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    Ok(out)
}

fn sorted<'a>(items: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut v: Vec<String> = items.cloned().collect();
    v.sort();
    v
}
