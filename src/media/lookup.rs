//! Finding a stored image by the URL a writer refers to it by (a Micropub `photo`, a
//! link pasted into a note): `/media/YYYY/MM/{file}` as a path or absolute on
//! `SITE_URL`; a variant's URL finds the image it belongs to.

use super::{Media, MediaError, MediaStore};
use crate::db::media as q;

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

/// The stored path (`YYYY/MM/{file}`, relative to the media folder) a URL names, when
/// it is a media URL of this site: a path starting `/media/`, or an absolute URL with
/// the site's origin (and base path, when `SITE_URL` has one).
pub fn stored_path(site_url: &str, url: &str) -> Option<String> {
    let url = url.trim();
    let path = if url.starts_with('/') && !url.starts_with("//") {
        // A path: drop any query or fragment, which name no file.
        url.split(['?', '#']).next()?.to_string()
    } else {
        let site = url::Url::parse(site_url).ok()?;
        let given = url::Url::parse(url).ok()?;
        if site.origin() != given.origin() {
            return None;
        }
        let base = site.path().trim_end_matches('/');
        given.path().strip_prefix(base)?.to_string()
    };
    let rel = path.strip_prefix("/media/")?;
    let parts: Vec<&str> = rel.split('/').collect();
    let [year, month, file] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let file_ok = !file.is_empty()
        && !file.starts_with('.')
        && file
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (digits(year, 4) && digits(month, 2) && file_ok).then(|| rel.to_string())
}

#[cfg(test)]
mod tests {
    use super::stored_path;

    const SITE: &str = "https://blog.example";

    #[test]
    fn media_urls_of_this_site() {
        let want = Some("2026/11/abc-1.jpg".to_string());
        for url in [
            "/media/2026/11/abc-1.jpg",
            "/media/2026/11/abc-1.jpg?v=2",
            "https://blog.example/media/2026/11/abc-1.jpg",
            "https://blog.example/media/2026/11/abc-1.jpg#x",
        ] {
            assert_eq!(stored_path(SITE, url), want, "{url}");
        }
        assert_eq!(
            stored_path(
                "https://x.example/blog/",
                "https://x.example/blog/media/2026/01/a.png"
            ),
            Some("2026/01/a.png".into())
        );
    }

    #[test]
    fn everything_else_is_none() {
        for url in [
            "https://other.example/media/2026/11/a.jpg",
            "http://blog.example/media/2026/11/a.jpg",
            "//blog.example/media/2026/11/a.jpg",
            "/media/2026/11/../../../etc/passwd",
            "/media/2026/11/.hidden",
            "/media/26/11/a.jpg",
            "/media/2026/11/sub/a.jpg",
            "/media/2026/11/",
            "/note/a",
            "media/2026/11/a.jpg",
            "",
        ] {
            assert_eq!(stored_path(SITE, url), None, "{url}");
        }
    }
}
