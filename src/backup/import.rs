//! Import Markdown files (recursively) as notes.

use std::path::{Path, PathBuf};

use crate::domain::tag::Tag;
use crate::domain::{NoteInput, Slug, Status};
use crate::media::MediaStore;
use crate::notes::{NoteError, Notes, rules};

use super::frontmatter::{parse_published, split};

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
pub async fn import_dir(notes: &Notes, media: &MediaStore, dir: &Path) -> anyhow::Result<Report> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    let mut report = Report::default();
    for path in files {
        match import_file(notes, media, &path).await {
            Ok(()) => report.imported += 1,
            Err(reason) => report.failed.push((path, reason)),
        }
    }
    Ok(report)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        let path = entry.path();
        if ft.is_dir() {
            collect(&path, out)?;
        } else if ft.is_file()
            && matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("md" | "markdown")
            )
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Imports one file with its photos (through the same atomic pipeline as an upload);
/// the error is the reason in words, and a refused file leaves nothing behind.
pub async fn import_file(notes: &Notes, media: &MediaStore, path: &Path) -> Result<(), String> {
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
    if notes
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
    let published_at = fm.published.as_deref().map(parse_published).transpose()?;
    let tags = Tag::dedupe(fm.tags.items().iter().map(|t| Tag::parse(t)))
        .map_err(|e| format!("tag refused: {e}"))?;
    // The note rules, before any photo is stored: a refused note costs no upload.
    rules::check_text(body, fm.title.as_deref(), Some(slug.as_str()))
        .and_then(|()| rules::check_photo_count(fm.photos.len()))
        .map_err(|e| e.to_string())?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut stored: Vec<(i64, Option<String>)> = Vec::new();
    for entry in &fm.photos {
        let result = match photo_path(folder, &entry.file) {
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
        name: fm.title,
        slug: Some(slug.to_string()),
        tags,
        status: Some(status),
        published_at,
        properties: Default::default(),
        photos: Some(stored),
    };
    let result = match notes.create(input).await {
        Ok(_) => Ok(()),
        Err(NoteError::Invalid(m)) => Err(m),
        Err(e) => Err(e.to_string()),
    };
    if result.is_err() {
        media.delete_many(&photo_ids).await;
    }
    result
}

/// A photo named in front matter: a plain file name or a relative path inside the
/// note's folder (no `..`, no absolute paths).
fn photo_path(folder: &Path, file: &str) -> Result<PathBuf, String> {
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
    if !full.is_file() {
        return Err(format!("photo {file}: no such file beside the note"));
    }
    Ok(full)
}

fn ids_of(stored: &[(i64, Option<String>)]) -> Vec<i64> {
    stored.iter().map(|(id, _)| *id).collect()
}
