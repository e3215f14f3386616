//! micropub.rocks 700–702: discover the media endpoint with `q=config`, upload one
//! `file` part, and fetch the Location (200, the image's type). Plus `q=last`, refusals,
//! and scopes.

use axum::http::StatusCode;
use image::ImageFormat;
use serde_json::json;

use super::client::{Blog, Part, assert_error, json_ok, local};
use crate::admin::image_bytes;
use crate::helpers::SITE;

/// Runs a micropub.rocks media test: returns the Location of the upload.
async fn upload_as_rocks(blog: &Blog, file: &str, mime: &str, bytes: Vec<u8>) -> String {
    let config = json_ok(&blog.get_as("/micropub?q=config", &blog.token).await);
    let endpoint = config["media-endpoint"].as_str().unwrap().to_string();
    assert_eq!(endpoint, format!("{SITE}/micropub/media"));
    let res = blog
        .multipart(
            &endpoint,
            Some(&blog.token),
            &[Part::File("file", file, mime, bytes)],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let loc = res.header("location").to_string();
    let ext = file.rsplit('.').next().unwrap();
    let rest = loc
        .strip_prefix(&format!("{SITE}/media/"))
        .unwrap_or_else(|| panic!("Location on SITE_URL/media/: {loc}"));
    let parts: Vec<&str> = rest.split('/').collect();
    assert_eq!(parts.len(), 3, "YYYY/MM/file: {loc}");
    assert!(parts[0].len() == 4 && parts[0].bytes().all(|b| b.is_ascii_digit()));
    assert!(parts[1].len() == 2 && parts[1].bytes().all(|b| b.is_ascii_digit()));
    let (stem, got_ext) = parts[2].rsplit_once('.').unwrap();
    assert!(uuid::Uuid::parse_str(stem).is_ok(), "{loc}");
    assert_eq!(got_ext, ext, "{loc}");
    // micropub.rocks fetches it and compares the Content-Type exactly.
    let served = blog.get(&local(&loc)).await;
    assert_eq!(served.status, StatusCode::OK, "served at once");
    assert_eq!(served.header("content-type"), mime);
    loc
}

#[tokio::test]
async fn t700_media_jpg() {
    let blog = Blog::start().await;
    upload_as_rocks(
        &blog,
        "sunset.jpg",
        "image/jpeg",
        image_bytes(ImageFormat::Jpeg, 720, 480),
    )
    .await;
}

#[tokio::test]
async fn t701_media_png() {
    let blog = Blog::start().await;
    upload_as_rocks(
        &blog,
        "micropub-rocks.png",
        "image/png",
        image_bytes(ImageFormat::Png, 256, 256),
    )
    .await;
}

#[tokio::test]
async fn t702_media_gif() {
    let blog = Blog::start().await;
    upload_as_rocks(
        &blog,
        "w3c-socialwg.gif",
        "image/gif",
        image_bytes(ImageFormat::Gif, 200, 120),
    )
    .await;
}

#[tokio::test]
async fn last_upload_within_the_hour_and_use_in_a_post() {
    let blog = Blog::start().await;
    let empty = json_ok(&blog.get_as("/micropub/media?q=last", &blog.token).await);
    assert_eq!(empty, json!({}));
    let loc = upload_as_rocks(
        &blog,
        "a.jpg",
        "image/jpeg",
        image_bytes(ImageFormat::Jpeg, 400, 300),
    )
    .await;
    let last = json_ok(&blog.get_as("/micropub/media?q=last", &blog.token).await);
    assert_eq!(last, json!({ "url": loc }));

    // Quill: upload first, then create with the photo URL; the media row is linked.
    let note = blog
        .create_form(&format!(
            "h=entry&content=from+the+media+endpoint&photo={}",
            super::client::enc(&loc)
        ))
        .await;
    let urls = super::create::assert_own_photos(&blog, &note, 1).await;
    let stem = loc.rsplit('/').next().unwrap().split('.').next().unwrap();
    assert!(
        urls[0].contains(stem),
        "the stored upload (or a variant of it), not a copy: {urls:?} vs {loc}"
    );
    assert_eq!(
        blog.media_files()
            .iter()
            .filter(|f| !f.contains(stem))
            .count(),
        0,
        "nothing stored twice: {:?}",
        blog.media_files()
    );
}

#[tokio::test]
async fn media_refusals_are_json() {
    let blog = Blog::start().await;
    let not_image = blog
        .multipart(
            "/micropub/media",
            Some(&blog.token),
            &[Part::File(
                "file",
                "photo.jpg",
                "image/jpeg",
                b"#!/bin/sh\necho not an image\n".to_vec(),
            )],
        )
        .await;
    assert_error(&not_image, StatusCode::BAD_REQUEST, "invalid_request");
    let no_file = blog
        .multipart(
            "/micropub/media",
            Some(&blog.token),
            &[
                Part::Text("h", "entry"),
                Part::File(
                    "photo",
                    "a.jpg",
                    "image/jpeg",
                    image_bytes(ImageFormat::Jpeg, 64, 64),
                ),
            ],
        )
        .await;
    assert_error(&no_file, StatusCode::BAD_REQUEST, "invalid_request");
    let anonymous = blog
        .multipart(
            "/micropub/media",
            None,
            &[Part::File(
                "file",
                "a.jpg",
                "image/jpeg",
                image_bytes(ImageFormat::Jpeg, 64, 64),
            )],
        )
        .await;
    assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(blog.media_files().is_empty(), "{:?}", blog.media_files());
}

#[tokio::test]
async fn media_scope_or_create_scope_may_upload_update_may_not() {
    let blog = Blog::start().await;
    for scope in ["media", "create"] {
        let token = blog.token_with(scope);
        let res = blog
            .multipart(
                "/micropub/media",
                Some(&token),
                &[Part::File(
                    "file",
                    "a.png",
                    "image/png",
                    image_bytes(ImageFormat::Png, 32, 32),
                )],
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{scope}: {}", res.body);
    }
    let token = blog.token_with("update delete");
    let res = blog
        .multipart(
            "/micropub/media",
            Some(&token),
            &[Part::File(
                "file",
                "a.png",
                "image/png",
                image_bytes(ImageFormat::Png, 32, 32),
            )],
        )
        .await;
    let v = assert_error(
        &res,
        super::client::INSUFFICIENT_SCOPE_STATUS,
        "insufficient_scope",
    );
    assert_eq!(v["scope"], "media");
}
