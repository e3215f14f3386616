//! Upload limits: a body over `MAX_CONTENT_LENGTH` is a 413 with the site's error page,
//! and nothing of it is kept.

use axum::http::StatusCode;
use image::ImageFormat;

use crate::admin::{Admin, Part, image_bytes};

#[tokio::test]
async fn an_upload_over_the_limit_is_413_and_leaves_nothing() {
    let admin = Admin::with(&[("MAX_CONTENT_LENGTH", "20000")]).await;
    // A real photo followed by noise: the size is what counts, not what it shows.
    let mut big = image_bytes(ImageFormat::Jpeg, 400, 300);
    big.extend((0..60_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    assert!(big.len() > 20_000, "the photo is over the limit");
    for path in ["/admin/new", "/admin/preview"] {
        let res = admin
            .post_multipart(
                path,
                &[
                    Part::Text("csrf_token", &admin.csrf),
                    Part::Text("content", "too big"),
                    Part::Text("status", "published"),
                    Part::File("photo0", "big.jpg", "image/jpeg", big.clone()),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{path}: {}",
            res.body
        );
        assert!(
            res.header("content-type").starts_with("text/html"),
            "{path}"
        );
        assert!(
            res.body.contains("<html")
                && res.body.contains("Test Blog")
                && res.body.contains("413"),
            "{path}: the site's error page"
        );
    }
    admin.assert_nothing_kept().await;
    // a small photo still goes through
    let res = admin
        .post_multipart(
            "/admin/new",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "small"),
                Part::Text("status", "published"),
                Part::File(
                    "photo0",
                    "s.jpg",
                    "image/jpeg",
                    image_bytes(ImageFormat::Jpeg, 80, 60),
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}
