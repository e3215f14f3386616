//! micropub.rocks 500–503: delete and undelete (form and JSON), and their scopes.

use axum::http::StatusCode;
use serde_json::json;

use super::client::{Blog, INSUFFICIENT_SCOPE_STATUS, Part, assert_error, created, jpeg};
use super::create::assert_own_photos;
use crate::helpers::parse_feed;

/// Delete with micropub.rocks's body; the permalink answers 410 and the note leaves
/// the home page and the feed.
async fn delete_and_check(blog: &Blog, loc: &str, json_body: bool) {
    let res = if json_body {
        blog.json(Some(&blog.token), &json!({"action": "delete", "url": loc}))
            .await
    } else {
        blog.form(Some(&blog.token), &format!("action=delete&url={loc}"))
            .await
    };
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(blog.page(loc).await.status, StatusCode::GONE);
    assert!(!blog.home_entries().await.contains(&loc.to_string()));
    let feed = parse_feed(&blog.get("/feed.atom").await.body);
    assert_eq!(feed["entries"].as_array().unwrap().len(), 0, "{feed}");
}

async fn undelete_and_check(blog: &Blog, loc: &str, json_body: bool) {
    let res = if json_body {
        blog.json(
            Some(&blog.token),
            &json!({"action": "undelete", "url": loc}),
        )
        .await
    } else {
        blog.form(Some(&blog.token), &format!("action=undelete&url={loc}"))
            .await
    };
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(blog.page(loc).await.status, StatusCode::OK);
    assert_eq!(blog.home_entries().await, [loc.to_string()]);
}

#[tokio::test]
async fn t500_delete_form() {
    let blog = Blog::start().await;
    let loc = blog
        .create_form("h=entry&content=This+post+will+be+deleted+when+the+test+succeeds.")
        .await;
    delete_and_check(&blog, &loc, false).await;
}

#[tokio::test]
async fn t501_delete_json() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({"type":["h-entry"],"properties":{"content":["This post will be deleted when the test succeeds."]}}))
        .await;
    delete_and_check(&blog, &loc, true).await;
    // The owner's token still reads a deleted note's source, as it reads drafts.
    let src = blog.source(&loc).await;
    assert_eq!(
        src["properties"]["content"],
        json!(["This post will be deleted when the test succeeds."])
    );
}

#[tokio::test]
async fn t502_undelete_form() {
    let blog = Blog::start().await;
    let loc = blog
        .create_form("h=entry&content=This+post+will+be+deleted,+and+should+be+restored+after+undeleting+it.")
        .await;
    delete_and_check(&blog, &loc, false).await;
    undelete_and_check(&blog, &loc, false).await;
}

#[tokio::test]
async fn t503_undelete_json_brings_the_photos_back() {
    let blog = Blog::start().await;
    let res = blog
        .multipart(
            "/micropub",
            Some(&blog.token),
            &[
                Part::Text("h", "entry"),
                Part::Text(
                    "content",
                    "This post will be deleted, and should be restored after undeleting it.",
                ),
                Part::File("photo", "sunset.jpg", "image/jpeg", jpeg(640, 480)),
            ],
        )
        .await;
    let loc = created(&res);
    let before = assert_own_photos(&blog, &loc, 1).await;
    delete_and_check(&blog, &loc, true).await;
    undelete_and_check(&blog, &loc, true).await;
    assert_eq!(assert_own_photos(&blog, &loc, 1).await, before);
}

#[tokio::test]
async fn delete_scope_also_undeletes_and_create_scope_cannot_delete() {
    let blog = Blog::start().await;
    let loc = blog.create_form("content=scoped").await;
    let creator = blog.token_with("create");
    let res = blog
        .form(Some(&creator), &format!("action=delete&url={loc}"))
        .await;
    let v = assert_error(&res, INSUFFICIENT_SCOPE_STATUS, "insufficient_scope");
    assert_eq!(v["scope"], "delete");
    let deleter = blog.token_with("delete");
    for action in ["delete", "undelete"] {
        let res = blog
            .form(Some(&deleter), &format!("action={action}&url={loc}"))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{action}: {}", res.body);
    }
    let res = blog
        .json(
            Some(&deleter),
            &json!({"action": "update", "url": loc, "add": {"category": ["x"]}}),
        )
        .await;
    let v = assert_error(&res, INSUFFICIENT_SCOPE_STATUS, "insufficient_scope");
    assert_eq!(v["scope"], "update");
}

#[tokio::test]
async fn undelete_scope_alone_may_only_undelete() {
    let blog = Blog::start().await;
    let loc = blog.create_form("content=restorable").await;
    let restorer = blog.token_with("undelete");
    let res = blog
        .form(Some(&restorer), &format!("action=delete&url={loc}"))
        .await;
    let v = assert_error(&res, INSUFFICIENT_SCOPE_STATUS, "insufficient_scope");
    assert_eq!(v["scope"], "delete");
    assert_eq!(blog.page(&loc).await.status, StatusCode::OK);
    delete_and_check(&blog, &loc, false).await;
    let res = blog
        .form(Some(&restorer), &format!("action=undelete&url={loc}"))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(blog.page(&loc).await.status, StatusCode::OK);
}
