//! View models and askama templates for the public pages.

use askama::Template;

use crate::domain::tag::tag_path;
use crate::domain::{Note, Photo};
use crate::media::VariantName;
use crate::notes::note_html;
use crate::site::layout::Layout;
use crate::site::{Author, Site};

/// A tag link.
pub struct TagView {
    pub display: String,
    pub url: String,
}

/// A photo as shown on a page: responsive `srcset`, intrinsic size, alt text.
pub struct PhotoView {
    pub src: String,
    pub full: String,
    pub srcset: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: Option<String>,
    /// `loading="lazy"` for photos below the fold.
    pub lazy: bool,
}

/// The `sizes` attribute for photos: the full width of the text column.
pub const PHOTO_SIZES: &str = "(max-width: 44rem) 100vw, 42rem";

impl PhotoView {
    /// A view of `p` with absolute URLs; `lazy` when it is below the fold.
    pub fn of(p: &Photo, site: &Site, lazy: bool) -> Self {
        let m = &p.media;
        let full = site.abs(&m.url_path());
        // Resized variants are still images: an animated GIF is shown only as itself.
        let mut candidates: Vec<(String, u32)> = if m.animated {
            Vec::new()
        } else {
            m.variants
                .iter()
                .filter(|v| v.name != VariantName::Thumb)
                .map(|v| (site.abs(&v.url_path()), v.width))
                .collect()
        };
        if !candidates.iter().any(|(_, w)| *w == m.width) {
            candidates.push((full.clone(), m.width));
        }
        let src = m
            .variant(VariantName::Medium)
            .filter(|_| !m.animated)
            .map(|v| site.abs(&v.url_path()))
            .unwrap_or_else(|| full.clone());
        PhotoView {
            src,
            srcset: candidates
                .iter()
                .map(|(u, w)| format!("{u} {w}w"))
                .collect::<Vec<_>>()
                .join(", "),
            full,
            width: m.width,
            height: m.height,
            alt: p.alt().to_string(),
            caption: p.caption.clone(),
            lazy,
        }
    }
}

/// One note as shown on a page.
pub struct EntryView {
    pub title: Option<String>,
    pub url: String,
    pub html: String,
    pub published_iso: String,
    pub published_human: String,
    pub updated_iso: String,
    pub updated_human: String,
    pub tags: Vec<TagView>,
    pub photos: Vec<PhotoView>,
    pub sizes: &'static str,
}

impl EntryView {
    /// The view of a note with every photo loading lazily.
    pub fn from_note(n: &Note, site: &Site) -> Self {
        Self::with_fold(n, site, 0)
    }

    /// Like [`from_note`](Self::from_note), with the first `eager` photos loading at once.
    pub fn with_fold(n: &Note, site: &Site, eager: usize) -> Self {
        let published = n.date();
        EntryView {
            title: n.title.clone(),
            url: site.abs(&n.path()),
            html: note_html(n, &site.url),
            published_iso: crate::domain::time::rfc3339(published),
            published_human: human_date(published),
            updated_iso: crate::domain::time::rfc3339(n.updated_at.max(published)),
            updated_human: human_date(n.updated_at.max(published)),
            tags: n
                .tags
                .iter()
                .map(|t| TagView {
                    display: t.display.clone(),
                    url: site.abs(&tag_path(&t.name)),
                })
                .collect(),
            photos: n
                .photos
                .iter()
                .enumerate()
                .map(|(i, p)| PhotoView::of(p, site, i >= eager))
                .collect(),
            sizes: PHOTO_SIZES,
        }
    }
}

/// `28 November 2026`.
pub fn human_date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

#[derive(Template)]
#[template(path = "pages/home.html")]
pub struct HomePage {
    pub l: Layout,
    pub author: Author,
    pub entries: Vec<EntryView>,
    pub newer: Option<String>,
    pub older: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/tag.html")]
pub struct TagPage {
    pub l: Layout,
    pub author: Author,
    pub tag_display: String,
    pub tag_url: String,
    pub entries: Vec<EntryView>,
    pub newer: Option<String>,
    pub older: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/note.html")]
pub struct NotePage {
    pub l: Layout,
    pub author: Author,
    pub e: EntryView,
}

/// One search result.
pub struct ResultView {
    pub url: String,
    pub title: Option<String>,
    pub published_human: String,
    /// Escaped snippet with `<mark>` around matches.
    pub snippet_html: String,
}

#[derive(Template)]
#[template(path = "pages/search.html")]
pub struct SearchPage {
    pub l: Layout,
    pub message: Option<String>,
    pub searched: bool,
    pub total: i64,
    pub results: Vec<ResultView>,
    pub newer: Option<String>,
    pub older: Option<String>,
}

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorTemplate {
    pub l: Layout,
    pub code: u16,
    pub reason: String,
    pub message: String,
}
