//! Refusals found by reading the code cold: each one must change nothing, and none may
//! be a 500.

use axum::http::StatusCode;
use serde_json::json;

use super::client::{Blog, Part, assert_error, created, jpeg};

#[tokio::test]
async fn text_parts_without_a_token_are_capped_at_one_megabyte() {
    let blog = Blog::start().await;
    let chunk = "x".repeat(150_000);
    let parts: Vec<Part> = (0..8).map(|_| Part::Text("filler", &chunk)).collect();
    let res = blog.multipart("/micropub", None, &parts).await;
    assert_error(&res, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    blog.assert_nothing_stored().await;
}

#[tokio::test]
async fn a_scope_refused_after_the_upload_leaves_no_photo() {
    let blog = Blog::start().await;
    let note = blog.create_form("h=entry&content=keep+me").await;
    let create_only = blog.token_with("create");
    let res = blog
        .multipart(
            "/micropub",
            Some(&create_only),
            &[
                Part::Text("action", "delete"),
                Part::Text("url", &note),
                Part::File("photo", "a.jpg", "image/jpeg", jpeg(320, 240)),
            ],
        )
        .await;
    assert_error(&res, StatusCode::FORBIDDEN, "insufficient_scope");
    assert!(blog.media_files().is_empty(), "{:?}", blog.media_files());
    assert_eq!(blog.live_notes().await.len(), 1, "the note is still there");
}

#[tokio::test]
async fn dates_outside_years_1_to_9999_are_refused() {
    let blog = Blog::start().await;
    for date in ["0000-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"] {
        let res = blog
            .json(
                Some(&blog.token),
                &json!({"type": ["h-entry"], "properties": {"content": ["x"], "published": [date]}}),
            )
            .await;
        assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    }
    blog.assert_nothing_stored().await;
    let loc = blog.create_form("h=entry&content=dated").await;
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": loc, "replace": {"published": ["2026-12-01T10:00"]}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let src = blog.source(&loc).await;
    assert_eq!(
        src["properties"]["published"],
        json!(["2026-12-01T10:00:00Z"])
    );
}

#[tokio::test]
async fn a_media_upload_refused_after_its_file_is_removed() {
    let blog = Blog::start().await;
    let res = blog
        .multipart(
            "/micropub/media",
            Some(&blog.token),
            &[
                Part::File("file", "a.jpg", "image/jpeg", jpeg(320, 240)),
                Part::Text("access_token", &blog.token),
            ],
        )
        .await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(blog.media_files().is_empty(), "{:?}", blog.media_files());
}

#[tokio::test]
async fn photos_must_be_stored_here_or_https_elsewhere() {
    let blog = Blog::start().await;
    for photo in [
        "http://example.com/a.jpg",
        "/media/2026/11/nope.jpg",
        "http://blog.example.test/media/2026/11/nope.jpg",
    ] {
        let body = format!("h=entry&photo={}", super::client::enc(photo));
        let res = blog.form(Some(&blog.token), &body).await;
        assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    }
    blog.assert_nothing_stored().await;
    let loc = blog.create_form("h=entry&content=later").await;
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": loc, "add": {"photo": ["/media/2026/11/nope.jpg"]}}),
        )
        .await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(blog.source(&loc).await["properties"].get("photo").is_none());
}

#[tokio::test]
async fn a_media_only_token_cannot_read_sources() {
    let blog = Blog::start().await;
    let loc = blog
        .create_form("h=entry&content=secret+draft&post-status=draft")
        .await;
    let media_only = blog.token_with("media");
    let path = format!("/micropub?q=source&url={}", super::client::enc(&loc));
    let res = blog.get_as(&path, &media_only).await;
    assert_error(&res, StatusCode::FORBIDDEN, "insufficient_scope");
    assert!(!res.body.contains("secret"));
    let res = blog.get_as("/micropub?q=config", &media_only).await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn two_notes_sharing_a_photo_both_show_its_variants() {
    let blog = Blog::start().await;
    let up = blog
        .multipart(
            "/micropub/media",
            Some(&blog.token),
            &[Part::File("file", "a.jpg", "image/jpeg", jpeg(1600, 1200))],
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.body);
    let url = up.header("location").to_string();
    for n in 0..2 {
        created(
            &blog
                .json(
                    Some(&blog.token),
                    &json!({"type": ["h-entry"], "properties": {"content": [format!("shared {n}")], "photo": [url]}}),
                )
                .await,
        );
    }
    let home = blog.get("/").await;
    assert_eq!(
        home.body.matches("srcset=").count(),
        2,
        "both entries offer variants"
    );
}

#[tokio::test]
async fn html_content_is_never_read_for_a_markdown_heading() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {
            "content": [{"html": "# Not a heading\n<p>body</p>"}]
        }}))
        .await;
    let notes = blog.live_notes().await;
    assert_eq!(notes[0].title, None, "no name was given");
    let src = blog.source(&loc).await;
    assert!(src["properties"].get("name").is_none(), "{src}");
    let named = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {
            "name": ["Given"], "content": [{"html": "<p>body</p>"}]
        }}))
        .await;
    assert_eq!(
        blog.source(&named).await["properties"]["name"],
        json!(["Given"])
    );
}

#[tokio::test]
async fn search_finds_the_words_of_html_notes_never_their_markup() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {
            "content": [{"html": "<p>Quokkas <strong>smile</strong> at <a href=\"https://zoo.example/\">the zoo</a> &amp; beyond</p>"}]
        }}))
        .await;
    let found = |q: &str| {
        let blog = &blog;
        let q = q.to_string();
        async move {
            let res = blog.get(&format!("/api/search?q={q}")).await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            serde_json::from_str::<serde_json::Value>(&res.body).unwrap()
        }
    };
    for markup in ["href", "strong", "amp"] {
        assert_eq!(
            found(markup).await["total"],
            0,
            "{markup} is markup, not a word"
        );
    }
    let hit = found("quokkas").await;
    assert_eq!(hit["total"], 1, "{hit}");
    let snippet = hit["results"][0]["snippet"]
        .as_str()
        .unwrap_or_default()
        .replace("<mark>", "")
        .replace("</mark>", "");
    assert!(snippet.contains("Quokkas smile"), "{snippet}");
    for markup in ["<", "&lt;", "strong", "href"] {
        assert!(!snippet.contains(markup), "{markup} in {snippet}");
    }
    // Replaced by Markdown, the note is indexed as written again.
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": loc, "replace": {"content": ["Wombats **dig**"]}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(found("quokkas").await["total"], 0);
    assert_eq!(found("wombats").await["total"], 1);
}

#[tokio::test]
async fn a_stranger_trying_tokens_is_slowed_down_before_the_token_endpoint_is() {
    let blog = Blog::start().await;
    // The owner's token, checked once and cached, keeps working throughout.
    blog.create_form("h=entry&content=before").await;
    let before = blog.tokens.calls();
    let limit = starpunk::micropub::token::CHECKS_PER_MINUTE as usize;
    let mut limited = None;
    for i in 0..limit + 5 {
        let res = blog
            .form(Some(&format!("guess-{i}")), "h=entry&content=x")
            .await;
        if res.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(res);
            break;
        }
        assert_error(&res, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let res = limited.expect("a 429 once the limit is reached");
    assert_error(&res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    assert!(res.header("retry-after").parse::<u64>().unwrap() >= 1);
    assert!(
        blog.tokens.calls() - before <= limit,
        "at most {limit} guesses reached the token endpoint"
    );
    blog.create_form("h=entry&content=after").await;
}

#[tokio::test]
async fn a_name_equal_to_the_heading_stays_a_name() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {
            "name": ["Hello"], "content": ["# Hello\n\nThe body."]
        }}))
        .await;
    assert_eq!(
        blog.source(&loc).await["properties"]["name"],
        json!(["Hello"])
    );
    let res = blog
        .json(
            Some(&blog.token),
            &json!({"action": "update", "url": loc, "replace": {"content": ["Only a body now."]}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let src = blog.source(&loc).await;
    assert_eq!(src["properties"]["name"], json!(["Hello"]), "{src}");
    assert_eq!(blog.live_notes().await[0].title.as_deref(), Some("Hello"));
}
