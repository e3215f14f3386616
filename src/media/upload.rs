//! Receiving an upload: chunks are written straight to the staging folder
//! (`media/.tmp/{uuid}/upload`) as they arrive, with the size cap checked on the way,
//! so an upload is never held in memory.

use std::fmt::Display;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncWriteExt, BufWriter};
use uuid::Uuid;

use super::detect::{Kind, SNIFF_LEN, sniff};
use super::error::MediaError;

/// The staging folder's name under the media folder.
pub const STAGING: &str = ".tmp";
/// The upload's name inside its staging folder.
const UPLOAD_FILE: &str = "upload";

/// An upload received whole into its staging folder.
#[derive(Debug)]
pub struct Staged {
    pub uuid: Uuid,
    /// `media/.tmp/{uuid}`.
    pub dir: PathBuf,
    /// The upload as received.
    pub file: PathBuf,
    pub len: u64,
    /// What the upload is, or why it was refused (kept whole only for debug saving).
    pub kind: Result<Kind, MediaError>,
}

/// Streams `chunks` into a new staging folder under `media_dir`. Fails (removing the
/// folder) when the upload passes `max_len` or the stream breaks; a file that is not an
/// image is refused at its first bytes unless `keep_refused` asks to receive it whole
/// (to keep a copy for debugging).
pub async fn stage<S, E>(
    media_dir: &Path,
    chunks: S,
    max_len: u64,
    keep_refused: bool,
) -> Result<Staged, MediaError>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Display,
{
    let uuid = Uuid::new_v4();
    let dir = media_dir.join(STAGING).join(uuid.to_string());
    tokio::fs::create_dir_all(&dir).await?;
    let file = dir.join(UPLOAD_FILE);
    match receive(&file, chunks, max_len, keep_refused).await {
        Ok((len, kind)) => Ok(Staged {
            uuid,
            dir,
            file,
            len,
            kind,
        }),
        Err(e) => {
            remove_dir(&dir).await;
            Err(e)
        }
    }
}

async fn receive<S, E>(
    file: &Path,
    chunks: S,
    max_len: u64,
    keep_refused: bool,
) -> Result<(u64, Result<Kind, MediaError>), MediaError>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Display,
{
    let mut out = BufWriter::with_capacity(256 * 1024, tokio::fs::File::create(file).await?);
    let mut head: Vec<u8> = Vec::with_capacity(SNIFF_LEN);
    let mut kind = None;
    let mut len: u64 = 0;
    let mut chunks = std::pin::pin!(chunks);
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| MediaError::Stream(e.to_string()))?;
        len += chunk.len() as u64;
        if len > max_len {
            return Err(MediaError::TooLarge { limit: max_len });
        }
        if kind.is_none() {
            let want = SNIFF_LEN - head.len();
            head.extend_from_slice(&chunk[..want.min(chunk.len())]);
            if head.len() == SNIFF_LEN {
                kind = Some(decide(&head, keep_refused)?);
            }
        }
        out.write_all(&chunk).await?;
    }
    let kind = match kind {
        Some(k) => k,
        None => decide(&head, keep_refused)?,
    };
    out.flush().await?;
    Ok((len, kind))
}

/// Sniffs the head; a refusal ends the upload now unless it is to be kept.
fn decide(head: &[u8], keep_refused: bool) -> Result<Result<Kind, MediaError>, MediaError> {
    match sniff(head) {
        Ok(kind) => Ok(Ok(kind)),
        Err(e) if keep_refused => Ok(Err(e)),
        Err(e) => Err(e),
    }
}

/// Removes a staging folder, logging (not failing) when that is impossible.
pub async fn remove_dir(dir: &Path) {
    match tokio::fs::remove_dir_all(dir).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(path = %dir.display(), error = %e, "could not remove a staging folder")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    fn chunks(parts: Vec<&'static [u8]>) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
        stream::iter(parts.into_iter().map(|p| Ok(Bytes::from_static(p))))
    }

    #[tokio::test]
    async fn writes_chunks_and_sniffs_across_them() {
        let tmp = tempfile::tempdir().unwrap();
        let png: &'static [u8] = b"\x89PNG\r\n\x1a\n";
        let staged = stage(
            tmp.path(),
            chunks(vec![&png[..3], &png[3..], &[0; 100]]),
            1000,
            false,
        )
        .await
        .unwrap();
        assert_eq!(staged.len, 108);
        assert_eq!(staged.kind.unwrap(), Kind::Png);
        assert_eq!(std::fs::read(&staged.file).unwrap().len(), 108);
        assert!(staged.dir.starts_with(tmp.path().join(STAGING)));
    }

    #[tokio::test]
    async fn too_large_and_refused_uploads_leave_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let big = stage(
            tmp.path(),
            chunks(vec![b"\xFF\xD8\xFF", &[0; 200]]),
            100,
            false,
        )
        .await;
        assert!(matches!(big, Err(MediaError::TooLarge { limit: 100 })));
        let text = stage(tmp.path(), chunks(vec![&[b'a'; 80]]), 1000, false).await;
        assert!(matches!(text, Err(MediaError::Unsupported(_))));
        let left = std::fs::read_dir(tmp.path().join(STAGING)).unwrap().count();
        assert_eq!(left, 0);
        let kept = stage(tmp.path(), chunks(vec![&[b'a'; 80]]), 1000, true)
            .await
            .unwrap();
        assert!(kept.kind.is_err());
        assert_eq!(kept.len, 80);
    }

    #[tokio::test]
    async fn a_broken_stream_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let parts: Vec<Result<Bytes, &str>> =
            vec![Ok(Bytes::from_static(b"\xFF\xD8\xFF")), Err("reset")];
        let e = stage(tmp.path(), stream::iter(parts), 1000, false)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("reset"));
    }
}
