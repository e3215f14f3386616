//! `/media/…` as a browser or a cache sees it.

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::{CACHE_CONTROL, router};
use crate::app::AppState;
use crate::config::Config;
use crate::media::tests::Bench;
use crate::media::tests::fixtures::photo_jpeg;

fn app(b: &Bench) -> Router {
    let vars: HashMap<String, String> = [(
        "DATA_PATH".to_string(),
        b.tmp.path().to_string_lossy().into_owned(),
    )]
    .into_iter()
    .collect();
    let config = Config::from_vars(&vars).unwrap();
    router().with_state(AppState::with_db(config, b.db.clone()))
}

async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(k, *v);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = res.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.unwrap().to_bytes().to_vec(),
    )
}

#[tokio::test]
async fn serves_with_type_caching_etag_ranges_and_head() {
    let b = Bench::new().await;
    let m = b.save(&photo_jpeg(700, 500), "p.jpg").await.unwrap();
    let app = app(&b);
    let url = m.url_path();
    let file = b.read(&m.path);

    let (status, h, body) = send(&app, Method::GET, &url, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(h[header::CACHE_CONTROL], CACHE_CONTROL);
    assert_eq!(h[header::CONTENT_LENGTH], file.len().to_string().as_str());
    assert!(h.contains_key(header::LAST_MODIFIED));
    assert_eq!(body, file);
    let etag = h[header::ETAG].to_str().unwrap().to_string();

    let (status, h, body) = send(&app, Method::GET, &url, &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(h[header::CACHE_CONTROL], CACHE_CONTROL);
    assert!(body.is_empty());

    let (status, h, body) = send(&app, Method::GET, &url, &[(header::RANGE, "bytes=10-19")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        h[header::CONTENT_RANGE],
        format!("bytes 10-19/{}", file.len()).as_str()
    );
    assert_eq!(body, &file[10..20]);

    let (status, h, body) = send(&app, Method::HEAD, &url, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_LENGTH], file.len().to_string().as_str());
    assert!(body.is_empty());

    let small = m.variant(crate::media::VariantName::Small).unwrap();
    assert_eq!(
        send(&app, Method::GET, &small.url_path(), &[]).await.2,
        b.read(&small.path)
    );
}

#[tokio::test]
async fn nothing_outside_the_media_folder_can_be_reached() {
    let b = Bench::new().await;
    let m = b.save(&photo_jpeg(400, 300), "p.jpg").await.unwrap();
    let month_dir = b.media_dir().join(m.path.rsplit_once('/').unwrap().0);
    let secret = b.tmp.path().join("starpunk.db");
    std::os::unix::fs::symlink(&secret, month_dir.join("link.jpg")).unwrap();
    std::fs::create_dir_all(b.media_dir().join("2020")).unwrap();
    std::os::unix::fs::symlink(b.tmp.path(), b.media_dir().join("2020/01")).unwrap();
    std::fs::write(b.tmp.path().join("x.jpg"), b"secret").unwrap();
    let app = app(&b);
    let (year, month) = m.path.split_at(4);
    let month = &month[1..3];
    for uri in [
        format!("/media/{year}/{month}/link.jpg"),
        "/media/2020/01/x.jpg".to_string(),
        format!("/media/{year}/{month}/..%2F..%2F..%2Fstarpunk.db"),
        format!("/media/{year}/{month}/%2E%2E"),
        format!("/media/{year}/..%2F..%2Fx.jpg/x.jpg"),
        "/media/..%2F..%2F/01/x.jpg".to_string(),
        format!("/media/{year}/{month}/missing.jpg"),
        format!("/media/{year}/{month}/{}.txt", m.uuid),
    ] {
        let (status, _, _) = send(&app, Method::GET, &uri, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
}
