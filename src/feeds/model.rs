//! What every feed format is written from: the site and its latest public notes.

use chrono::{DateTime, Utc};

use crate::domain::Note;
use crate::domain::markdown::{excerpt, html_to_text, word_count};
use crate::domain::tag::tag_path;
use crate::notes::note_html;
use crate::web::site::{Author, Site};

/// One feed item, with every URL absolute.
pub struct Item {
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
        let items: Vec<Item> = notes
            .iter()
            .map(|n| {
                let html = note_html(n, &site.url);
                let text = html_to_text(&html);
                let published = n.date();
                Item {
                    title: n.title.clone(),
                    fallback_title: if text.is_empty() {
                        n.slug.to_string()
                    } else {
                        excerpt(&text, 80)
                    },
                    url: site.abs(&n.path()),
                    path: n.path(),
                    word_count: word_count(&html),
                    html,
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
            })
            .collect();
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
