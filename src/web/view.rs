//! View models and askama templates for the public pages.

use askama::Template;

use crate::domain::Note;
use crate::domain::tag::tag_path;
use crate::notes::note_html;
use crate::web::site::{Author, RelLink, Site};

/// Fields of the shared layout (`base.html`).
pub struct Layout {
    pub title: String,
    pub site_name: String,
    pub site_url: String,
    pub description: String,
    pub admin_me: Option<String>,
    pub canonical: Option<String>,
    /// The search box's current text.
    pub query: String,
    /// The owner's discovered IndieAuth endpoints, advertised as `<link>`s.
    pub auth_links: Vec<RelLink>,
}

impl Layout {
    pub fn new(site: &Site, title: impl Into<String>) -> Self {
        Layout {
            title: title.into(),
            site_name: site.name.clone(),
            site_url: site.url.clone(),
            description: site.description.clone(),
            admin_me: site.admin_me.clone(),
            canonical: None,
            query: String::new(),
            auth_links: site.discovered(),
        }
    }

    pub fn canonical(mut self, url: String) -> Self {
        self.canonical = Some(url);
        self
    }
}

/// A tag link.
pub struct TagView {
    pub display: String,
    pub url: String,
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
}

impl EntryView {
    pub fn from_note(n: &Note, site: &Site) -> Self {
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
