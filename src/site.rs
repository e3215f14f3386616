//! The fields every page shares: site name and URLs, the owner's identity and h-card.

pub mod layout;
pub mod preview;
pub mod profile;

use std::sync::RwLock;

use axum::http::HeaderValue;

use crate::config::Config;

/// The author shown in `p-author` h-cards and in feeds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Author {
    pub name: String,
    pub url: String,
    pub photo: Option<String>,
    /// A short description (the owner's profile); shown on the home page's h-card.
    pub note: String,
}

/// A `rel` link advertised on every page (`<link>` and HTTP `Link`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelLink {
    pub rel: &'static str,
    pub href: String,
}

/// Shared site facts; the author may be refreshed at run time (h-card discovery or the
/// owner's profile), the owner's `rel=me` links replaced (profile), and an outside
/// provider's IndieAuth endpoints added once discovered.
#[derive(Debug)]
pub struct Site {
    pub name: String,
    pub url: String,
    pub description: String,
    /// `ADMIN_ME`: the owner's identity at an outside provider (`None`: the blog is it).
    pub admin_me: Option<String>,
    pub dev_mode: bool,
    author: RwLock<Author>,
    links: RwLock<Links>,
}

/// What every page advertises besides its feeds.
#[derive(Debug, Default)]
struct Links {
    /// `rel=me`: `ADMIN_ME`, or the profile's links in own-identity mode.
    me: Vec<String>,
    /// IndieAuth endpoints: the blog's own, or those discovered from `ADMIN_ME`.
    auth: Vec<RelLink>,
    /// The HTTP `Link` header built from all of the above and Micropub.
    header: Option<HeaderValue>,
}

impl Site {
    pub fn from_config(c: &Config) -> Self {
        let me = c.admin_me.as_ref().map(|u| u.to_string());
        // An outside provider's endpoints are discovered later; the blog's own are
        // known now.
        let auth = if c.own_identity() {
            own_endpoints(&c.site_url)
        } else {
            Vec::new()
        };
        let site = Site {
            links: RwLock::new(Links {
                me: me.iter().cloned().collect(),
                auth,
                header: None,
            }),
            name: c.site_name.clone(),
            url: c.site_url.clone(),
            description: c.site_description.clone(),
            admin_me: me,
            dev_mode: c.dev_mode,
            author: RwLock::new(Author {
                name: c.site_author.clone(),
                url: c.me(),
                photo: None,
                note: String::new(),
            }),
        };
        site.rebuild_header();
        site
    }

    /// The current author.
    pub fn author(&self) -> Author {
        match self.author.read() {
            Ok(a) => a.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the author (after an h-card fetch or a profile change).
    pub fn set_author(&self, author: Author) {
        match self.author.write() {
            Ok(mut a) => *a = author,
            Err(poisoned) => *poisoned.into_inner() = author,
        }
    }

    fn read_links(&self) -> std::sync::RwLockReadGuard<'_, Links> {
        self.links.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The HTTP `Link` header advertising Micropub, the owner's `rel=me` links and
    /// the IndieAuth endpoints in force.
    pub fn link_header(&self) -> Option<HeaderValue> {
        self.read_links().header.clone()
    }

    /// The IndieAuth endpoints in force, for `<link>` elements.
    pub fn auth_links(&self) -> Vec<RelLink> {
        self.read_links().auth.clone()
    }

    /// The owner's `rel=me` links, for `<link>` elements.
    pub fn rel_me(&self) -> Vec<String> {
        self.read_links().me.clone()
    }

    /// Records the owner's discovered endpoints; returns whether they changed (then
    /// cached pages must re-render).
    pub fn set_discovered(&self, links: Vec<RelLink>) -> bool {
        {
            let mut l = self.links.write().unwrap_or_else(|p| p.into_inner());
            if l.auth == links {
                return false;
            }
            l.auth = links;
        }
        self.rebuild_header();
        true
    }

    /// Replaces the owner's `rel=me` links (the profile, in own-identity mode);
    /// returns whether they changed.
    pub fn set_rel_me(&self, me: Vec<String>) -> bool {
        {
            let mut l = self.links.write().unwrap_or_else(|p| p.into_inner());
            if l.me == me {
                return false;
            }
            l.me = me;
        }
        self.rebuild_header();
        true
    }

    fn rebuild_header(&self) {
        let mut l = self.links.write().unwrap_or_else(|p| p.into_inner());
        let mut all = vec![format!("<{}/micropub>; rel=\"micropub\"", self.url)];
        all.extend(l.me.iter().map(|m| format!("<{m}>; rel=\"me\"")));
        all.extend(
            l.auth
                .iter()
                .map(|a| format!("<{}>; rel=\"{}\"", a.href, a.rel)),
        );
        l.header = HeaderValue::from_str(&all.join(", ")).ok();
    }

    /// An absolute URL on this site.
    pub fn abs(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }
}

/// The blog's own IndieAuth endpoints (own-identity mode).
fn own_endpoints(site_url: &str) -> Vec<RelLink> {
    [
        ("authorization_endpoint", "/auth/authorize"),
        ("token_endpoint", "/auth/token"),
        (
            "indieauth-metadata",
            "/.well-known/oauth-authorization-server",
        ),
    ]
    .into_iter()
    .map(|(rel, path)| RelLink {
        rel,
        href: format!("{site_url}{path}"),
    })
    .collect()
}
