//! Link previews: the Open Graph and Twitter card facts of a page, which chat apps and
//! social sites read to show a card instead of a bare link.

use crate::domain::Note;
use scraper::{ElementRef, Html, Node};

use crate::domain::context::Context;
use crate::domain::markdown::excerpt;
use crate::domain::media::VariantName;
use crate::site::Site;

/// Characters of a note's text used as its description.
pub const DESCRIPTION_CHARS: usize = 200;

/// The picture of a card: absolute URL, pixel size (0 when unknown) and alt text.
pub struct PreviewImage {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// What a page tells preview bots (`og:*`, `article:*`, `twitter:card`). The
/// description is the layout's (`<meta name="description">` and `og:description`).
pub struct Preview {
    /// `website` or `article`.
    pub kind: &'static str,
    pub title: String,
    /// The page's absolute, canonical URL.
    pub url: String,
    pub image: Option<PreviewImage>,
    /// RFC 3339 times of an article.
    pub published: Option<String>,
    pub modified: Option<String>,
}

impl Preview {
    /// A page of the site itself (home, tag archive).
    pub fn website(title: impl Into<String>, url: impl Into<String>) -> Self {
        Preview {
            kind: "website",
            title: title.into(),
            url: url.into(),
            image: None,
            published: None,
            modified: None,
        }
    }

    /// A note's permalink, titled `title`, pictured by its first photo's large variant
    /// (or the stored image when it has none), else by a photo hosted elsewhere (its
    /// size unknown).
    pub fn article(note: &Note, site: &Site, title: String) -> Self {
        let outside = || {
            Context::of(note)
                .photos
                .into_iter()
                .next()
                .map(|p| PreviewImage {
                    url: p.url,
                    width: 0,
                    height: 0,
                    alt: p.alt,
                })
        };
        let image = note.photos.first().map(|p| {
            let m = &p.media;
            let (path, width, height) = match m.variant(VariantName::Large) {
                Some(v) if !m.animated => (v.url_path(), v.width, v.height),
                _ => (m.url_path(), m.width, m.height),
            };
            PreviewImage {
                url: site.abs(&path),
                width,
                height,
                alt: p.alt().to_string(),
            }
        });
        let image = image.or_else(outside);
        let published = note.date();
        Preview {
            kind: "article",
            title,
            url: site.abs(&note.path()),
            image,
            published: Some(crate::domain::time::rfc3339(published)),
            modified: Some(crate::domain::time::rfc3339(note.updated_at.max(published))),
        }
    }

    /// `summary_large_image` when there is a picture, else `summary`.
    pub fn twitter_card(&self) -> &'static str {
        if self.image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        }
    }
}

/// The plain-text description of rendered note HTML: its first words, no markup.
pub fn description(html: &str) -> String {
    excerpt(&plain_text(html), DESCRIPTION_CHARS)
}

/// The text of rendered HTML as a reader sees it: entities decoded, words separated at
/// blocks but not at inline markup (`**left**.` is `left.`), whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let mut text = String::with_capacity(html.len());
    walk(doc.root_element(), &mut text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Elements that separate words; inline ones (`<strong>`, `<a>`) do not.
const BLOCKS: &[&str] = &[
    "address",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "td",
    "th",
    "tr",
    "ul",
];

/// Appends the text under `el`, a space around each block.
fn walk(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let block = BLOCKS.contains(&e.name());
                if block {
                    out.push(' ');
                }
                if let Some(c) = ElementRef::wrap(child) {
                    walk(c, out);
                }
                if block {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_is_plain_and_short() {
        let html = format!(
            "<p>A <em>quoted</em>, &quot;x&quot; &lt;b&gt;</p><ul><li>one</li><li>two</li></ul><p>{}</p>",
            "word ".repeat(100)
        );
        let d = description(&html);
        assert!(d.starts_with("A quoted, \"x\" <b> one two word"), "{d}");
        assert!(d.chars().count() <= DESCRIPTION_CHARS + 1, "{d}");
        assert!(d.ends_with('…'));
    }
}
