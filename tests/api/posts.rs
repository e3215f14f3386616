//! What Micropub clients send (HTML content, replies, likes, syndication, person tags,
//! outside photos), as an IndieWeb client (mf2py) and feed readers (feedparser) see it.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use starpunk::domain::{ContentKind, Note, NoteInput, Properties, Tag};

use crate::helpers::{SITE, TestApp, find_item, mf2, parse_feed, strings};

mod photos;

/// A published note with these Micropub properties and content.
pub(super) async fn post(app: &TestApp, content: &str, kind: ContentKind, props: Value) -> Note {
    app.note_with(NoteInput {
        content: content.into(),
        content_kind: kind,
        properties: Properties::from_value(props).unwrap(),
        ..Default::default()
    })
    .await
}

/// The permalink's h-entry, parsed, and the page.
pub(super) async fn entry(app: &TestApp, note: &Note) -> (Value, String) {
    let res = app.get(&format!("/note/{}", note.slug)).await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = mf2(&res.body, &format!("{SITE}/note/{}", note.slug));
    (find_item(&doc, "h-entry").clone(), res.body)
}

/// The feed's entries as readers see them: RSS and Atom through feedparser, JSON Feed
/// through feed-rs (this feedparser reads no JSON Feed), in one shape: title and content.
pub(super) async fn feed_entries(app: &TestApp) -> Vec<(&'static str, Vec<Value>)> {
    let mut out = Vec::new();
    for path in ["/feed.rss", "/feed.atom"] {
        let f = parse_feed(&app.get(path).await.body);
        assert_eq!(f["bozo"], 0, "{path}: {}", f["bozo_exception"]);
        out.push((path, f["entries"].as_array().unwrap().clone()));
    }
    let body = app.get("/feed.json").await.body;
    let feed = feed_rs::parser::parse(body.as_bytes()).expect("a JSON Feed reader parses it");
    let entries = feed
        .entries
        .iter()
        .map(|e| {
            json!({
                "title": e.title.as_ref().map(|t| t.content.clone()),
                "summary": e.content.as_ref().and_then(|c| c.body.clone()),
            })
        })
        .collect();
    out.push(("/feed.json", entries));
    out
}

/// An entry's HTML content as a feed reader has it (RSS description, Atom / JSON content).
pub(super) fn content_of(e: &Value) -> String {
    e["content"][0]["value"]
        .as_str()
        .or(e["summary"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn html_content_is_sanitised_markup_never_visible_tags() {
    let app = TestApp::new().await;
    let html = "<p>Hello <strong>HTML</strong> <a href=\"/about\" onclick=\"steal()\">about</a> \
                <a href=\"javascript:alert(1)\">bad</a></p>\n    <p>indented paragraph</p>\
                <script>alert(1)</script><img src=\"x.png\" onerror=\"steal()\" alt=\"x\">";
    let note = post(&app, html, ContentKind::Html, json!({})).await;
    let (e, body) = entry(&app, &note).await;
    let content = e["properties"]["content"][0]["html"].as_str().unwrap();
    assert!(content.contains("<strong>HTML</strong>"), "{content}");
    assert!(
        content.contains(&format!("href=\"{SITE}/about\"")),
        "{content}"
    );
    assert!(
        content.contains(&format!("src=\"{SITE}/note/x.png\"")),
        "{content}"
    );
    assert!(
        content.contains("<p>indented paragraph</p>"),
        "an indented line is not a Markdown code block: {content}"
    );
    for bad in ["<script", "onclick", "onerror", "javascript:", "&lt;p&gt;"] {
        assert!(!body.contains(bad), "{bad} on the page");
    }
    let text = e["properties"]["content"][0]["value"].as_str().unwrap();
    assert_eq!(
        text.split_whitespace().collect::<Vec<_>>().join(" "),
        "Hello HTML about bad indented paragraph x",
        "the image reads as its alt"
    );
    assert!(
        body.contains(
            "<meta name=\"description\" content=\"Hello HTML about bad indented paragraph\">"
        ),
        "the link preview reads text, not tags"
    );

    for (path, entries) in feed_entries(&app).await {
        let c = content_of(&entries[0]);
        assert!(c.contains("<strong>HTML</strong>"), "{path}: {c}");
        assert!(
            !c.contains("<script") && !c.contains("&lt;p"),
            "{path}: {c}"
        );
    }

    let search = app.get("/search?q=indented").await;
    assert!(
        search.body.contains("<mark>indented</mark>"),
        "{}",
        search.body
    );
    assert!(
        !search.body.contains("&#60;p&#62;") && !search.body.contains("&#60;/p"),
        "snippets are text: {}",
        search.body
    );
}

#[tokio::test]
async fn replies_name_their_target() {
    let app = TestApp::new().await;
    let cited = post(
        &app,
        "Agreed!",
        ContentKind::Markdown,
        json!({"in-reply-to": [{"type": ["h-cite"], "properties": {
            "url": ["https://alice.example/2026/post"], "name": ["Alice's post"]}}]}),
    )
    .await;
    let (e, body) = entry(&app, &cited).await;
    let target = &e["properties"]["in-reply-to"][0];
    assert_eq!(target["type"], json!(["h-cite"]));
    assert_eq!(strings(target, "url"), ["https://alice.example/2026/post"]);
    assert_eq!(strings(target, "name"), ["Alice's post"]);
    assert!(body.contains("In reply to <span class=\"u-in-reply-to h-cite\">"));
    assert_eq!(strings(&e, "content").len(), 0, "content is e-content html");
    assert_eq!(e["properties"]["content"][0]["value"], "Agreed!");

    let bare = post(
        &app,
        "Me too",
        ContentKind::Markdown,
        json!({"in-reply-to": ["https://www.example.com/a/post/?utm=x", "javascript:alert(1)"]}),
    )
    .await;
    let (e, body) = entry(&app, &bare).await;
    assert_eq!(
        strings(&e, "in-reply-to"),
        ["https://www.example.com/a/post/?utm=x"]
    );
    assert!(
        body.contains(">example.com/a/post</a>"),
        "host and path shown"
    );
    assert!(!body.contains("javascript:"));

    let atom = app.get("/feed.atom").await.body;
    let doc = roxmltree::Document::parse(&atom).expect("well-formed XML");
    let replied: Vec<&str> = doc
        .descendants()
        .filter(|n| {
            n.tag_name().namespace() == Some("http://purl.org/syndication/thread/1.0")
                && n.tag_name().name() == "in-reply-to"
        })
        .filter_map(|n| n.attribute("ref"))
        .collect();
    assert_eq!(
        replied,
        [
            "https://www.example.com/a/post/?utm=x",
            "https://alice.example/2026/post"
        ],
        "Atom threading (RFC 4685)"
    );

    for (path, entries) in feed_entries(&app).await {
        let c = content_of(&entries[0]);
        assert!(
            c.starts_with(
                "<p>In reply to <a href=\"https://www.example.com/a/post/?utm=x\">example.com/a/post</a></p>"
            ),
            "{path}: {c}"
        );
        assert!(c.contains("Me too"), "{path}: {c}");
        assert!(
            content_of(&entries[1]).contains(">Alice's post</a>")
                || content_of(&entries[1]).contains(">Alice&#x27;s post</a>")
                || content_of(&entries[1]).contains(">Alice&apos;s post</a>"),
            "{path}: {}",
            content_of(&entries[1])
        );
    }
}

#[tokio::test]
async fn likes_reposts_and_bookmarks_without_content() {
    let app = TestApp::new().await;
    let like = post(
        &app,
        "",
        ContentKind::Markdown,
        json!({"like-of": ["https://example.com/post"]}),
    )
    .await;
    let (e, body) = entry(&app, &like).await;
    assert_eq!(strings(&e, "like-of"), ["https://example.com/post"]);
    assert!(
        e["properties"].get("content").is_none(),
        "no empty e-content"
    );
    assert!(
        e["properties"].get("name").is_none(),
        "no implied name: {e}"
    );
    assert!(!body.contains("e-content"));
    assert!(body.contains("Liked <a class=\"u-like-of\""));
    assert!(body.contains("<title>Liked example.com/post · Test Blog</title>"));

    post(
        &app,
        "",
        ContentKind::Markdown,
        json!({"repost-of": [{"type": ["h-cite"], "properties": {
            "url": ["https://bob.example/1"], "name": ["Bob's photo"]}}]}),
    )
    .await;
    post(
        &app,
        "Worth reading",
        ContentKind::Markdown,
        json!({"bookmark-of": ["https://news.example/story"]}),
    )
    .await;

    let home = mf2(&app.get("/").await.body, SITE);
    let entries = find_item(&home, "h-feed")["children"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        strings(&entries[0], "bookmark-of"),
        ["https://news.example/story"]
    );
    let repost = &entries[1]["properties"]["repost-of"][0];
    assert_eq!(strings(repost, "name"), ["Bob's photo"]);
    assert_eq!(
        strings(&entries[2], "like-of"),
        ["https://example.com/post"]
    );
    for e in &entries[1..] {
        assert!(e["properties"].get("name").is_none(), "{e}");
        assert!(e["properties"].get("content").is_none(), "{e}");
    }

    for (path, items) in feed_entries(&app).await {
        assert_eq!(items[2]["title"], "Liked example.com/post", "{path}");
        assert_eq!(items[1]["title"], "Reposted Bob's photo", "{path}");
        let c = content_of(&items[2]);
        assert!(
            c.contains("<p>Liked <a href=\"https://example.com/post\">example.com/post</a></p>"),
            "{path}: {c}"
        );
    }
    let json: Value = serde_json::from_str(&app.get("/feed.json").await.body).unwrap();
    assert_eq!(
        json["items"][0]["external_url"],
        "https://news.example/story"
    );
    assert_eq!(json["items"][2]["external_url"], "https://example.com/post");
}

#[tokio::test]
async fn syndication_and_person_tags() {
    let app = TestApp::new().await;
    let note = app
        .note_with(NoteInput {
            content: "Met up".into(),
            tags: vec![Tag::parse("IndieWeb").unwrap()],
            properties: Properties::from_value(json!({
                "syndication": ["https://mastodon.social/@ada/1", "https://www.flickr.com/p/2"],
                "category": ["https://alice.example/", {"type": ["h-card"], "properties": {
                    "name": ["Bob"], "url": ["https://bob.example/"]}}],
            }))
            .unwrap(),
            ..Default::default()
        })
        .await;
    let (e, body) = entry(&app, &note).await;
    assert_eq!(
        strings(&e, "syndication"),
        [
            "https://mastodon.social/@ada/1",
            "https://www.flickr.com/p/2"
        ]
    );
    assert!(body.contains("Also on: <a class=\"u-syndication\" href=\"https://mastodon.social/@ada/1\">mastodon.social</a>"));
    let categories = e["properties"]["category"].as_array().unwrap();
    assert_eq!(categories[0], "IndieWeb");
    let alice = &categories[1];
    assert_eq!(alice["type"], json!(["h-card"]));
    assert_eq!(strings(alice, "url"), ["https://alice.example/"]);
    assert_eq!(strings(&categories[2], "name"), ["Bob"]);
    assert_eq!(strings(&categories[2], "url"), ["https://bob.example/"]);
    let doc = mf2(&body, SITE);
    let tags = doc["rels"]["tag"].as_array().unwrap();
    assert_eq!(
        tags,
        &[json!(format!("{SITE}/tag/indieweb"))],
        "people are not tags"
    );

    for (path, entries) in feed_entries(&app).await {
        let c = content_of(&entries[0]);
        assert!(c.contains(">mastodon.social</a>"), "{path}: {c}");
    }
}

#[tokio::test]
async fn summary_and_place() {
    let app = TestApp::new().await;
    let note = post(
        &app,
        "A long day of talks.",
        ContentKind::Markdown,
        json!({
            "summary": ["Notes from the conference"],
            "checkin": [{"type": ["h-card"], "properties": {
                "name": ["Café Flore"], "url": ["https://flore.example/"]}}],
        }),
    )
    .await;
    let (e, body) = entry(&app, &note).await;
    assert_eq!(strings(&e, "summary"), ["Notes from the conference"]);
    let place = &e["properties"]["location"][0];
    assert_eq!(place["type"], json!(["h-card"]));
    assert_eq!(strings(place, "name"), ["Café Flore"]);
    assert_eq!(strings(place, "url"), ["https://flore.example/"]);
    assert!(body.contains("at <span class=\"p-location h-card\">"));
    assert!(
        body.contains("<meta name=\"description\" content=\"Notes from the conference\">"),
        "the summary describes the page"
    );
}

#[tokio::test]
async fn legacy_notes_addresses_redirect_to_the_permalink() {
    let app = TestApp::new().await;
    let note = app.note("From v1.5", &[]).await;
    let to = format!("{SITE}/note/{}", note.slug);
    for path in [
        format!("/notes/{}", note.slug),
        format!("/notes/{}/", note.slug),
    ] {
        for method in [Method::GET, Method::HEAD] {
            let res = app.request(method.clone(), &path, &[]).await;
            assert_eq!(res.status, StatusCode::MOVED_PERMANENTLY, "{method} {path}");
            assert_eq!(res.header("location"), to, "{method} {path}");
        }
    }
    assert_eq!(
        app.get("/notes/NOT%20a%20slug").await.status,
        StatusCode::NOT_FOUND
    );
}
