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
