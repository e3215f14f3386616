//! The HTML of a feed item: what a reader shows of a note, in the page's order. Feed
//! readers ignore microformats, so the response context ("In reply to …"), photos
//! hosted elsewhere and syndication links are written into the content itself.

use super::model::FeedPhoto;
use super::xml::esc;
use crate::domain::context::{Context, url_label};

/// The item's HTML: response lines, the note's photos, outside photos, the note's own
/// (already sanitised) `body`, then where else it can be read.
pub fn item_html(context: &Context, photos: &[FeedPhoto], body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 256);
    for r in &context.responses {
        let links: Vec<String> = r
            .targets
            .iter()
            .map(|t| format!("<a href=\"{}\">{}</a>", esc(&t.url), esc(&t.name)))
            .collect();
        out.push_str(&format!("<p>{} {}</p>", r.kind.verb(), links.join(", ")));
    }
    // Readers that ignore enclosures still show the photos, above the text as on the page.
    for p in photos {
        let src = p
            .variants
            .iter()
            .rev()
            .find(|v| v.width <= 1280)
            .unwrap_or(&p.full);
        out.push_str(&format!(
            "<p><img src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\"></p>",
            esc(&src.url),
            esc(p.caption.as_deref().unwrap_or("")),
            src.width,
            src.height
        ));
    }
    for p in &context.photos {
        out.push_str(&format!(
            "<p><img src=\"{}\" alt=\"{}\"></p>",
            esc(&p.url),
            esc(&p.alt)
        ));
    }
    out.push_str(body);
    if !context.syndication.is_empty() {
        let links: Vec<String> = context
            .syndication
            .iter()
            .map(|s| {
                let label = url_label(&s.url);
                let host = label.split('/').next().unwrap_or(&label);
                format!("<a href=\"{}\">{}</a>", esc(&s.url), esc(host))
            })
            .collect();
        out.push_str(&format!("<p>Also on: {}</p>", links.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::context::{Cite, LinkedPhoto, Response, ResponseKind};

    #[test]
    fn context_comes_first_and_is_escaped() {
        let c = Context {
            responses: vec![Response {
                kind: ResponseKind::Reply,
                targets: vec![Cite {
                    url: "https://a.example/?x=1&y=2".into(),
                    name: "A <post>".into(),
                    object: true,
                }],
            }],
            syndication: vec![Cite {
                url: "https://mastodon.social/@me/1".into(),
                name: String::new(),
                object: false,
            }],
            photos: vec![LinkedPhoto {
                url: "https://cdn.example/a.jpg".into(),
                alt: "A \"cat\"".into(),
            }],
            ..Default::default()
        };
        let html = item_html(&c, &[], "<p>body</p>");
        assert_eq!(
            html,
            "<p>In reply to <a href=\"https://a.example/?x=1&amp;y=2\">A &lt;post&gt;</a></p>\
             <p><img src=\"https://cdn.example/a.jpg\" alt=\"A &quot;cat&quot;\"></p>\
             <p>body</p><p>Also on: <a href=\"https://mastodon.social/@me/1\">mastodon.social</a></p>"
        );
    }
}
