//! The fields every HTML page's layout (`base.html`) shows: the site's facts, the
//! page's title, canonical URL and description, and its link-preview tags. Public
//! pages, error pages and auth's sign-in pages all render with it.

use super::preview::Preview;
use super::{RelLink, Site};

/// Fields of the shared layout (`base.html`).
pub struct Layout {
    pub title: String,
    pub site_name: String,
    pub site_url: String,
    pub description: String,
    /// The owner's `rel=me` links.
    pub rel_me: Vec<String>,
    pub canonical: Option<String>,
    /// The search box's current text.
    pub query: String,
    /// The IndieAuth endpoints in force, advertised as `<link>`s.
    pub auth_links: Vec<RelLink>,
    /// Open Graph / Twitter card facts, on pages worth sharing.
    pub preview: Option<Preview>,
}

impl Layout {
    /// The layout of a page titled `title` (empty: the site's name alone).
    pub fn new(site: &Site, title: impl Into<String>) -> Self {
        Layout {
            title: title.into(),
            site_name: site.name.clone(),
            site_url: site.url.clone(),
            description: site.description.clone(),
            rel_me: site.rel_me(),
            canonical: None,
            query: String::new(),
            auth_links: site.auth_links(),
            preview: None,
        }
    }

    /// Sets `<link rel="canonical">`.
    pub fn canonical(mut self, url: String) -> Self {
        self.canonical = Some(url);
        self
    }

    /// Adds link-preview tags.
    pub fn preview(mut self, p: Preview) -> Self {
        self.preview = Some(p);
        self
    }

    /// Replaces the site's description with the page's own, when it has one.
    pub fn description(mut self, d: String) -> Self {
        if !d.is_empty() {
            self.description = d;
        }
        self
    }
}
