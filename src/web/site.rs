//! The fields every page shares: site name and URLs, the owner's identity and h-card.

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

/// Shared site facts; the author may be refreshed at run time (h-card discovery).
#[derive(Debug)]
pub struct Site {
    pub name: String,
    pub url: String,
    pub description: String,
    pub admin_me: Option<String>,
    pub dev_mode: bool,
    author: RwLock<Author>,
    link: Option<HeaderValue>,
}

impl Site {
    pub fn from_config(c: &Config) -> Self {
        let url = c
            .admin_me
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_else(|| format!("{}/", c.site_url));
        let mut links = vec![format!("<{}/micropub>; rel=\"micropub\"", c.site_url)];
        if let Some(me) = &c.admin_me {
            links.push(format!("<{me}>; rel=\"me\""));
        }
        Site {
            link: HeaderValue::from_str(&links.join(", ")).ok(),
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

    /// The HTTP `Link` header advertising Micropub and the owner's identity.
    pub fn link_header(&self) -> Option<HeaderValue> {
        self.link.clone()
    }

    /// An absolute URL on this site.
    pub fn abs(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }
}
