//! Sitemaps (sitemaps.org 0.9): the pure writers and the arithmetic of splitting the
//! site's URLs into pages under a `<sitemapindex>` once they pass the protocol's limit.

use chrono::{DateTime, Utc};

use super::xml::esc;
use crate::domain::time::rfc3339;

/// URLs one sitemap file may hold (the protocol's limit).
pub const MAX_URLS: u64 = 50_000;

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// One `<url>`: an absolute address and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlEntry {
    pub loc: String,
    pub lastmod: Option<DateTime<Utc>>,
}

/// How many sitemap files `notes` public notes (plus the home page) need at `size` URLs
/// a file. One file is served as `/sitemap.xml` itself; more go behind an index.
pub fn page_count(notes: u64, size: u64) -> u64 {
    (notes + 1).div_ceil(size.max(1))
}

/// Which notes sitemap page `page` (1-based) lists at `size` URLs a page: `(offset,
/// limit)` into the public notes, oldest first, and whether the home page leads it.
/// The home page is the first URL of the whole list, so page 1 has one note fewer.
pub fn window(page: u64, size: u64) -> (u64, u64, bool) {
    let size = size.max(1);
    let first_url = page.saturating_sub(1) * size;
    if first_url == 0 {
        (0, size - 1, true)
    } else {
        (first_url - 1, size, false)
    }
}

/// A `<urlset>` of `urls`.
pub fn urlset(urls: &[UrlEntry]) -> String {
    let mut out = String::with_capacity(256 + urls.len() * 120);
    out.push_str(HEAD);
    out.push_str(&format!("<urlset xmlns=\"{NS}\">\n"));
    for u in urls {
        out.push_str("<url><loc>");
        out.push_str(&esc(&u.loc));
        out.push_str("</loc>");
        if let Some(t) = u.lastmod {
            out.push_str("<lastmod>");
            out.push_str(&rfc3339(t));
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// A `<sitemapindex>` pointing at `{site_url}/sitemap-1.xml` … `sitemap-{pages}.xml`,
/// each with the site's latest change.
pub fn index(site_url: &str, pages: u64, lastmod: Option<DateTime<Utc>>) -> String {
    let mut out = String::with_capacity(256 + pages as usize * 120);
    out.push_str(HEAD);
    out.push_str(&format!("<sitemapindex xmlns=\"{NS}\">\n"));
    for n in 1..=pages {
        out.push_str("<sitemap><loc>");
        out.push_str(&esc(&format!("{site_url}/sitemap-{n}.xml")));
        out.push_str("</loc>");
        if let Some(t) = lastmod {
            out.push_str("<lastmod>");
            out.push_str(&rfc3339(t));
            out.push_str("</lastmod>");
        }
        out.push_str("</sitemap>\n");
    }
    out.push_str("</sitemapindex>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_split_every_url_exactly_once() {
        let size = 3;
        for notes in 0..12u64 {
            let pages = page_count(notes, size);
            assert_eq!(pages, (notes + 1).div_ceil(size), "{notes} notes");
            let mut listed = Vec::new();
            let mut homes = 0;
            for p in 1..=pages {
                let (offset, limit, home) = window(p, size);
                let on_page: Vec<u64> = (offset..(offset + limit).min(notes)).collect();
                let urls = on_page.len() as u64 + u64::from(home);
                assert!(
                    urls >= 1 && urls <= size,
                    "page {p} of {notes}: {urls} URLs"
                );
                homes += u64::from(home);
                listed.extend(on_page);
            }
            assert_eq!(homes, 1);
            assert_eq!(listed, (0..notes).collect::<Vec<_>>(), "{notes} notes");
        }
        assert_eq!(page_count(MAX_URLS - 1, MAX_URLS), 1);
        assert_eq!(page_count(MAX_URLS, MAX_URLS), 2);
    }

    #[test]
    fn writers_escape_and_parse() {
        let t = DateTime::parse_from_rfc3339("2024-01-02T03:04:05Z")
            .unwrap()
            .to_utc();
        let xml = urlset(&[
            UrlEntry {
                loc: "https://b.example/".into(),
                lastmod: None,
            },
            UrlEntry {
                loc: "https://b.example/note/a&b".into(),
                lastmod: Some(t),
            },
        ]);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let locs: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name((NS, "loc")))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(locs, ["https://b.example/", "https://b.example/note/a&b"]);
        assert!(xml.contains("<lastmod>2024-01-02T03:04:05Z</lastmod>"));
        let idx = index("https://b.example", 2, Some(t));
        let doc = roxmltree::Document::parse(&idx).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
        let locs: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name((NS, "loc")))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            locs,
            [
                "https://b.example/sitemap-1.xml",
                "https://b.example/sitemap-2.xml"
            ]
        );
    }
}
