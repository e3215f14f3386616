//! micropub.rocks 600–603 and the other queries: `q=config`, `q=syndicate-to`,
//! `q=source` (one post, some properties, all posts with paging), `q=category`.

use axum::http::StatusCode;
use serde_json::json;

use super::client::{Blog, assert_error, enc, json_ok};
use crate::helpers::SITE;

#[tokio::test]
async fn t600_config() {
    let blog = Blog::start().await;
    let v = json_ok(&blog.get_as("/micropub?q=config", &blog.token).await);
    assert_eq!(v["media-endpoint"], format!("{SITE}/micropub/media"));
    assert_eq!(v["syndicate-to"], json!([]));
    let q: Vec<&str> = v["q"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for wanted in ["config", "source", "syndicate-to", "category"] {
        assert!(q.contains(&wanted), "{v}");
    }
    assert!(v["post-types"].is_array(), "{v}");
    let res = blog.get_as("/micropub?q=config", &blog.token).await;
    assert!(
        res.header("cache-control").contains("no-store"),
        "an answer for a token is private: {:?}",
        res.header("cache-control")
    );
}

#[tokio::test]
async fn t601_syndicate_to() {
    let blog = Blog::start().await;
    let v = json_ok(&blog.get_as("/micropub?q=syndicate-to", &blog.token).await);
    assert_eq!(v, json!({"syndicate-to": []}));
}

/// micropub.rocks's 602/603 post.
async fn source_post(blog: &Blog) -> String {
    blog.create_json(&json!({
        "type": ["h-entry"],
        "properties": {
            "content": ["Test of querying the endpoint for the source content"],
            "category": ["micropub", "test"]
        }
    }))
    .await
}

#[tokio::test]
async fn t602_source_all_properties() {
    let blog = Blog::start().await;
    let loc = source_post(&blog).await;
    // As micropub.rocks builds it: q first, the Location percent-encoded.
    let v = json_ok(
        &blog
            .get_as(
                &format!("/micropub?q=source&url={}", enc(&loc)),
                &blog.token,
            )
            .await,
    );
    assert_eq!(v["type"], json!(["h-entry"]));
    let p = &v["properties"];
    assert_eq!(
        p["content"],
        json!(["Test of querying the endpoint for the source content"])
    );
    assert_eq!(p["category"], json!(["micropub", "test"]));
    assert_eq!(p["post-status"], json!(["published"]));
    assert!(p["published"][0].as_str().is_some(), "{v}");
}

#[tokio::test]
async fn t603_source_selected_properties() {
    let blog = Blog::start().await;
    let loc = source_post(&blog).await;
    // micropub.rocks sends the brackets percent-encoded.
    let q = format!(
        "/micropub?q=source&properties%5B%5D=content&properties%5B%5D=category&url={}",
        enc(&loc)
    );
    let v = json_ok(&blog.get_as(&q, &blog.token).await);
    assert_eq!(
        v,
        json!({"properties": {
            "content": ["Test of querying the endpoint for the source content"],
            "category": ["micropub", "test"]
        }}),
        "only those properties, and no type"
    );
}

#[tokio::test]
async fn source_of_unknown_or_foreign_urls() {
    let blog = Blog::start().await;
    let res = blog
        .get_as(
            &format!(
                "/micropub?q=source&url={}",
                enc(&format!("{SITE}/note/nope"))
            ),
            &blog.token,
        )
        .await;
    assert_error(&res, StatusCode::NOT_FOUND, "invalid_request");
    let res = blog
        .get_as(
            "/micropub?q=source&url=https%3A%2F%2Fother.example%2Fnote%2Fx",
            &blog.token,
        )
        .await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn source_list_newest_first_with_limit_and_paging() {
    let blog = Blog::start().await;
    let mut locs = Vec::new();
    for i in 0..5 {
        locs.push(
            blog.create_json(&json!({"type": ["h-entry"], "properties": {
                "content": [format!("post {i}")],
                "published": [format!("2024-01-0{}T10:00:00Z", i + 1)],
            }}))
            .await,
        );
    }
    let newest_first: Vec<String> = locs.iter().rev().cloned().collect();

    let all = json_ok(&blog.get_as("/micropub?q=source", &blog.token).await);
    let urls: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["type"], json!(["h-entry"]));
            i["properties"]["url"][0].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(urls, newest_first);
    assert_eq!(all["items"][0]["properties"]["content"], json!(["post 4"]));

    let mut seen = Vec::new();
    let mut q = "/micropub?q=source&limit=2".to_string();
    for _ in 0..5 {
        let page = json_ok(&blog.get_as(&q, &blog.token).await);
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2, "{page}");
        seen.extend(
            items
                .iter()
                .map(|i| i["properties"]["url"][0].as_str().unwrap().to_string()),
        );
        match page["paging"]["after"].as_str() {
            Some(after) => q = format!("/micropub?q=source&limit=2&after={}", enc(after)),
            None => break,
        }
    }
    assert_eq!(seen, newest_first, "every post once, in order, over pages");
}

#[tokio::test]
async fn source_of_a_draft_works_for_the_owner() {
    let blog = Blog::start().await;
    let loc = blog
        .create_form("h=entry&content=unfinished&post-status=draft")
        .await;
    assert_eq!(blog.page(&loc).await.status, StatusCode::NOT_FOUND);
    let v = blog.source(&loc).await;
    assert_eq!(v["properties"]["post-status"], json!(["draft"]));
    assert_eq!(v["properties"]["content"], json!(["unfinished"]));
}

#[tokio::test]
async fn category_query_lists_tags_in_use() {
    let blog = Blog::start().await;
    blog.create_form("content=a&category[]=rust&category[]=indieweb")
        .await;
    blog.create_form("content=b&category=rustacean").await;
    let v = json_ok(&blog.get_as("/micropub?q=category", &blog.token).await);
    let mut cats: Vec<String> = v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_lowercase())
        .collect();
    cats.sort();
    assert_eq!(cats, ["indieweb", "rust", "rustacean"]);
    let v = json_ok(
        &blog
            .get_as("/micropub?q=category&filter=rus", &blog.token)
            .await,
    );
    let mut cats: Vec<String> = v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_lowercase())
        .collect();
    cats.sort();
    assert_eq!(cats, ["rust", "rustacean"]);
}

#[tokio::test]
async fn unknown_or_empty_q_is_refused() {
    let blog = Blog::start().await;
    for q in ["/micropub?q=nonsense", "/micropub?q="] {
        let res = blog.get_as(q, &blog.token).await;
        assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    }
}

#[tokio::test]
async fn queries_need_a_token() {
    let blog = Blog::start().await;
    let res = blog.get("/micropub?q=config").await;
    assert_error(&res, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(res.header("www-authenticate").starts_with("Bearer"));
    // Any valid token of the owner will do, whatever its scope.
    let reader = blog.token_with("profile");
    let v = json_ok(&blog.get_as("/micropub?q=config", &reader).await);
    assert!(v["media-endpoint"].is_string());
}
