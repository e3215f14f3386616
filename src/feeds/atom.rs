//! Atom 1.0 (RFC 4287): ids, `updated`, author, self/alternate links, HTML content and
//! `<category term label>`.

use std::fmt::Write;

use super::model::Feed;
use super::xml::esc;
use crate::domain::time::rfc3339;

/// Writes the feed; `self_url` is the absolute URL it is served at.
pub fn write(feed: &Feed, self_url: &str) -> String {
    let mut o = String::with_capacity(4096 + feed.items.len() * 2048);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:thr=\"http://purl.org/syndication/thread/1.0\" xml:lang=\"en\">\n");
    let _ = writeln!(o, "<id>{}/</id>", esc(&feed.site_url));
    let _ = writeln!(o, "<title>{}</title>", esc(&feed.title));
    if !feed.description.is_empty() {
        let _ = writeln!(o, "<subtitle>{}</subtitle>", esc(&feed.description));
    }
    let _ = writeln!(o, "<updated>{}</updated>", rfc3339(feed.updated));
    let _ = writeln!(
        o,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        esc(self_url)
    );
    let _ = writeln!(
        o,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}/\"/>",
        esc(&feed.site_url)
    );
    let _ = writeln!(
        o,
        "<author><name>{}</name><uri>{}</uri></author>",
        esc(&feed.author.name),
        esc(&feed.author.url)
    );
    o.push_str("<generator>StarPunk</generator>\n");
    for item in &feed.items {
        o.push_str("<entry>\n");
        let _ = writeln!(o, "<id>{}</id>", esc(&item.url));
        let title = item.title.as_deref().unwrap_or(&item.fallback_title);
        let _ = writeln!(o, "<title>{}</title>", esc(title));
        let _ = writeln!(
            o,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            esc(&item.url)
        );
        for p in &item.photos {
            let title = p
                .caption
                .as_deref()
                .map(|c| format!(" title=\"{}\"", esc(c)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<link rel=\"enclosure\" type=\"{}\" length=\"{}\" href=\"{}\"{title}/>",
                esc(&p.full.mime),
                p.full.bytes,
                esc(&p.full.url)
            );
        }
        // RFC 4685: readers that follow conversations link the reply to its post.
        for target in &item.in_reply_to {
            let _ = writeln!(
                o,
                "<thr:in-reply-to ref=\"{0}\" href=\"{0}\"/>",
                esc(target)
            );
        }
        let _ = writeln!(o, "<published>{}</published>", rfc3339(item.published));
        let _ = writeln!(o, "<updated>{}</updated>", rfc3339(item.updated));
        let _ = writeln!(o, "<content type=\"html\">{}</content>", esc(&item.html));
        for (name, display, url) in &item.tags {
            let scheme = url.strip_suffix(name.as_str()).unwrap_or(url);
            let _ = writeln!(
                o,
                "<category term=\"{}\" label=\"{}\" scheme=\"{}\"/>",
                esc(name),
                esc(display),
                esc(scheme)
            );
        }
        o.push_str("</entry>\n");
    }
    o.push_str("</feed>\n");
    o
}
