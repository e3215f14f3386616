//! What crawlers read: robots.txt and the sitemap, parsed as XML as a crawler would;
//! and the JSON Feed without an empty extension object.

use axum::http::StatusCode;
use starpunk::domain::time::rfc3339;
use starpunk::domain::{NoteUpdate, Patch};

use crate::helpers::{SITE, TestApp};

const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// `(loc, lastmod)` of every `<url>` of a sitemap.
fn sitemap_urls(xml: &str) -> Vec<(String, Option<String>)> {
    let doc = roxmltree::Document::parse(xml).expect("the sitemap is well-formed XML");
    let root = doc.root_element();
    assert!(root.has_tag_name((NS, "urlset")), "a urlset: {xml}");
    let child = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((NS, name)))
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    root.children()
        .filter(|n| n.has_tag_name((NS, "url")))
        .map(|u| (child(u, "loc").expect("a loc"), child(u, "lastmod")))
        .collect()
}

#[tokio::test]
async fn robots_keeps_crawlers_out_of_admin_and_names_the_sitemap() {
    let app = TestApp::new().await;
    let res = app.get("/robots.txt").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("content-type").starts_with("text/plain"));
    let lines: Vec<&str> = res.body.lines().map(str::trim).collect();
    assert!(lines.contains(&"User-agent: *"));
    assert!(lines.contains(&"Disallow: /admin/"));
    assert!(lines.contains(&"Disallow: /auth/"));
    assert!(!lines.contains(&"Disallow: /"), "the rest is allowed");
    assert!(lines.contains(&format!("Sitemap: {SITE}/sitemap.xml").as_str()));
}

#[tokio::test]
async fn sitemap_lists_home_and_published_notes_only() {
    let app = TestApp::new().await;
    let old = app.note("Old note", &["alpha"]).await;
    let edited = app.note("To be edited", &[]).await;
    let edited = app
        .state
        .notes
        .update(
            edited.id,
            NoteUpdate {
                patch: Patch::default().replace("content", vec!["Edited".into()]),
                photos: None,
            },
        )
        .await
        .unwrap();
    let draft = app.draft("A draft").await;
    let gone = app.note("Deleted note", &[]).await;
    app.state.notes.delete(gone.id).await.unwrap();

    let res = app.get("/sitemap.xml").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("content-type").starts_with("application/xml"));
    let urls = sitemap_urls(&res.body);
    let locs: Vec<&str> = urls.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        locs,
        [
            format!("{SITE}/"),
            format!("{SITE}{}", old.path()),
            format!("{SITE}{}", edited.path()),
        ],
        "home, then the public notes oldest first"
    );
    assert!(!res.body.contains(draft.slug.as_str()), "no draft");
    assert!(!res.body.contains(gone.slug.as_str()), "no deleted note");
    let lastmod = |n: &starpunk::domain::Note| rfc3339(n.updated_at.max(n.date()));
    assert_eq!(urls[1].1.as_deref(), Some(lastmod(&old).as_str()));
    assert_eq!(urls[2].1.as_deref(), Some(lastmod(&edited).as_str()));
    assert_eq!(urls[0].1.as_deref(), Some(lastmod(&edited).as_str()));
    for (_, m) in &urls {
        let m = m.as_deref().expect("every URL has a lastmod");
        chrono::DateTime::parse_from_rfc3339(m).expect("a W3C datetime");
    }

    // Cached like the feeds: conditional GET, and a write shows at once.
    let etag = res.header("etag").to_string();
    let again = app
        .get_with("/sitemap.xml", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(!res.header("last-modified").is_empty());
    let new = app.note("Brand new", &[]).await;
    let fresh = app
        .get_with("/sitemap.xml", &[("if-none-match", &etag)])
        .await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert!(fresh.body.contains(&format!("{SITE}{}", new.path())));

    // One file is enough: there are no pages behind an index.
    for path in [
        "/sitemap-1.xml",
        "/sitemap-0.xml",
        "/sitemap-x.xml",
        "/sitemap-2.xml",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn json_feed_has_no_empty_extension_object() {
    let app = TestApp::new().await;
    app.note("A note", &[]).await;
    let v: serde_json::Value = serde_json::from_str(&app.get("/feed.json").await.body).unwrap();
    assert!(
        v.get("_starpunk").is_none(),
        "no `_starpunk` without STARPUNK_ABOUT_URL: {v}"
    );
    assert_eq!(v["items"][0]["_starpunk"]["word_count"], 2);
}
