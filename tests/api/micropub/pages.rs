//! What readers see of Micropub posts: the home page and feeds at once, responses as
//! u- properties, syndication, photo posts, scheduled posts, slugs, the photo limit.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::client::{Blog, CITY, Part, SUNSET, assert_error, created, jpeg, values};
use super::create::{categories, entry_at, photos};
use crate::helpers::{SITE, parse_feed};

/// The URL a u- property names: a plain value, or the `url` of an embedded h-cite.
fn url_values(entry: &Value, prop: &str) -> Vec<String> {
    entry["properties"][prop]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            o => o["properties"]["url"][0]
                .as_str()
                .or(o["value"].as_str())
                .unwrap_or_default()
                .to_string(),
        })
        .collect()
}

#[tokio::test]
async fn created_note_is_on_home_and_in_feeds_at_once() {
    let blog = Blog::start().await;
    // Prime the caches first: a new note must not wait for them.
    assert!(blog.home_entries().await.is_empty());
    let _ = blog.get("/feed.atom").await;
    let loc = blog
        .create_form("h=entry&content=Fresh+off+the+press&category=news")
        .await;
    assert_eq!(blog.home_entries().await, std::slice::from_ref(&loc));
    let atom = parse_feed(&blog.get("/feed.atom").await.body);
    assert_eq!(atom["bozo"], 0, "{}", atom["bozo_exception"]);
    let entries = atom["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{atom}");
    assert_eq!(entries[0]["link"], loc);
    let rss = parse_feed(&blog.get("/feed.rss").await.body);
    assert_eq!(rss["entries"][0]["link"], loc);
    let jf: Value = serde_json::from_str(&blog.get("/feed.json").await.body).unwrap();
    assert_eq!(jf["items"][0]["url"], loc);
    let tag = blog.get("/tag/news").await;
    assert_eq!(tag.status, StatusCode::OK);
    assert!(tag.body.contains(&super::client::local(&loc)));
}

#[tokio::test]
async fn responses_render_as_u_properties() {
    let blog = Blog::start().await;
    let target = "https://example.com/2024/a-post";
    let person = "https://alice.example/";
    let reply = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {
            "in-reply-to": [target],
            "content": ["Great post!"],
            "category": ["replies", person],
            "syndication": ["https://social.example/@ada/1"],
        }}))
        .await;
    let page = blog.page(&reply).await;
    for class in ["u-in-reply-to", "u-category", "u-syndication"] {
        assert!(page.body.contains(class), "{class} on the page");
    }
    let e = entry_at(&blog, &reply).await;
    assert_eq!(url_values(&e, "in-reply-to"), [target]);
    assert_eq!(
        url_values(&e, "syndication"),
        ["https://social.example/@ada/1"]
    );
    let cats = url_values(&e, "category");
    assert!(cats.contains(&"replies".to_string()), "{cats:?}");
    assert!(cats.contains(&person.to_string()), "{cats:?}");

    for prop in ["like-of", "repost-of", "bookmark-of"] {
        let body = format!(
            "h=entry&{prop}={}",
            super::client::enc(&format!("{target}?{prop}"))
        );
        let loc = blog.create_form(&body).await;
        let page = blog.page(&loc).await;
        assert!(page.body.contains(&format!("u-{prop}")), "{prop}");
        let e = entry_at(&blog, &loc).await;
        assert_eq!(
            url_values(&e, prop),
            [format!("{target}?{prop}")],
            "{prop}: {e}"
        );
        let src = blog.source(&loc).await;
        assert_eq!(src["properties"][prop], json!([format!("{target}?{prop}")]));
    }
}

#[tokio::test]
async fn photo_only_post() {
    let blog = Blog::start().await;
    let res = blog
        .multipart(
            "/micropub",
            Some(&blog.token),
            &[
                Part::Text("h", "entry"),
                Part::File("photo", "only.jpg", "image/jpeg", jpeg(640, 480)),
            ],
        )
        .await;
    let loc = created(&res);
    assert_eq!(photos(&entry_at(&blog, &loc).await).len(), 1);
    assert_eq!(blog.home_entries().await, [loc]);
}

#[tokio::test]
async fn scheduled_post_is_hidden_until_its_time() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {
            "content": ["From the future"],
            "published": ["2099-01-01T09:00:00Z"],
        }}))
        .await;
    assert!(blog.home_entries().await.is_empty(), "not on / yet");
    for feed in ["/feed.atom", "/feed.rss"] {
        let f = parse_feed(&blog.get(feed).await.body);
        assert_eq!(f["entries"].as_array().unwrap().len(), 0, "{feed}: {f}");
    }
    let search = blog.get("/api/search?q=future").await;
    assert!(
        !search.body.contains(&super::client::local(&loc)),
        "{}",
        search.body
    );
    let src = blog.source(&loc).await;
    let published = src["properties"]["published"][0].as_str().unwrap();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(published).unwrap(),
        chrono::DateTime::parse_from_rfc3339("2099-01-01T09:00:00Z").unwrap()
    );
}

#[tokio::test]
async fn slugs_default_custom_and_colliding() {
    let blog = Blog::start().await;
    let a = blog.create_form("content=first").await;
    let b = blog.create_form("content=second").await;
    assert_ne!(a, b);
    for loc in [&a, &b] {
        let slug = loc.rsplit('/').next().unwrap();
        let (stamp, suffix) = slug.split_once('-').unwrap_or((slug, "1"));
        assert!(
            stamp.len() == 14 && stamp.bytes().all(|c| c.is_ascii_digit()),
            "{slug}"
        );
        assert!(suffix.bytes().all(|c| c.is_ascii_digit()), "{slug}");
    }
    let c = blog.create_form("content=x&mp-slug=Hello+World%21").await;
    assert_eq!(c, format!("{SITE}/note/hello-world"));
    let d = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {"content": ["y"], "mp-slug": ["hello-world"]}}))
        .await;
    assert_eq!(d, format!("{SITE}/note/hello-world-2"));
    let src = blog.source(&d).await;
    assert!(
        src["properties"].get("mp-slug").is_none(),
        "commands are not properties: {src}"
    );
    let res = blog
        .form(Some(&blog.token), "content=z&mp-slug=admin")
        .await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
}

/// Five photos in all (URLs, uploads or both) are refused, and nothing is stored.
#[tokio::test]
async fn five_photos_are_refused_and_nothing_is_stored() {
    let blog = Blog::start().await;
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"type": ["h-entry"], "properties": {
                "content": ["too many"],
                "photo": (1..=5).map(|i| format!("{SUNSET}?{i}")).collect::<Vec<_>>(),
            }}),
        )
        .await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    blog.assert_nothing_stored().await;

    let files: Vec<Part> = (0..5)
        .map(|i| Part::File("photo[]", "p.jpg", "image/jpeg", jpeg(320 + i, 240)))
        .collect();
    let mut parts = vec![Part::Text("h", "entry"), Part::Text("content", "too many")];
    parts.extend(files);
    let res = blog.multipart("/micropub", Some(&blog.token), &parts).await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    blog.assert_nothing_stored().await;

    let third = format!("{SUNSET}?3");
    let mixed = [
        Part::Text("h", "entry"),
        Part::Text("photo[]", SUNSET),
        Part::Text("photo[]", CITY),
        Part::Text("photo[]", &third),
        Part::File("photo[]", "a.jpg", "image/jpeg", jpeg(320, 240)),
        Part::File("photo[]", "b.jpg", "image/jpeg", jpeg(320, 240)),
    ];
    let res = blog.multipart("/micropub", Some(&blog.token), &mixed).await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    blog.assert_nothing_stored().await;

    // Four is fine.
    let four: Vec<Part> = (0..4)
        .map(|i| Part::File("photo[]", "p.jpg", "image/jpeg", jpeg(320 + i, 240)))
        .collect();
    let loc = created(&blog.multipart("/micropub", Some(&blog.token), &four).await);
    assert_eq!(photos(&entry_at(&blog, &loc).await).len(), 4);
}

#[tokio::test]
async fn summary_and_name_are_kept() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {
            "name": ["A Title"],
            "summary": ["In short"],
            "content": ["The long version"],
            "category": ["one"],
        }}))
        .await;
    let src = blog.source(&loc).await;
    assert_eq!(values(&src["properties"], "name"), ["A Title"]);
    assert_eq!(values(&src["properties"], "summary"), ["In short"]);
    let e = entry_at(&blog, &loc).await;
    assert_eq!(e["properties"]["name"], json!(["A Title"]));
    assert_eq!(categories(&e), ["one"]);
}
