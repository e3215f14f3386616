//! Feeds read as a feed reader reads them (feedparser), and as XML parsers see them.

use axum::http::StatusCode;

use crate::helpers::{SITE, TestApp, entry_count, parse_feed};

async fn app_with_notes() -> TestApp {
    let app = TestApp::with(&[
        ("SITE_DESCRIPTION", "A test blog & more"),
        ("STARPUNK_ABOUT_URL", "https://starpunk.example/ext"),
    ])
    .await;
    app.note(
        "# Titled <one>\n\nSee [this](/about) & that.",
        &["Rust", "IndieWeb"],
    )
    .await;
    app.draft("a draft that must not leak").await;
    app.note("Untitled second note", &[]).await;
    app
}

#[tokio::test]
async fn rss_is_valid_and_complete() {
    let app = app_with_notes().await;
    let res = app.get("/feed.rss").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.header("content-type")
            .starts_with("application/rss+xml")
    );
    let doc = roxmltree::Document::parse(&res.body).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "rss");
    let self_link = root
        .descendants()
        .find(|n| {
            n.tag_name().namespace() == Some("http://www.w3.org/2005/Atom")
                && n.tag_name().name() == "link"
        })
        .expect("atom:link in the Atom namespace");
    assert_eq!(self_link.attribute("rel"), Some("self"));
    assert_eq!(
        self_link.attribute("href"),
        Some(&*format!("{SITE}/feed.rss"))
    );

    let f = parse_feed(&res.body);
    assert_eq!(f["bozo"], 0, "{}", f["bozo_exception"]);
    assert_eq!(f["version"], "rss20");
    let entries = f["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "drafts stay out");
    assert!(!res.body.contains("must not leak"));
    let titled = &entries[1];
    assert_eq!(titled["title"], "Titled <one>");
    assert!(
        titled["link"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{SITE}/note/"))
    );
    assert_eq!(titled["id"], titled["link"], "guid is the permalink");
    let guid = doc
        .descendants()
        .find(|n| n.tag_name().name() == "guid")
        .unwrap();
    assert_eq!(guid.attribute("isPermaLink"), Some("true"));
    let html = titled["summary"].as_str().unwrap();
    assert!(
        html.contains(&format!("href=\"{SITE}/about\"")),
        "absolute URLs inside content: {html}"
    );
    let tags: Vec<&str> = titled["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["Rust", "IndieWeb"]);
    assert!(
        titled["published"].as_str().unwrap().ends_with("+0000"),
        "RFC 822 date"
    );
}

#[tokio::test]
async fn atom_is_rfc4287() {
    let app = app_with_notes().await;
    let res = app.get("/feed.atom").await;
    assert!(
        res.header("content-type")
            .starts_with("application/atom+xml")
    );
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    for required in ["id", "title", "updated", "author"] {
        assert!(
            root.children().any(|n| n.tag_name().name() == required),
            "feed has {required}"
        );
    }
    for entry in root.children().filter(|n| n.tag_name().name() == "entry") {
        for required in ["id", "title", "updated", "content", "link"] {
            assert!(
                entry.children().any(|n| n.tag_name().name() == required),
                "entry has {required}"
            );
        }
    }
    let f = parse_feed(&res.body);
    assert_eq!(f["bozo"], 0, "{}", f["bozo_exception"]);
    assert_eq!(f["version"], "atom10");
    assert_eq!(f["feed"]["author"], "Ada Owner");
    let links = f["feed"]["links"].as_array().unwrap();
    assert!(
        links
            .iter()
            .any(|l| l["rel"] == "self" && l["href"] == format!("{SITE}/feed.atom"))
    );
    assert!(
        links
            .iter()
            .any(|l| l["rel"] == "alternate" && l["href"] == format!("{SITE}/"))
    );
    let titled = &f["entries"].as_array().unwrap()[1];
    assert_eq!(titled["content"][0]["type"], "text/html");
    let tags = titled["tags"].as_array().unwrap();
    assert_eq!(tags[0]["term"], "rust");
    assert_eq!(tags[0]["label"], "Rust");
}

#[tokio::test]
async fn json_feed_1_1() {
    let app = app_with_notes().await;
    let res = app.get("/feed.json").await;
    assert!(
        res.header("content-type")
            .starts_with("application/feed+json")
    );
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(v["feed_url"], format!("{SITE}/feed.json"));
    assert_eq!(v["home_page_url"], format!("{SITE}/"));
    assert_eq!(v["authors"][0]["name"], "Ada Owner");
    assert_eq!(v["_starpunk"]["about"], "https://starpunk.example/ext");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let titled = &items[1];
    assert_eq!(titled["title"], "Titled <one>");
    assert!(items[0].get("title").is_none());
    assert_eq!(titled["tags"], serde_json::json!(["Rust", "IndieWeb"]));
    assert!(
        titled["content_html"]
            .as_str()
            .unwrap()
            .contains(&format!("{SITE}/about"))
    );
    assert!(
        titled["_starpunk"]["permalink_path"]
            .as_str()
            .unwrap()
            .starts_with("/note/")
    );
    assert_eq!(titled["_starpunk"]["word_count"], 4);
    assert!(titled["date_published"].as_str().unwrap().ends_with('Z'));
    // as a feed reader sees it
    let f = feed_rs::parser::parse(res.body.as_bytes()).unwrap();
    assert_eq!(f.feed_type, feed_rs::model::FeedType::JSON);
    assert_eq!(f.entries.len(), 2);
    let e = &f.entries[1];
    assert_eq!(e.title.as_ref().unwrap().content, "Titled <one>");
    assert_eq!(e.links[0].href, titled["url"].as_str().unwrap());
    assert!(e.published.is_some() && e.updated.is_some());
    assert_eq!(
        e.categories
            .iter()
            .map(|c| c.term.as_str())
            .collect::<Vec<_>>(),
        ["Rust", "IndieWeb"]
    );
    assert_eq!(f.authors[0].name.as_deref(), Some("Ada Owner"));
}

#[tokio::test]
async fn negotiation_legacy_and_opml() {
    let app = app_with_notes().await;
    let cases = [
        (None, "application/rss+xml"),
        (Some("application/atom+xml"), "application/atom+xml"),
        (Some("application/feed+json"), "application/feed+json"),
        (
            Some("application/json;q=0.9, application/atom+xml;q=0.5"),
            "application/feed+json",
        ),
        (Some("text/html, */*;q=0.1"), "application/rss+xml"),
    ];
    for (accept, want) in cases {
        let headers: Vec<(&str, &str)> = accept.map(|a| vec![("accept", a)]).unwrap_or_default();
        let res = app.get_with("/feed", &headers).await;
        assert_eq!(res.status, StatusCode::OK, "{accept:?}");
        assert!(
            res.header("content-type").starts_with(want),
            "{accept:?} -> {}",
            res.header("content-type")
        );
        // Accept-Encoding too: the feeds are also served compressed.
        assert_eq!(res.header("vary"), "Accept, Accept-Encoding");
    }
    for bad in [
        "text/html",
        "garbage",
        "image/png;q=1",
        "application/atom+xml;q=0",
    ] {
        let res = app.get_with("/feed", &[("accept", bad)]).await;
        assert_eq!(res.status, StatusCode::NOT_ACCEPTABLE, "{bad}");
        assert!(
            res.body.contains("application/atom+xml"),
            "the 406 page explains what is offered"
        );
    }
    let legacy = app.get("/feed.xml").await;
    assert!(
        legacy
            .header("content-type")
            .starts_with("application/rss+xml")
    );
    assert_eq!(
        parse_feed(&legacy.body)["entries"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let opml = app.get("/opml.xml").await;
    let doc = roxmltree::Document::parse(&opml.body).unwrap();
    let outline = doc
        .descendants()
        .find(|n| n.tag_name().name() == "outline")
        .unwrap();
    assert_eq!(
        outline.attribute("xmlUrl"),
        Some(&*format!("{SITE}/feed.rss"))
    );
    assert_eq!(doc.root_element().attribute("version"), Some("2.0"));
}

#[tokio::test]
async fn every_write_invalidates_the_feed_cache() {
    let app = TestApp::new().await;
    let first = app.note("first", &[]).await;
    for path in ["/feed.rss", "/feed.atom", "/feed.json"] {
        assert_eq!(entry_count(&app.get(path).await.body), 1, "{path}");
    }
    let second = app.note("second arrives", &[]).await;
    for path in ["/feed.rss", "/feed.atom", "/feed.json"] {
        let body = app.get(path).await.body;
        assert!(
            body.contains("second arrives"),
            "{path} shows the new note at once"
        );
    }
    app.state.notes.delete(second.id).await.unwrap();
    assert!(!app.get("/feed.atom").await.body.contains("second arrives"));
    let change = starpunk::domain::NoteUpdate {
        patch: starpunk::domain::Patch::default()
            .replace("content", vec!["first, edited".into()])
            .replace("category", vec![]),
        photos: None,
    };
    app.state.notes.update(first.id, change).await.unwrap();
    let json = app.get("/feed.json").await.body;
    assert!(json.contains("first, edited"));
    assert_eq!(entry_count(&json), 1);
}

#[tokio::test]
async fn feed_conditional_get_and_limits() {
    let app = TestApp::with(&[("FEED_MAX_ITEMS", "3")]).await;
    app.many(5, &[]).await;
    let res = app.get("/feed.atom").await;
    assert_eq!(
        parse_feed(&res.body)["entries"].as_array().unwrap().len(),
        3
    );
    let etag = res.header("etag").to_string();
    let lm = res.header("last-modified").to_string();
    let again = app
        .get_with("/feed.atom", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.header("etag"), etag);
    let since = app
        .get_with("/feed.atom", &[("if-modified-since", &lm)])
        .await;
    assert_eq!(since.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn feed_cache_is_bounded_and_can_be_off() {
    let app = TestApp::with(&[("FEED_CACHE_MAX_SIZE", "2")]).await;
    app.note("x", &[]).await;
    for p in [
        "/feed.rss",
        "/feed.atom",
        "/feed.json",
        "/feed.xml",
        "/opml.xml",
    ] {
        app.get(p).await;
    }
    assert!(app.state.feeds.len() <= 2);
    let off = TestApp::with(&[("FEED_CACHE_ENABLED", "false")]).await;
    off.note("x", &[]).await;
    off.get("/feed.rss").await;
    assert_eq!(off.state.feeds.len(), 0);
}
