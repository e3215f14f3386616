//! RSS 2.0 with `atom:link rel=self`, permalink GUIDs, RFC 822 dates, HTML content and
//! `<category>`.

use std::fmt::Write;

use super::model::Feed;
use super::xml::esc;
use crate::domain::time::rfc822;

/// Writes the feed; `self_url` is the absolute URL it is served at.
pub fn write(feed: &Feed, self_url: &str) -> String {
    let mut o = String::with_capacity(4096 + feed.items.len() * 2048);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:media=\"http://search.yahoo.com/mrss/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
    let _ = writeln!(o, "<title>{}</title>", esc(&feed.title));
    let _ = writeln!(o, "<link>{}/</link>", esc(&feed.site_url));
    let _ = writeln!(
        o,
        "<description>{}</description>",
        esc(&feed.description_or_default())
    );
    o.push_str("<language>en</language>\n");
    let _ = writeln!(
        o,
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        esc(self_url)
    );
    let _ = writeln!(o, "<lastBuildDate>{}</lastBuildDate>", rfc822(feed.updated));
    o.push_str("<generator>StarPunk</generator>\n");
    // RSS's own author fields want an email address; Dublin Core carries the name.
    let _ = writeln!(o, "<dc:creator>{}</dc:creator>", esc(&feed.author.name));
    for item in &feed.items {
        o.push_str("<item>\n");
        if let Some(t) = &item.title {
            let _ = writeln!(o, "<title>{}</title>", esc(t));
        }
        let _ = writeln!(o, "<link>{}</link>", esc(&item.url));
        let _ = writeln!(o, "<guid isPermaLink=\"true\">{}</guid>", esc(&item.url));
        let _ = writeln!(o, "<pubDate>{}</pubDate>", rfc822(item.published));
        let _ = writeln!(o, "<dc:creator>{}</dc:creator>", esc(&feed.author.name));
        let _ = writeln!(o, "<description>{}</description>", esc(&item.html));
        for (_, display, _) in &item.tags {
            let _ = writeln!(o, "<category>{}</category>", esc(display));
        }
        // RSS allows one enclosure: the first photo. Media RSS carries all of them.
        if let Some(p) = item.photos.first() {
            let _ = writeln!(
                o,
                "<enclosure url=\"{}\" length=\"{}\" type=\"{}\"/>",
                esc(&p.full.url),
                p.full.bytes,
                esc(&p.full.mime)
            );
        }
        for p in &item.photos {
            o.push_str("<media:group>\n");
            for f in p.files() {
                let default = if std::ptr::eq(f, &p.full) {
                    " isDefault=\"true\""
                } else {
                    ""
                };
                let _ = writeln!(
                    o,
                    "<media:content url=\"{}\" type=\"{}\" medium=\"image\" fileSize=\"{}\" width=\"{}\" height=\"{}\"{default}/>",
                    esc(&f.url),
                    esc(&f.mime),
                    f.bytes,
                    f.width,
                    f.height
                );
            }
            if let Some(t) = &p.thumb {
                let _ = writeln!(
                    o,
                    "<media:thumbnail url=\"{}\" width=\"{}\" height=\"{}\"/>",
                    esc(&t.url),
                    t.width,
                    t.height
                );
            }
            if let Some(c) = &p.caption {
                let _ = writeln!(o, "<media:title type=\"plain\">{}</media:title>", esc(c));
            }
            o.push_str("</media:group>\n");
        }
        o.push_str("</item>\n");
    }
    o.push_str("</channel>\n</rss>\n");
    o
}
