//! Pipeline tests on real files in a temp folder: each saves an image made by
//! `fixtures`, then looks at the rows and the files left behind.

mod failures;
pub(crate) mod fixtures;
mod formats;
mod lookup;
mod shrink;

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;

use super::{MAX_UPLOAD, Media, MediaError, MediaSettings, MediaStore};
use crate::db::Db;

/// A store over a fresh data folder.
pub(crate) struct Bench {
    pub tmp: tempfile::TempDir,
    pub db: Db,
    pub store: MediaStore,
}

impl Bench {
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    pub async fn with(tweak: impl FnOnce(&mut MediaSettings)) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let db = Db::open(tmp.path()).await.unwrap();
        let mut settings = MediaSettings {
            media_dir: tmp.path().join("media"),
            debug_dir: tmp.path().join("debug"),
            max_upload: MAX_UPLOAD,
            site_url: "http://blog.example".into(),
            save_failed_uploads: false,
            debug_max_age: Duration::from_secs(7 * 86_400),
            debug_max_bytes: 100 * 1024 * 1024,
        };
        tweak(&mut settings);
        let store = MediaStore::with_settings(db.clone(), settings);
        Bench { tmp, db, store }
    }

    pub fn media_dir(&self) -> PathBuf {
        self.tmp.path().join("media")
    }

    /// Saves `data` as an upload arriving in 64 KB chunks.
    pub async fn save(&self, data: &[u8], name: &str) -> Result<Media, MediaError> {
        save_with(&self.store, data, name).await
    }

    /// Every file under `media/` (staging included), relative and sorted.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.media_dir(), &self.media_dir(), &mut out);
        out.sort();
        out
    }

    /// Every path the rows name.
    pub async fn row_paths(&self) -> Vec<String> {
        let mut v = crate::db::media::all_paths(&self.db).await.unwrap();
        v.sort();
        v
    }

    /// Reads a stored file back.
    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.media_dir().join(rel)).unwrap()
    }
}

pub(super) async fn save_with(
    store: &MediaStore,
    data: &[u8],
    name: &str,
) -> Result<Media, MediaError> {
    let chunks: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(64 * 1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    store.save(stream::iter(chunks), Some(name)).await
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            out.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}
