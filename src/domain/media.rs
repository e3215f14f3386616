//! The stored image and its variants as the rest of the program sees them (plain
//! types: the media service stores them, notes show them).

use chrono::{DateTime, Utc};

/// A resized copy of a stored image, for `srcset` and feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VariantName {
    /// 150×150, centre-cropped.
    Thumb,
    /// 320 px wide.
    Small,
    /// 640 px wide.
    Medium,
    /// 1280 px wide.
    Large,
}

impl VariantName {
    /// Every variant, narrowest first.
    pub const ALL: [VariantName; 4] = [
        VariantName::Thumb,
        VariantName::Small,
        VariantName::Medium,
        VariantName::Large,
    ];

    /// The name stored in the database and used in file names (`{uuid}_{name}.jpg`).
    pub fn as_str(self) -> &'static str {
        match self {
            VariantName::Thumb => "thumb",
            VariantName::Small => "small",
            VariantName::Medium => "medium",
            VariantName::Large => "large",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The width it is resized to (the thumb is also this tall).
    pub fn width(self) -> u32 {
        match self {
            VariantName::Thumb => 150,
            VariantName::Small => 320,
            VariantName::Medium => 640,
            VariantName::Large => 1280,
        }
    }
}

/// A file format the store writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
}

impl Format {
    /// The file extension, without the dot.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
        }
    }

    /// The media type served for it.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
        }
    }
}

/// One variant of a stored image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub name: VariantName,
    /// Relative to the media folder, e.g. `2026/11/{uuid}_small.jpg`.
    pub path: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

impl Variant {
    /// The site-relative URL, e.g. `/media/2026/11/{uuid}_small.jpg`.
    pub fn url_path(&self) -> String {
        format!("/media/{}", self.path)
    }
}

/// A stored image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: i64,
    pub uuid: String,
    /// Relative to the media folder, e.g. `2026/11/{uuid}.jpg`.
    pub path: String,
    pub mime: String,
    /// The media type of the upload (HEIC and MPO are stored as JPEG).
    pub source_mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// An animated GIF, stored with its animation.
    pub animated: bool,
    /// The client's file name, for display only (never used as a path).
    pub original_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Narrowest first; variants wider than the stored image are absent.
    pub variants: Vec<Variant>,
}

impl Media {
    /// The site-relative URL of the stored image, e.g. `/media/2026/11/{uuid}.jpg`.
    pub fn url_path(&self) -> String {
        format!("/media/{}", self.path)
    }

    /// The named variant, when it exists.
    pub fn variant(&self, name: VariantName) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
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
