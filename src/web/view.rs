//! View models and askama templates for the public pages.

use askama::Template;

use crate::site::Author;
use crate::site::layout::Layout;

mod entry;

pub use entry::{EntryView, LinkView, PHOTO_SIZES, PhotoView, TagView};

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
