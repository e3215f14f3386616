//! The fields every page shares: site name and URLs, the owner's identity and h-card.

pub mod layout;
pub mod preview;

use std::sync::RwLock;

use axum::http::HeaderValue;

use crate::config::Config;

/// The author shown in `p-author` h-cards and in feeds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Author {
    pub name: String,
    pub url: String,
    pub photo: Option<String>,
}

/// A `rel` link advertised on every page (`<link>` and HTTP `Link`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelLink {
    pub rel: &'static str,
    pub href: String,
}

/// Shared site facts; the author may be refreshed at run time (h-card discovery), and
/// the owner's IndieAuth endpoints are added once discovered.
#[derive(Debug)]
pub struct Site {
    pub name: String,
    pub url: String,
    pub description: String,
    pub admin_me: Option<String>,
    pub dev_mode: bool,
    author: RwLock<Author>,
    /// Links from configuration (micropub, me).
    base_links: Vec<String>,
    /// The owner's discovered endpoints.
    discovered: RwLock<Vec<RelLink>>,
    link: RwLock<Option<HeaderValue>>,
}

impl Site {
    pub fn from_config(c: &Config) -> Self {
        let url = c
            .admin_me
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_else(|| format!("{}/", c.site_url));
        // Micropub verifies tokens with the owner's token endpoint: without `ADMIN_ME`
        // there is none, so the endpoint is not advertised.
        let mut links = Vec::new();
        if let Some(me) = &c.admin_me {
            links.push(format!("<{}/micropub>; rel=\"micropub\"", c.site_url));
            links.push(format!("<{me}>; rel=\"me\""));
        }
        Site {
            link: RwLock::new(link_value(&links)),
            base_links: links,
            discovered: RwLock::new(Vec::new()),
            name: c.site_name.clone(),
            url: c.site_url.clone(),
            description: c.site_description.clone(),
            admin_me: c.admin_me.as_ref().map(|u| u.to_string()),
            dev_mode: c.dev_mode,
            author: RwLock::new(Author {
                name: c.site_author.clone(),
                url,
                photo: None,
            }),
        }
    }

    /// The current author.
    pub fn author(&self) -> Author {
        match self.author.read() {
            Ok(a) => a.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the author (after an h-card fetch).
    pub fn set_author(&self, author: Author) {
        match self.author.write() {
            Ok(mut a) => *a = author,
            Err(poisoned) => *poisoned.into_inner() = author,
        }
    }

    /// The HTTP `Link` header advertising Micropub, the owner's identity and the
    /// owner's discovered IndieAuth endpoints.
    pub fn link_header(&self) -> Option<HeaderValue> {
        match self.link.read() {
            Ok(l) => l.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The owner's discovered endpoints, for `<link>` elements.
    pub fn discovered(&self) -> Vec<RelLink> {
        match self.discovered.read() {
            Ok(d) => d.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Records the owner's discovered endpoints; returns whether they changed (then
    /// cached pages must re-render).
    pub fn set_discovered(&self, links: Vec<RelLink>) -> bool {
        let mut all = self.base_links.clone();
        all.extend(
            links
                .iter()
                .map(|l| format!("<{}>; rel=\"{}\"", l.href, l.rel)),
        );
        let header = link_value(&all);
        let mut d = self.discovered.write().unwrap_or_else(|p| p.into_inner());
        if *d == links {
            return false;
        }
        *d = links;
        *self.link.write().unwrap_or_else(|p| p.into_inner()) = header;
        true
    }

    /// An absolute URL on this site.
    pub fn abs(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }
}

/// The `Link` header for these links; none at all when there are none.
fn link_value(links: &[String]) -> Option<HeaderValue> {
    if links.is_empty() {
        return None;
    }
    HeaderValue::from_str(&links.join(", ")).ok()
}
