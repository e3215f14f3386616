//! micropub.rocks 400–405 (update), URLs not ours or of no note, legacy `/notes/`
//! URLs, and updates that must not lose what they do not name.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::client::{Blog, assert_error, local};
use super::create::{categories, content, entry_at};
use crate::helpers::{SITE, parse_feed};

/// Creates with micropub.rocks's JSON body, updates with its update body (`%%%`
/// replaced by the Location), expects 204, and returns the Location.
async fn create_then_update(blog: &Blog, post: Value, update: &str) -> String {
    let loc = blog.create_json(&post).await;
    let body: Value = serde_json::from_str(&update.replace("%%%", &loc)).unwrap();
    let res = blog.json(Some(&blog.token), &body).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert!(res.body.is_empty());
    loc
}

#[tokio::test]
async fn t400_replace() {
    let blog = Blog::start().await;
    let loc = create_then_update(
        &blog,
        json!({"type": ["h-entry"], "properties": {"content": ["Micropub update test. This text should be replaced if the test succeeds."]}}),
        r#"{"action": "update", "url": "%%%", "replace": {"content": ["This is the updated text. If you can see this you passed the test!"]}}"#,
    )
    .await;
    let e = entry_at(&blog, &loc).await;
    assert_eq!(
        content(&e).0,
        "This is the updated text. If you can see this you passed the test!"
    );
    assert_eq!(e["properties"]["url"][0], loc, "the slug is kept");
    let src = blog.source(&loc).await;
    assert_eq!(
        src["properties"]["content"],
        json!(["This is the updated text. If you can see this you passed the test!"])
    );
    let feed = blog.get("/feed.atom").await;
    let f = parse_feed(&feed.body);
    assert!(
        f["entries"][0]["summary"]
            .as_str()
            .or(f["entries"][0]["content"][0]["value"].as_str())
            .unwrap_or_default()
            .contains("This is the updated text"),
        "the feed is fresh at once: {}",
        f["entries"][0]
    );
}

#[tokio::test]
async fn t401_add_a_value() {
    let blog = Blog::start().await;
    let loc = create_then_update(
        &blog,
        json!({"type": ["h-entry"], "properties": {"content": ["Micropub update test for adding a category. After you run the update, this post should have two categories: test1 and test2."], "category": ["test1"]}}),
        r#"{"action": "update", "url": "%%%", "add": {"category": ["test2"]}}"#,
    )
    .await;
    assert_eq!(categories(&entry_at(&blog, &loc).await), ["test1", "test2"]);
    let tagged = blog.get("/tag/test2").await;
    assert_eq!(tagged.status, StatusCode::OK);
    assert!(
        tagged.body.contains(&local(&loc)),
        "the tag archive is updated"
    );
}

#[tokio::test]
async fn t402_add_a_new_property() {
    let blog = Blog::start().await;
    let loc = create_then_update(
        &blog,
        json!({"type": ["h-entry"], "properties": {"content": ["This test adds a category property to a post that previously had no category. After you run the update, this post should have the category test1."]}}),
        r#"{"action": "update", "url": "%%%", "add": {"category": ["test1"]}}"#,
    )
    .await;
    assert_eq!(categories(&entry_at(&blog, &loc).await), ["test1"]);
}

#[tokio::test]
async fn t403_delete_a_value() {
    let blog = Blog::start().await;
    let loc = create_then_update(
        &blog,
        json!({"type": ["h-entry"], "properties": {"content": ["This test deletes a category from the post. After you run the update, this post should have only the category test1."], "category": ["test1", "test2"]}}),
        r#"{"action": "update", "url": "%%%", "delete": {"category": ["test2"]}}"#,
    )
    .await;
    assert_eq!(categories(&entry_at(&blog, &loc).await), ["test1"]);
    assert_eq!(
        blog.source(&loc).await["properties"]["category"],
        json!(["test1"])
    );
}

#[tokio::test]
async fn t404_delete_a_property() {
    let blog = Blog::start().await;
    let loc = create_then_update(
        &blog,
        json!({"type": ["h-entry"], "properties": {"content": ["This test deletes the category property from the post. After you run the update, this post should have no categories."], "category": ["test1", "test2"]}}),
        r#"{"action": "update", "url": "%%%", "delete": ["category"]}"#,
    )
    .await;
    let e = entry_at(&blog, &loc).await;
    assert!(categories(&e).is_empty(), "{e}");
    let src = blog.source(&loc).await;
    assert!(
        src["properties"]["category"]
            .as_array()
            .is_none_or(|a| a.is_empty()),
        "{src}"
    );
    assert!(
        src["properties"]["content"][0]
            .as_str()
            .unwrap()
            .starts_with("This test deletes")
    );
}

#[tokio::test]
async fn t405_non_array_value_is_refused() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {"content": ["Micropub update test #405."]}}))
        .await;
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": loc, "replace": "This is not a valid update request."}),
        )
        .await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    // A property whose value is not an array is refused as well.
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": loc, "replace": {"content": "not an array"}}),
        )
        .await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(
        content(&entry_at(&blog, &loc).await).0,
        "Micropub update test #405.",
        "nothing changed"
    );
}

#[tokio::test]
async fn update_of_a_url_not_ours_or_of_no_note() {
    let blog = Blog::start().await;
    let replace = json!({"content": ["x"]});
    for (url, status) in [
        (
            "https://elsewhere.example/note/abc",
            StatusCode::BAD_REQUEST,
        ),
        ("not a url", StatusCode::BAD_REQUEST),
        (
            &format!("{SITE}/note/no-such-note") as &str,
            StatusCode::NOT_FOUND,
        ),
    ] {
        let body = json!({"action": "update", "url": url, "replace": replace});
        let res = blog.json(Some(&blog.token), &body).await;
        assert_error(&res, status, "invalid_request");
    }
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "replace": replace}),
        )
        .await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn legacy_notes_urls_are_accepted_everywhere() {
    let blog = Blog::start().await;
    let loc = blog.create_form("h=entry&content=old+clients").await;
    let slug = loc.rsplit('/').next().unwrap();
    let legacy = format!("{SITE}/notes/{slug}");

    let old = blog.get(&format!("/notes/{slug}")).await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert!(
        old.header("location").ends_with(&format!("/note/{slug}")),
        "{}",
        old.header("location")
    );

    let src = blog.source(&format!("{legacy}/")).await;
    assert_eq!(src["properties"]["content"], json!(["old clients"]));
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": legacy, "add": {"category": ["legacy"]}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(categories(&entry_at(&blog, &loc).await), ["legacy"]);
    let res = blog
        .form(
            Some(&blog.token),
            &format!(
                "action=delete&url={}",
                super::client::enc(&format!("{legacy}/"))
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(blog.page(&loc).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn updating_categories_keeps_person_tags() {
    let blog = Blog::start().await;
    let person = "https://alice.example/";
    let card = json!({"type": ["h-card"], "properties": {"name": ["Bob"], "url": ["https://bob.example/"]}});
    let loc = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {
            "content": ["with friends"],
            "category": ["rust", person, card],
        }}))
        .await;
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": loc, "add": {"category": ["indieweb"]}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let src = blog.source(&loc).await;
    let cats = src["properties"]["category"].as_array().unwrap();
    assert!(cats.contains(&json!("rust")), "{src}");
    assert!(cats.contains(&json!("indieweb")), "{src}");
    assert!(cats.contains(&json!(person)), "the person tag stays: {src}");
    assert!(cats.contains(&card), "the h-card stays: {src}");
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": loc, "delete": {"category": ["rust"]}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let src = blog.source(&loc).await;
    let cats = src["properties"]["category"].as_array().unwrap();
    assert!(!cats.contains(&json!("rust")), "{src}");
    assert!(cats.contains(&json!(person)), "{src}");
    assert!(cats.contains(&card), "{src}");
    // On the page: the word is a p-category, the person a u-category link.
    let page = blog.page(&loc).await;
    assert!(
        page.body.contains(&format!("href=\"{person}\"")),
        "the person tag is a link"
    );
    assert!(page.body.contains("u-category"), "u-category on the page");
    let e = entry_at(&blog, &loc).await;
    let flat: Vec<String> = e["properties"]["category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| match c {
            Value::String(s) => s.clone(),
            o => o["properties"]["url"][0]
                .as_str()
                .or(o["value"].as_str())
                .unwrap_or_default()
                .to_string(),
        })
        .collect();
    assert!(flat.contains(&"indieweb".to_string()), "{flat:?}");
    assert!(flat.contains(&person.to_string()), "{flat:?}");
}
