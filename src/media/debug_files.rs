//! Copies of failed uploads for debugging (`DEBUG_SAVE_FAILED_UPLOADS=true`), kept in
//! `DATA_PATH/debug/` and pruned at start-up by age, then by total size.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Longest client file name kept in a debug file's name.
const MAX_NAME: usize = 50;

/// Reduces a client's file name to `[A-Za-z0-9._-]`, at most 50 characters, never a
/// path (only the last component counts, and leading dots go).
pub fn safe_name(client_name: Option<&str>) -> String {
    let last = client_name
        .unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("");
    let kept: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .collect();
    let trimmed: String = kept
        .trim_start_matches('.')
        .chars()
        .take(MAX_NAME)
        .collect();
    if trimmed.is_empty() {
        "upload".to_string()
    } else {
        trimmed
    }
}

/// Moves a failed upload to `debug_dir/failed_{timestamp}_{name}`. Blocking.
pub fn keep(
    debug_dir: &Path,
    upload: &Path,
    client_name: Option<&str>,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(debug_dir)?;
    let stamp = chrono::Utc::now().format("%Y%m%d_%H%M%S_%6f");
    let to = debug_dir.join(format!("failed_{stamp}_{}", safe_name(client_name)));
    if std::fs::rename(upload, &to).is_err() {
        std::fs::copy(upload, &to)?;
    }
    Ok(to)
}

/// Deletes files older than `max_age`, then the oldest until the folder holds at most
/// `max_bytes`. Returns what was deleted. Blocking.
pub fn prune(debug_dir: &Path, max_age: Duration, max_bytes: u64) -> std::io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(debug_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let now = SystemTime::now();
    let mut files: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_file() {
            files.push((meta.modified().unwrap_or(now), meta.len(), entry.path()));
        }
    }
    files.sort();
    let mut removed = Vec::new();
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    for (modified, len, path) in files {
        let too_old = now.duration_since(modified).unwrap_or_default() > max_age;
        if too_old || total > max_bytes {
            std::fs::remove_file(&path)?;
            total -= len;
            removed.push(path);
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_reduced_and_never_paths() {
        assert_eq!(safe_name(Some("IMG 0001 (2).HEIC")), "IMG00012.HEIC");
        assert_eq!(safe_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(safe_name(Some("C:\\Users\\me\\photo.jpg")), "photo.jpg");
        assert_eq!(safe_name(Some("..")), "upload");
        assert_eq!(safe_name(Some("ünïcødé.png")), "ncd.png");
        assert_eq!(safe_name(None), "upload");
        assert_eq!(safe_name(Some(&"a".repeat(80))).len(), 50);
    }

    #[test]
    fn keep_moves_the_file_under_a_safe_name() {
        let tmp = tempfile::tempdir().unwrap();
        let upload = tmp.path().join("upload");
        std::fs::write(&upload, b"data").unwrap();
        let kept = keep(&tmp.path().join("debug"), &upload, Some("../x/photo?.jpg")).unwrap();
        let name = kept.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("failed_") && name.ends_with("_photo.jpg"),
            "{name}"
        );
        assert_eq!(kept.parent(), Some(tmp.path().join("debug").as_path()));
        assert!(!upload.exists());
    }

    #[test]
    fn prune_removes_old_then_oldest_until_small_enough() {
        let tmp = tempfile::tempdir().unwrap();
        let day = Duration::from_secs(86_400);
        let now = SystemTime::now();
        for (name, age_days, len) in [("old", 10, 10), ("a", 3, 400), ("b", 2, 400), ("c", 1, 400)]
        {
            let p = tmp.path().join(name);
            std::fs::write(&p, vec![0u8; len]).unwrap();
            let f = std::fs::File::options().write(true).open(&p).unwrap();
            f.set_modified(now - day * age_days).unwrap();
        }
        let removed = prune(tmp.path(), day * 7, 1000).unwrap();
        let names: Vec<_> = removed
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, vec!["old", "a"]);
        assert!(tmp.path().join("b").exists() && tmp.path().join("c").exists());
        assert!(prune(&tmp.path().join("none"), day, 0).unwrap().is_empty());
    }
}
