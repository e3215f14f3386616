//! One note as a page shows it (an `h-entry`): its text, photos, the posts it responds
//! to, syndication links, person tags, summary and place.

use crate::domain::context::{Context, LinkedPhoto, Response, url_label};
use crate::domain::tag::tag_path;
use crate::domain::{Note, Photo};
use crate::media::VariantName;
use crate::notes::note_html;
use crate::site::Site;

use super::human_date;

/// A tag link.
pub struct TagView {
    pub display: String,
    pub url: String,
}

/// A link with the words shown for it (syndication copies, tagged people).
pub struct LinkView {
    pub url: String,
    pub label: String,
}

/// A photo as shown on a page: responsive `srcset`, intrinsic size, alt text. A photo
/// hosted elsewhere (`outside`) has only its URL: no variants, no known size.
pub struct PhotoView {
    pub src: String,
    pub full: String,
    /// Empty for an outside photo (then no `srcset` / `sizes`).
    pub srcset: String,
    /// 0 when unknown (an outside photo): no `width` / `height` attributes.
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: Option<String>,
    /// `loading="lazy"` for photos below the fold.
    pub lazy: bool,
    /// Hotlinked as sent: loaded without a referrer, not wrapped in a link.
    pub outside: bool,
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
            outside: false,
        }
    }

    /// A photo hosted elsewhere. Always lazy: its size is unknown, so it cannot hold its
    /// place while loading, and it should never delay the note's own photos.
    pub fn linked(p: &LinkedPhoto) -> Self {
        PhotoView {
            src: p.url.clone(),
            full: p.url.clone(),
            srcset: String::new(),
            width: 0,
            height: 0,
            alt: p.alt.clone(),
            caption: None,
            lazy: true,
            outside: true,
        }
    }
}

/// A named place (`p-location h-card`).
pub struct PlaceView {
    pub name: String,
    pub url: Option<String>,
}

/// One note as shown on a page.
pub struct EntryView {
    /// The explicit name (`p-name`); untitled notes have none.
    pub title: Option<String>,
    pub url: String,
    /// The sanitised content; empty when the note has no text (no `e-content` then).
    pub html: String,
    pub published_iso: String,
    pub published_human: String,
    pub updated_iso: String,
    pub updated_human: String,
    pub tags: Vec<TagView>,
    /// People tagged (`u-category h-card`), shown with the tags.
    pub people: Vec<LinkView>,
    /// The note's own photos, then photos hosted elsewhere.
    pub photos: Vec<PhotoView>,
    pub sizes: &'static str,
    pub responses: Vec<Response>,
    /// Copies elsewhere, labelled by host.
    pub syndication: Vec<LinkView>,
    pub summary: Option<String>,
    pub place: Option<PlaceView>,
    /// A title for a note without name or text ("Liked example.com/post", a photo's
    /// caption, "Photo"): the page title, never a `p-name`.
    pub described: Option<String>,
}

impl EntryView {
    /// The view of a note with every photo loading lazily.
    pub fn from_note(n: &Note, site: &Site) -> Self {
        Self::with_fold(n, site, 0)
    }

    /// Like [`from_note`](Self::from_note), with the first `eager` photos loading at once.
    pub fn with_fold(n: &Note, site: &Site, eager: usize) -> Self {
        let published = n.date();
        let context = Context::of(n);
        let html = note_html(n, &site.url);
        // Markup with no words and no picture (`<p></p>`) is no content to show.
        let html = if html.trim().is_empty()
            || (crate::domain::markdown::html_to_text(&html).is_empty() && !html.contains("<img"))
        {
            String::new()
        } else {
            html
        };
        let mut photos: Vec<PhotoView> = n
            .photos
            .iter()
            .enumerate()
            .map(|(i, p)| PhotoView::of(p, site, i >= eager))
            .collect();
        photos.extend(context.photos.iter().map(PhotoView::linked));
        EntryView {
            title: n.title.clone(),
            url: site.abs(&n.path()),
            described: if html.is_empty() && n.title.is_none() {
                context.describe(n)
            } else {
                None
            },
            html,
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
            people: context
                .people
                .iter()
                .map(|c| LinkView {
                    url: c.url.clone(),
                    label: c.name.clone(),
                })
                .collect(),
            photos,
            sizes: PHOTO_SIZES,
            syndication: context
                .syndication
                .iter()
                .map(|c| LinkView {
                    label: host_label(&c.url),
                    url: c.url.clone(),
                })
                .collect(),
            summary: context.summary,
            place: context.place.map(|(name, url)| PlaceView { name, url }),
            responses: context.responses,
        }
    }
}

/// `mastodon.social` for a syndication URL: where the copy is matters, not its path.
fn host_label(url: &str) -> String {
    let label = url_label(url);
    label.split('/').next().unwrap_or(&label).to_string()
}
