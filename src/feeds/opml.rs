//! OPML 2.0 listing the site's feed, for readers that import subscriptions.

use std::fmt::Write;

use super::model::Feed;
use super::xml::esc;

/// Writes the OPML document.
pub fn write(feed: &Feed) -> String {
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n<head>\n");
    let _ = writeln!(o, "<title>{}</title>", esc(&feed.title));
    let _ = writeln!(o, "<ownerName>{}</ownerName>", esc(&feed.author.name));
    let _ = writeln!(o, "<ownerId>{}</ownerId>", esc(&feed.author.url));
    o.push_str("</head>\n<body>\n");
    let _ = writeln!(
        o,
        "<outline type=\"rss\" text=\"{t}\" title=\"{t}\" xmlUrl=\"{u}/feed.rss\" htmlUrl=\"{u}/\"/>",
        t = esc(&feed.title),
        u = esc(&feed.site_url)
    );
    o.push_str("</body>\n</opml>\n");
    o
}
