//! Import Markdown files (recursively) as notes.

use std::path::{Path, PathBuf};

use crate::domain::tag::Tag;
use crate::domain::{NoteInput, Slug, Status};
use crate::media::MediaStore;
use crate::notes::{NoteError, Notes, rules};

use super::frontmatter::{parse_content_type, parse_time, split};

/// Largest file read, in bytes (a note is at most 100 kB of Markdown).
const MAX_FILE: u64 = 1_000_000;

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    pub imported: usize,
    /// Files refused, with the reason.
    pub failed: Vec<(PathBuf, String)>,
}

/// Imports every `.md` / `.markdown` file under `dir`, in path order.
///
/// Only regular files inside `dir` are read: a symbolic link (to a note, a folder or a
/// photo) that leads outside it, or to anything but a regular file, is reported and
/// skipped, so an import can never publish a file from elsewhere on the machine.
pub async fn import_dir(notes: &Notes, media: &MediaStore, dir: &Path) -> anyhow::Result<Report> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    // The folder itself may be reached through a link; what is inside it may not leave it.
    let root = dir.canonicalize()?;
    let mut files = Vec::new();
    let mut report = Report::default();
    collect(&root, &mut files, &mut report.failed)?;
    files.sort();
    let mut batch: Vec<Ready> = Vec::with_capacity(BATCH);
    for path in files {
        match read_note(notes, media, &root, &path).await {
            Ok((input, photo_ids)) => batch.push(Ready {
                path,
                input,
                photo_ids,
            }),
            Err(reason) => report.failed.push((path, reason)),
        }
        if batch.len() == BATCH {
            write_batch(notes, media, std::mem::take(&mut batch), &mut report).await;
        }
    }
    write_batch(notes, media, batch, &mut report).await;
    // Merging rewrites the whole index (half a second at 100,000 notes): worth it after
    // a large import, not after a few notes. The notes are in either way, so a failure
    // here is logged, not reported as a failed import.
    if report.imported >= OPTIMIZE_AFTER
        && let Err(e) = notes.optimize_search().await
    {
        tracing::warn!(error = %e, "could not merge the search index after the import");
    }
    Ok(report)
}

/// Imports of at least this many notes end by merging the search index.
const OPTIMIZE_AFTER: usize = 1000;

/// Notes written per transaction: large enough that the commit's cost vanishes, small
/// enough that the writer is not held for long (about a tenth of a second).
const BATCH: usize = 500;

/// A file read and checked, its photos stored, waiting for its batch to be written.
struct Ready {
    path: PathBuf,
    input: NoteInput,
    photo_ids: Vec<i64>,
}

/// Writes `batch` (see [`Notes::import_many`]) and reports each file; a refused note's
/// photos are deleted again.
async fn write_batch(notes: &Notes, media: &MediaStore, batch: Vec<Ready>, report: &mut Report) {
    if batch.is_empty() {
        return;
    }
    let (files, inputs): (Vec<(PathBuf, Vec<i64>)>, Vec<NoteInput>) = batch
        .into_iter()
        .map(|r| ((r.path, r.photo_ids), r.input))
        .unzip();
    let results = notes.import_many(&inputs).await;
    for ((path, photo_ids), result) in files.into_iter().zip(results) {
        match result {
            Ok(_) => report.imported += 1,
            Err(e) => {
                media.delete_many(&photo_ids).await;
                let reason = match e {
                    NoteError::Invalid(m) => m,
                    e => e.to_string(),
                };
                report.failed.push((path, reason));
            }
        }
    }
}

fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "markdown")
    )
}

/// Gathers regular Markdown files, never following a link (`DirEntry::file_type` does
/// not). Links that would have been read — to a note or a folder — are reported.
fn collect(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    skipped: &mut Vec<(PathBuf, String)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        let path = entry.path();
        if ft.is_dir() {
            collect(&path, out, skipped)?;
        } else if ft.is_file() {
            if is_markdown(&path) {
                out.push(path);
            }
        } else if ft.is_symlink() {
            if is_markdown(&path) || path.is_dir() {
                skipped.push((path, "a symbolic link: skipped, not followed".into()));
            }
        } else if is_markdown(&path) {
            skipped.push((path, "not a regular file: skipped".into()));
        }
    }
    Ok(())
}

/// Reads and checks one file and stores its photos (through the same atomic pipeline
/// as an upload); the error is the reason in words, and a refused file leaves nothing
/// behind. The note itself is written with its batch.
async fn read_note(
    notes: &Notes,
    media: &MediaStore,
    root: &Path,
    path: &Path,
) -> Result<(NoteInput, Vec<i64>), String> {
    let path = &inside(root, path).map_err(|e| format!("skipped: {e}"))?;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > MAX_FILE {
        return Err(format!("file is larger than {} kB", MAX_FILE / 1000));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "file is not UTF-8 text".to_string())?;
    let (fm, body) = split(&text)?;

    let slug_source = match &fm.slug {
        Some(s) => s.clone(),
        None => path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string(),
    };
    let slug =
        Slug::custom(&slug_source).map_err(|e| format!("slug {slug_source:?} refused: {e}"))?;
    // The batch refuses a taken slug too; asking first spares storing the photos of a
    // note that will be refused.
    if !fm.photos.is_empty()
        && notes
            .by_slug(&slug)
            .await
            .map_err(|e| e.to_string())?
            .is_some()
    {
        return Err(format!("a note with slug {slug} already exists"));
    }
    let status = match fm.status.as_deref() {
        None => Status::Published,
        Some(s) => Status::parse(s)
            .ok_or_else(|| format!("status must be draft or published, got {s:?}"))?,
    };
    let published_at = fm
        .published
        .as_deref()
        .map(|t| parse_time("published", t))
        .transpose()?;
    let updated_at = fm
        .updated
        .as_deref()
        .map(|t| parse_time("updated", t))
        .transpose()?;
    let content_kind = parse_content_type(fm.content_type.as_deref())?;
    let properties =
        crate::domain::Properties::from_value(serde_json::Value::Object(fm.properties.clone()))
            .map_err(|e| format!("properties refused: {e}"))?;
    let tags = Tag::dedupe(fm.tags.items().iter().map(|t| Tag::parse(t)))
        .map_err(|e| format!("tag refused: {e}"))?;
    // The note rules, before any photo is stored: a refused note costs no upload.
    rules::check_text(body, fm.title.as_deref(), Some(slug.as_str()))
        .and_then(|()| rules::check_photo_count(fm.photos.len()))
        .map_err(|e| e.to_string())?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut stored: Vec<(i64, Option<String>)> = Vec::new();
    for entry in &fm.photos {
        let result = match photo_path(root, folder, &entry.file) {
            Ok(file) => media
                .save_file(&file, Some(&entry.file))
                .await
                .map_err(|e| format!("photo {}: {e}", entry.file)),
            Err(e) => Err(e),
        };
        match result {
            Ok(m) => stored.push((m.id, entry.caption.clone())),
            Err(e) => {
                media.delete_many(&ids_of(&stored)).await;
                return Err(e);
            }
        }
    }
    let photo_ids = ids_of(&stored);
    let input = NoteInput {
        content: body.to_string(),
        content_kind,
        name: fm.title,
        slug: Some(slug.to_string()),
        tags,
        status: Some(status),
        published_at,
        updated_at,
        properties,
        photos: Some(stored),
    };
    Ok((input, photo_ids))
}

/// A photo named in front matter: a plain file name or a relative path inside the
/// note's folder (no `..`, no absolute paths), which after resolving links must still be
/// a regular file inside the import folder.
fn photo_path(root: &Path, folder: &Path, file: &str) -> Result<PathBuf, String> {
    let rel = Path::new(file);
    let safe = !file.is_empty()
        && rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !safe {
        return Err(format!(
            "photo {file:?}: must be a file name relative to the note"
        ));
    }
    let full = folder.join(rel);
    if std::fs::symlink_metadata(&full).is_err() {
        return Err(format!("photo {file}: no such file beside the note"));
    }
    inside(root, &full).map_err(|e| format!("photo {file}: {e}"))
}

/// `path` with every link resolved, when that is a regular file inside `root` (itself
/// resolved); otherwise why not, in words.
fn inside(root: &Path, path: &Path) -> Result<PathBuf, String> {
    let real = path
        .canonicalize()
        .map_err(|e| format!("cannot resolve: {e}"))?;
    if !real.starts_with(root) {
        return Err("a link that leads outside the import folder".into());
    }
    let meta = std::fs::metadata(&real).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    Ok(real)
}

fn ids_of(stored: &[(i64, Option<String>)]) -> Vec<i64> {
    stored.iter().map(|(id, _)| *id).collect()
}
