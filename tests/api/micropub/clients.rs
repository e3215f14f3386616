//! The dialects of real clients: Quill, Indigenous, the Micro.blog apps, iA Writer,
//! curl. Each sends what that client sends; the note must come out the same.

use axum::http::StatusCode;
use serde_json::json;

use super::client::{Blog, Part, created, enc, jpeg};
use super::create::{assert_own_photos, categories, content, entry_at, photos};

/// Quill: form-encoded, `category[]` encoded by PHP's `http_build_query`, `mp-slug`.
#[tokio::test]
async fn quill_form_with_encoded_category_brackets_and_slug() {
    let blog = Blog::start().await;
    let res = blog
        .form(
            Some(&blog.token),
            "h=entry&content=Posted+from+Quill&category%5B%5D=indieweb&category%5B%5D=quill&mp-slug=posted-from-quill&post-status=published",
        )
        .await;
    let loc = created(&res);
    assert!(loc.ends_with("/note/posted-from-quill"), "{loc}");
    let e = entry_at(&blog, &loc).await;
    assert_eq!(categories(&e), ["indieweb", "quill"]);
    assert_eq!(content(&e).0, "Posted from Quill");
    assert_eq!(blog.home_entries().await, [loc]);
}

/// Indigenous (Android): indexed brackets, `category[0]`, `category[1]`.
#[tokio::test]
async fn indigenous_indexed_categories() {
    let blog = Blog::start().await;
    let res = blog
        .form(
            Some(&blog.token),
            "h=entry&content=From+my+phone&category%5B0%5D=mobile&category%5B1%5D=android",
        )
        .await;
    let loc = created(&res);
    assert_eq!(
        categories(&entry_at(&blog, &loc).await),
        ["android", "mobile"]
    );
    // Unencoded brackets, as some clients send them.
    let loc = blog
        .create_form("h=entry&content=again&category[0]=one&category[1]=two")
        .await;
    assert_eq!(categories(&entry_at(&blog, &loc).await), ["one", "two"]);
}

/// The Micro.blog apps: multipart, `photo[]` twice with `mp-photo-alt[]` for each.
#[tokio::test]
async fn microblog_photos_with_alt_text() {
    let blog = Blog::start().await;
    let res = blog
        .multipart(
            "/micropub",
            Some(&blog.token),
            &[
                Part::Text("h", "entry"),
                Part::Text("content", "Two photos from the app"),
                Part::File("photo[]", "image1.jpg", "image/jpeg", jpeg(800, 600)),
                Part::File("photo[]", "image2.jpg", "image/jpeg", jpeg(600, 800)),
                Part::Text("mp-photo-alt[]", "A red door"),
                Part::Text("mp-photo-alt[]", "A blue window"),
            ],
        )
        .await;
    let loc = created(&res);
    assert_own_photos(&blog, &loc, 2).await;
    let alts: Vec<Option<String>> = photos(&entry_at(&blog, &loc).await)
        .into_iter()
        .map(|p| p.1)
        .collect();
    assert_eq!(
        alts,
        [Some("A red door".into()), Some("A blue window".into())],
        "each photo keeps its own alt, in order"
    );
}

/// The form variant: `photo` URL with `mp-photo-alt`.
#[tokio::test]
async fn photo_url_with_mp_photo_alt() {
    let blog = Blog::start().await;
    let body = format!(
        "h=entry&content=hotlinked&photo={}&mp-photo-alt=A+sunset",
        enc(super::client::SUNSET)
    );
    let loc = blog.create_form(&body).await;
    assert_eq!(
        photos(&entry_at(&blog, &loc).await),
        [(super::client::SUNSET.to_string(), Some("A sunset".into()))]
    );
}

/// iA Writer: JSON with `name`, `content: [{"html"}]` and `post-status: ["draft"]`;
/// the draft stays off the home page until it is published by an update.
#[tokio::test]
async fn ia_writer_html_draft_then_published() {
    let blog = Blog::start().await;
    let html = "<p>Written in <strong>iA Writer</strong>.</p><ul><li>one</li></ul>";
    let loc = blog
        .create_json(&json!({
            "type": ["h-entry"],
            "properties": {
                "name": ["A Long Read"],
                "content": [{"html": html}],
                "post-status": ["draft"]
            }
        }))
        .await;
    assert!(blog.home_entries().await.is_empty(), "a draft is not on /");
    assert_eq!(blog.page(&loc).await.status, StatusCode::NOT_FOUND);
    let atom = blog.get("/feed.atom").await;
    assert!(!atom.body.contains("A Long Read"));
    let src = blog.source(&loc).await;
    assert_eq!(src["properties"]["name"], json!(["A Long Read"]));
    assert_eq!(src["properties"]["content"], json!([{ "html": html }]));
    assert_eq!(src["properties"]["post-status"], json!(["draft"]));

    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": loc, "replace": {"post-status": ["published"]}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(blog.home_entries().await, std::slice::from_ref(&loc));
    let e = entry_at(&blog, &loc).await;
    assert_eq!(e["properties"]["name"], json!(["A Long Read"]));
    let (_, rendered) = content(&e);
    assert!(
        rendered.contains("<strong>iA Writer</strong>"),
        "{rendered}"
    );
    assert!(rendered.contains("<li>one</li>"), "{rendered}");
}

/// curl: `curl -d content=… -H "Authorization: Bearer …"`, no `h`.
#[tokio::test]
async fn curl_form_without_h() {
    let blog = Blog::start().await;
    let loc = blog
        .create_form("content=Hello+from+a+shell+script%21")
        .await;
    assert_eq!(
        content(&entry_at(&blog, &loc).await).0,
        "Hello from a shell script!"
    );
    // `curl -F`: multipart without a file, without `h`.
    let res = blog
        .multipart(
            "/micropub",
            Some(&blog.token),
            &[Part::Text("content", "multipart text only")],
        )
        .await;
    let loc = created(&res);
    assert_eq!(
        content(&entry_at(&blog, &loc).await).0,
        "multipart text only"
    );
}

/// A Markdown note keeps its Markdown: rendered on the page, returned as written.
#[tokio::test]
async fn markdown_content_round_trips() {
    let blog = Blog::start().await;
    let md = "Some *emphasis* and a [link](https://example.com/).";
    let loc = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {"content": [md]}}))
        .await;
    assert_eq!(
        blog.source(&loc).await["properties"]["content"],
        json!([md])
    );
    let (_, rendered) = content(&entry_at(&blog, &loc).await);
    assert!(rendered.contains("<em>emphasis</em>"), "{rendered}");
}

/// Content types with parameters, as many clients send them.
#[tokio::test]
async fn content_types_with_a_charset() {
    let blog = Blog::start().await;
    let res = blog
        .post(
            Some(&blog.token),
            "application/x-www-form-urlencoded; charset=utf-8",
            "h=entry&content=caf%C3%A9+form".as_bytes().to_vec(),
        )
        .await;
    let loc = created(&res);
    assert_eq!(content(&entry_at(&blog, &loc).await).0, "café form");
    let body = json!({"type": ["h-entry"], "properties": {"content": ["café json"]}});
    let res = blog
        .post(
            Some(&blog.token),
            "application/json; charset=utf-8",
            body.to_string().into_bytes(),
        )
        .await;
    let loc = created(&res);
    assert_eq!(content(&entry_at(&blog, &loc).await).0, "café json");
}
