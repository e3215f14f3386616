//! What a note says beyond its text, read from the Micropub properties it keeps: the
//! posts it responds to (reply, like, repost, bookmark), where it is syndicated, the
//! people it tags, photos hosted elsewhere, a summary and a place. Pages and feeds show
//! the same reading, so it lives here, once, free of any template.
//!
//! Writers send these verbatim, so every value is read leniently and every link is
//! checked: only `http(s)` URLs become `href`s (a `javascript:` target is dropped), and
//! outside photos must be `https` (the page's CSP allows no other remote images).

use serde_json::Value;

use super::Note;
use super::properties::RESPONSE_PROPERTIES;

/// Which kind of response a note is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    Reply,
    Like,
    Repost,
    Bookmark,
}

impl ResponseKind {
    /// The kind a response property names (`in-reply-to` …).
    fn of(property: &str) -> Option<Self> {
        match property {
            "in-reply-to" => Some(ResponseKind::Reply),
            "like-of" => Some(ResponseKind::Like),
            "repost-of" => Some(ResponseKind::Repost),
            "bookmark-of" => Some(ResponseKind::Bookmark),
            _ => None,
        }
    }

    /// The microformats property, also the `u-*` class on the link.
    pub fn property(self) -> &'static str {
        match self {
            ResponseKind::Reply => "in-reply-to",
            ResponseKind::Like => "like-of",
            ResponseKind::Repost => "repost-of",
            ResponseKind::Bookmark => "bookmark-of",
        }
    }

    /// The words before the target: "In reply to", "Liked"…
    pub fn verb(self) -> &'static str {
        match self {
            ResponseKind::Reply => "In reply to",
            ResponseKind::Like => "Liked",
            ResponseKind::Repost => "Reposted",
            ResponseKind::Bookmark => "Bookmarked",
        }
    }
}

/// A page referred to: its URL and the name to show for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cite {
    pub url: String,
    /// The writer's name for it (an h-cite's or h-card's `name`), else the URL's host
    /// and path.
    pub name: String,
    /// Sent as an object (`h-cite` / `h-card`) rather than a bare URL; pages render it
    /// as a nested microformat so a parser reads back what the client sent.
    pub object: bool,
}

/// One response property with its targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub kind: ResponseKind,
    pub targets: Vec<Cite>,
}

impl Response {
    /// "Liked example.com/post" (the first target): a title for a note without text.
    pub fn sentence(&self) -> String {
        match self.targets.first() {
            Some(t) => format!("{} {}", self.kind.verb(), t.name),
            None => self.kind.verb().to_string(),
        }
    }
}

/// A photo hosted elsewhere (Micropub `photo` URLs), shown as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedPhoto {
    pub url: String,
    pub alt: String,
}

/// Everything a note's properties add to its entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    pub responses: Vec<Response>,
    /// Copies elsewhere (Micropub `syndication`).
    pub syndication: Vec<Cite>,
    /// People tagged (`category` URLs and h-cards).
    pub people: Vec<Cite>,
    pub photos: Vec<LinkedPhoto>,
    pub summary: Option<String>,
    /// The name of a `checkin` or `location` place, with its URL when it has one.
    pub place: Option<(String, Option<String>)>,
}

impl Context {
    /// Reads the note's properties.
    pub fn of(note: &Note) -> Self {
        let p = &note.properties;
        Context {
            responses: RESPONSE_PROPERTIES
                .iter()
                .filter_map(|name| {
                    let targets: Vec<Cite> = p.values(name).iter().filter_map(cite).collect();
                    let kind = ResponseKind::of(name)?;
                    (!targets.is_empty()).then_some(Response { kind, targets })
                })
                .collect(),
            syndication: p.values("syndication").iter().filter_map(cite).collect(),
            people: p.values("category").iter().filter_map(cite).collect(),
            photos: p.values("photo").iter().filter_map(linked_photo).collect(),
            summary: p.values("summary").iter().find_map(text),
            place: ["checkin", "location"]
                .iter()
                .find_map(|name| p.values(name).iter().find_map(place)),
        }
    }

    /// A title for a note with no name and no text: the response ("Liked
    /// example.com/post"), else the first photo's caption or "Photo".
    pub fn describe(&self, note: &Note) -> Option<String> {
        if let Some(r) = self.responses.first() {
            return Some(r.sentence());
        }
        let caption = note
            .photos
            .iter()
            .map(|p| p.alt().trim().to_string())
            .chain(self.photos.iter().map(|p| p.alt.trim().to_string()))
            .find(|a| !a.is_empty());
        if caption.is_some() {
            return caption;
        }
        (!note.photos.is_empty() || !self.photos.is_empty()).then(|| "Photo".to_string())
    }
}

/// An `http(s)` URL with a host, as written (trimmed).
pub fn web_url(s: &str) -> Option<String> {
    let s = s.trim();
    let u = url::Url::parse(s).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.host().is_some()).then(|| s.to_string())
}

/// Longest label shown for a bare URL, in characters: a slug-like path can be endless.
const LABEL_CHARS: usize = 60;

/// How a bare URL is shown: host (without `www.`) and path, no trailing slash, no query,
/// cut with an ellipsis past [`LABEL_CHARS`].
pub fn url_label(s: &str) -> String {
    let Ok(u) = url::Url::parse(s) else {
        return s.to_string();
    };
    let host = u.host_str().unwrap_or("");
    let host = host.strip_prefix("www.").unwrap_or(host);
    let label = format!("{host}{}", u.path().trim_end_matches('/'));
    if label.chars().count() <= LABEL_CHARS {
        return label;
    }
    let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{cut}…")
}

/// The first string of an object's property.
fn first_string(obj: &Value, name: &str) -> Option<String> {
    obj.get("properties")?
        .get(name)?
        .as_array()?
        .iter()
        .find_map(text)
}

/// A non-blank string value, trimmed; an `{"value": …}` object gives its value.
fn text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o.get("value")?.as_str()?,
        _ => return None,
    };
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A URL string or an `h-cite` / `h-card` object with a `url`; anything else is not a
/// link this page can show.
fn cite(v: &Value) -> Option<Cite> {
    match v {
        Value::String(s) => {
            let url = web_url(s)?;
            Some(Cite {
                name: url_label(&url),
                url,
                object: false,
            })
        }
        Value::Object(_) => {
            let url = first_string(v, "url").and_then(|u| web_url(&u))?;
            Some(Cite {
                name: first_string(v, "name").unwrap_or_else(|| url_label(&url)),
                url,
                object: true,
            })
        }
        _ => None,
    }
}

/// A photo URL (string, or `{"value", "alt"}`) that a page may load: `https` only.
fn linked_photo(v: &Value) -> Option<LinkedPhoto> {
    let url = web_url(&text(v)?).filter(|u| u.starts_with("https://"))?;
    let alt = v
        .get("alt")
        .and_then(Value::as_str)
        .map(|a| a.trim().to_string())
        .unwrap_or_default();
    Some(LinkedPhoto { url, alt })
}

/// A named place: an h-card / h-adr object with a `name`. A bare `geo:` URI or an
/// address without a name says nothing a reader could use.
fn place(v: &Value) -> Option<(String, Option<String>)> {
    let name = first_string(v, "name")?;
    Some((name, first_string(v, "url").and_then(|u| web_url(&u))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Properties;
    use serde_json::json;

    fn note(props: Value) -> Note {
        Note {
            id: 1,
            slug: crate::domain::Slug::parse("x").unwrap(),
            title: None,
            content: String::new(),
            content_kind: Default::default(),
            name_given: false,
            status: crate::domain::Status::Published,
            created_at: chrono::Utc::now(),
            published_at: None,
            updated_at: chrono::Utc::now(),
            deleted_at: None,
            properties: Properties::from_value(props).unwrap(),
            tags: vec![],
            photos: vec![],
        }
    }

    #[test]
    fn responses_read_urls_and_h_cites() {
        let n = note(json!({
            "like-of": ["https://www.example.com/post/", "javascript:alert(1)"],
            "in-reply-to": [{"type": ["h-cite"], "properties": {
                "url": ["https://a.example/1"], "name": ["A post"]}}]
        }));
        let c = Context::of(&n);
        assert_eq!(c.responses.len(), 2);
        assert_eq!(c.responses[0].kind, ResponseKind::Reply);
        assert_eq!(c.responses[0].targets[0].name, "A post");
        assert!(c.responses[0].targets[0].object);
        assert_eq!(c.responses[1].targets.len(), 1, "javascript: is dropped");
        assert_eq!(c.responses[1].sentence(), "Liked example.com/post");
        assert_eq!(c.describe(&n).as_deref(), Some("In reply to A post"));
        let long = format!("https://a.example/{}", "x".repeat(100));
        assert_eq!(url_label(&long).chars().count(), LABEL_CHARS);
        assert!(url_label(&long).ends_with('…'));
    }

    #[test]
    fn people_photos_summary_place() {
        let n = note(json!({
            "category": ["https://alice.example/", {"type": ["h-card"], "properties": {
                "name": ["Bob"], "url": ["https://bob.example/"]}}],
            "photo": ["http://insecure.example/a.jpg",
                      {"value": "https://cdn.example/b.jpg", "alt": "A cat"}],
            "summary": ["  In short  "],
            "location": ["geo:1,2"],
            "checkin": [{"type": ["h-card"], "properties": {"name": ["Café"]}}],
        }));
        let c = Context::of(&n);
        let names: Vec<_> = c.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["alice.example", "Bob"]);
        assert_eq!(
            c.photos,
            [LinkedPhoto {
                url: "https://cdn.example/b.jpg".into(),
                alt: "A cat".into()
            }]
        );
        assert_eq!(c.summary.as_deref(), Some("In short"));
        assert_eq!(c.place, Some(("Café".into(), None)));
        assert_eq!(c.describe(&n).as_deref(), Some("A cat"));
        let bare = note(json!({"photo": ["https://cdn.example/c.jpg"]}));
        assert_eq!(Context::of(&bare).describe(&bare).as_deref(), Some("Photo"));
        assert_eq!(
            Context::of(&note(json!({}))).describe(&note(json!({}))),
            None
        );
    }
}
