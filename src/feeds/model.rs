//! What every feed format is written from: the site and its latest public notes.

use chrono::{DateTime, Utc};

use super::content::item_html;
use crate::domain::context::{Context, ResponseKind};
use crate::domain::markdown::{excerpt, html_to_text, word_count};
use crate::domain::tag::tag_path;
use crate::domain::{Note, Photo};
use crate::media::VariantName;
use crate::notes::note_html;
use crate::site::{Author, Site};

/// One file of a photo (the stored image or a variant), with an absolute URL.
pub struct PhotoFile {
    pub url: String,
    pub mime: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
}

/// A photo of an item: the stored image, its resized variants and the thumbnail.
pub struct FeedPhoto {
    pub full: PhotoFile,
    /// Resized variants, narrowest first (the square thumbnail excluded).
    pub variants: Vec<PhotoFile>,
    pub thumb: Option<PhotoFile>,
    pub caption: Option<String>,
}

impl FeedPhoto {
    fn of(p: &Photo, site: &Site) -> Self {
        let m = &p.media;
        let file = |path: String, mime: &str, bytes: u64, width: u32, height: u32| PhotoFile {
            url: site.abs(&path),
            mime: mime.to_string(),
            bytes,
            width,
            height,
        };
        let variants = m
            .variants
            .iter()
            .filter(|v| v.name != VariantName::Thumb)
            .map(|v| file(v.url_path(), &v.mime, v.bytes, v.width, v.height))
            .collect();
        FeedPhoto {
            full: file(m.url_path(), &m.mime, m.bytes, m.width, m.height),
            variants,
            thumb: m
                .variant(VariantName::Thumb)
                .map(|v| file(v.url_path(), &v.mime, v.bytes, v.width, v.height)),
            caption: p.caption.clone(),
        }
    }

    /// Every file, largest (the stored image) last.
    pub fn files(&self) -> impl Iterator<Item = &PhotoFile> {
        self.variants.iter().chain(std::iter::once(&self.full))
    }
}

/// One feed item, with every URL absolute.
pub struct Item {
    /// The name, or for a note without text its description ("Liked …", "Photo").
    pub title: Option<String>,
    /// A short plain-text title for formats that require one (Atom).
    pub fallback_title: String,
    pub url: String,
    pub path: String,
    pub html: String,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// `(normalised name, display form, archive URL)`.
    pub tags: Vec<(String, String, String)>,
    pub word_count: usize,
    pub photos: Vec<FeedPhoto>,
    /// The item's picture: its first photo, stored or hosted elsewhere.
    pub image: Option<String>,
    /// The page liked, reposted or bookmarked (JSON Feed `external_url`).
    pub external_url: Option<String>,
    /// The posts replied to (Atom `thr:in-reply-to`).
    pub in_reply_to: Vec<String>,
}

impl Item {
    fn of(n: &Note, site: &Site) -> Self {
        let body = note_html(n, &site.url);
        let text = html_to_text(&body);
        let context = Context::of(n);
        let photos: Vec<FeedPhoto> = n.photos.iter().map(|p| FeedPhoto::of(p, site)).collect();
        // A like or a photo has no text to title it: readers show "Liked …" or "Photo".
        let described = if text.is_empty() {
            context.describe(n)
        } else {
            None
        };
        let external_url = context
            .responses
            .iter()
            .find(|r| r.kind != ResponseKind::Reply)
            .and_then(|r| r.targets.first())
            .map(|t| t.url.clone());
        let in_reply_to = context
            .responses
            .iter()
            .filter(|r| r.kind == ResponseKind::Reply)
            .flat_map(|r| r.targets.iter().map(|t| t.url.clone()))
            .collect();
        let published = n.date();
        Item {
            in_reply_to,
            title: n.title.clone().or_else(|| described.clone()),
            fallback_title: match described {
                Some(d) => d,
                None if text.is_empty() => n.slug.to_string(),
                None => excerpt(&text, 80),
            },
            url: site.abs(&n.path()),
            path: n.path(),
            word_count: word_count(&body),
            html: item_html(&context, &photos, &body),
            image: photos
                .first()
                .map(|p| p.full.url.clone())
                .or_else(|| context.photos.first().map(|p| p.url.clone())),
            photos,
            external_url,
            published,
            updated: n.updated_at.max(published),
            tags: n
                .tags
                .iter()
                .map(|t| {
                    (
                        t.name.clone(),
                        t.display.clone(),
                        site.abs(&tag_path(&t.name)),
                    )
                })
                .collect(),
        }
    }
}

/// A feed: site facts plus items, newest first.
pub struct Feed {
    pub title: String,
    pub site_url: String,
    pub description: String,
    pub author: Author,
    pub about_url: Option<String>,
    pub updated: DateTime<Utc>,
    pub items: Vec<Item>,
}

impl Feed {
    pub fn build(site: &Site, about_url: Option<String>, notes: &[Note]) -> Self {
        let items: Vec<Item> = notes.iter().map(|n| Item::of(n, site)).collect();
        let updated = items
            .iter()
            .map(|i| i.updated)
            .max()
            .unwrap_or_else(|| DateTime::from_timestamp(0, 0).unwrap_or_default());
        Feed {
            title: site.name.clone(),
            site_url: site.url.clone(),
            description: site.description.clone(),
            author: site.author(),
            about_url,
            updated,
            items,
        }
    }

    /// The feed description, never empty (RSS requires one).
    pub fn description_or_default(&self) -> String {
        if self.description.is_empty() {
            format!("Notes from {}", self.title)
        } else {
            self.description.clone()
        }
    }
}
