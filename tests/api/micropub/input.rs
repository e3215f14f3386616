//! Bad input: every refusal is a JSON error with the right status, never a 500 or an
//! HTML page, and leaves nothing behind.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::client::{Blog, Part, assert_error, multipart, multipart_type};

/// Sends `body` as `content_type` and expects `status` / `code` and nothing stored.
async fn refused(blog: &Blog, content_type: &str, body: Vec<u8>, status: StatusCode, code: &str) {
    let res = blog.post(Some(&blog.token), content_type, body).await;
    assert_error(&res, status, code);
    blog.assert_nothing_stored().await;
}

async fn bad_json(blog: &Blog, body: &Value) -> Value {
    let res = blog.json(Some(&blog.token), body).await;
    let v = assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    blog.assert_nothing_stored().await;
    v
}

#[tokio::test]
async fn malformed_json() {
    let blog = Blog::start().await;
    for body in [
        &br#"{"type": ["h-entry"], "properties": {"content": ["x"]"#[..],
        b"",
        b"[]",
        b"null",
        b"\"h-entry\"",
        br#"{"type": ["h-entry"], "properties": {"content": ["x"]}} trailing"#,
    ] {
        refused(
            &blog,
            "application/json",
            body.to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
}

#[tokio::test]
async fn wrong_or_missing_content_type() {
    let blog = Blog::start().await;
    for ct in ["text/plain", "application/xml", "image/jpeg"] {
        refused(
            &blog,
            ct,
            b"h=entry&content=hello".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
    let req = super::client::Req {
        bearer: Some(&blog.token),
        body: b"h=entry&content=hello".to_vec(),
        ..Default::default()
    };
    let res = blog.send(reqwest::Method::POST, "/micropub", req).await;
    assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    blog.assert_nothing_stored().await;
}

#[tokio::test]
async fn wrong_types_where_we_interpret() {
    let blog = Blog::start().await;
    let entry = |props: Value| json!({"type": ["h-entry"], "properties": props});
    for props in [
        json!({"content": [5]}),
        json!({"content": [true]}),
        json!({"content": [["nested"]]}),
        json!({"content": "not an array"}),
        json!({"content": ["ok"], "category": [["a", "b"]]}),
        json!({"content": ["ok"], "category": [7]}),
        json!({"content": ["ok"], "published": ["yesterday"]}),
        json!({"content": ["ok"], "post-status": ["maybe"]}),
        json!({"content": ["ok"], "photo": [42]}),
    ] {
        bad_json(&blog, &entry(props)).await;
    }
    for body in [
        json!({"type": ["h-entry"], "properties": ["content"]}),
        json!({"type": ["h-event"], "properties": {"name": ["Party"]}}),
        json!({"type": ["h-entry"], "properties": {}}),
        json!({"action": "explode", "url": "http://blog.example.test/note/x"}),
    ] {
        bad_json(&blog, &body).await;
    }
    // A number inside a nested h-card is fine: only what we interpret is typed.
    let loc = blog
        .create_json(&entry(json!({"content": ["ok"], "location": [{"type": ["h-geo"], "properties": {"latitude": [1.5], "longitude": [2]}}]})))
        .await;
    let src = blog.source(&loc).await;
    assert_eq!(
        src["properties"]["location"][0]["properties"]["longitude"],
        json!([2])
    );
}

#[tokio::test]
async fn form_refusals() {
    let blog = Blog::start().await;
    let form = "application/x-www-form-urlencoded";
    for body in [
        &b"h=event&name=Party"[..],
        b"h=entry",
        b"h=entry&content=",
        b"action=explode&url=http%3A%2F%2Fblog.example.test%2Fnote%2Fx",
        b"h=entry&content=ok&post-status=maybe",
        b"h=entry&content=ok&published=not-a-date",
    ] {
        refused(
            &blog,
            form,
            body.to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
    let res = blog
        .form(Some(&blog.token), "h=entry&content=ok&category=what%3Fnow")
        .await;
    let v = assert_error(&res, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(
        v["error_description"]
            .as_str()
            .unwrap()
            .contains("what?now"),
        "the refused category is named: {v}"
    );
    blog.assert_nothing_stored().await;
}

#[tokio::test]
async fn invalid_utf8_form_body() {
    let blog = Blog::start().await;
    refused(
        &blog,
        "application/x-www-form-urlencoded",
        b"h=entry&content=caf\xe9+\xff\xfe".to_vec(),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    refused(
        &blog,
        "application/json",
        b"{\"type\":[\"h-entry\"],\"properties\":{\"content\":[\"caf\xe9\"]}}".to_vec(),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn ten_thousand_categories() {
    let blog = Blog::start().await;
    let cats: Vec<String> = (0..10_000).map(|i| format!("t{i}")).collect();
    bad_json(
        &blog,
        &json!({"type": ["h-entry"], "properties": {"content": ["x"], "category": cats}}),
    )
    .await;
    let form: String = std::iter::once("h=entry&content=x".to_string())
        .chain((0..10_000).map(|i| format!("category[]=t{i}")))
        .collect::<Vec<_>>()
        .join("&");
    refused(
        &blog,
        "application/x-www-form-urlencoded",
        form.into_bytes(),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn hundred_levels_of_nesting() {
    let blog = Blog::start().await;
    let mut inner = json!(["deep"]);
    for _ in 0..100 {
        inner = json!([{"type": ["h-card"], "properties": {"note": inner}}]);
    }
    bad_json(
        &blog,
        &json!({"type": ["h-entry"], "properties": {"content": ["x"], "checkin": inner}}),
    )
    .await;
    // Deeper than any JSON parser's own recursion limit: still a 400, never a crash.
    let deep = format!(
        r#"{{"type":["h-entry"],"properties":{{"content":["x"],"checkin":{}1{}}}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    refused(
        &blog,
        "application/json",
        deep.into_bytes(),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
}

/// Over the limits: sent in process (see `Blog::post_in_process`).
async fn too_large(blog: &Blog, path: &str, content_type: &str, body: Vec<u8>) {
    let res = blog
        .post_in_process(path, Some(&blog.token), content_type, body)
        .await;
    assert_error(&res, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    blog.assert_nothing_stored().await;
}

#[tokio::test]
async fn bodies_over_one_megabyte() {
    let blog = Blog::start().await;
    let big = "a".repeat(1024 * 1024 + 1);
    let body = json!({"type": ["h-entry"], "properties": {"content": [big]}});
    too_large(
        &blog,
        "/micropub",
        "application/json",
        body.to_string().into_bytes(),
    )
    .await;
    too_large(
        &blog,
        "/micropub",
        "application/x-www-form-urlencoded",
        format!("h=entry&content={big}").into_bytes(),
    )
    .await;
    // Just under the limit is not refused for its size.
    let fits = "b".repeat(900 * 1024);
    let res = blog
        .post_in_process(
            "/micropub",
            Some(&blog.token),
            "application/x-www-form-urlencoded",
            format!("h=entry&content={fits}").into_bytes(),
        )
        .await;
    assert_ne!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
}

#[tokio::test]
async fn multipart_over_max_content_length() {
    let blog = Blog::start_with(
        super::token_endpoint::Advert::HtmlLink,
        &[("MAX_CONTENT_LENGTH", "200000")],
    )
    .await;
    let mut big = super::client::jpeg(400, 300);
    big.extend((0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let parts = [
        Part::Text("h", "entry"),
        Part::Text("content", "too big"),
        Part::File("photo", "big.jpg", "image/jpeg", big.clone()),
    ];
    for path in ["/micropub", "/micropub/media"] {
        let parts: &[Part] = if path == "/micropub" {
            &parts
        } else {
            &[Part::File("file", "big.jpg", "image/jpeg", big.clone())]
        };
        too_large(&blog, path, &multipart_type(), multipart(parts)).await;
        assert!(
            crate::admin::staged(blog.server.data_dir()).is_empty(),
            "{path}: nothing left in staging"
        );
    }
}
