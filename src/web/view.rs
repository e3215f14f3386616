//! View models and askama templates for the public pages.

use askama::Template;

use crate::site::Author;
use crate::site::layout::Layout;

mod entry;

pub use entry::{EntryView, LinkView, PHOTO_SIZES, PhotoView, TagView};

/// A visible `rel=me` link: the address and a short label for it.
pub struct MeLink {
    pub href: String,
    /// `mastodon.example/@ada`: the address without its scheme and trailing slash.
    pub label: String,
}

/// The owner's profile links as the home h-card shows them: only in own-identity mode
/// (with `ADMIN_ME` set the owner's h-card lives there, and the page shows no links).
pub fn me_links(site: &crate::site::Site) -> Vec<MeLink> {
    if site.admin_me.is_some() {
        return Vec::new();
    }
    site.rel_me()
        .into_iter()
        .map(|href| {
            let bare = href
                .strip_prefix("https://")
                .or_else(|| href.strip_prefix("http://"))
                .unwrap_or(&href);
            let label = bare.strip_suffix('/').unwrap_or(bare).to_string();
            MeLink { href, label }
        })
        .collect()
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
    /// The owner's other profiles, shown as visible `rel=me` links on the home h-card
    /// (own-identity mode; empty otherwise).
    pub me_links: Vec<MeLink>,
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
    /// Whether `total` is the whole count ("More than" it otherwise).
    pub total_exact: bool,
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
