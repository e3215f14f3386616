//! Compressed pages and feeds (issue 11 A) over real HTTP: brotli and gzip chosen by
//! `Accept-Encoding`, each with its own ETag and 304, `Vary` always, HEAD sized, tiny
//! bodies and photos left alone.

use std::io::Read;

use image::ImageFormat;
use reqwest::{Method, StatusCode};

use crate::admin::image_bytes;
use crate::helpers::{TestServer, entry_count, parse_feed};
use crate::photos::bytes_stream;

struct Got {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn fetch(srv: &TestServer, method: Method, path: &str, headers: &[(&str, &str)]) -> Got {
    let mut req = srv.client().request(method, srv.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    Got {
        status: res.status(),
        headers: res.headers().clone(),
        body: res.bytes().await.unwrap().to_vec(),
    }
}

async fn get(srv: &TestServer, path: &str, accept_encoding: &str) -> Got {
    fetch(
        srv,
        Method::GET,
        path,
        &[("accept-encoding", accept_encoding)],
    )
    .await
}

fn unbrotli(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(b, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// A server with enough notes for the home page and the feeds to be worth compressing.
async fn server_with_notes() -> TestServer {
    let srv = TestServer::start(&[]).await;
    for i in 0..30 {
        let input = starpunk::domain::NoteInput {
            content: format!("Note number {i}, with some words that repeat across notes."),
            ..Default::default()
        };
        srv.state.notes.create(input).await.unwrap();
    }
    srv
}

#[tokio::test]
async fn pages_and_feeds_come_in_brotli_and_gzip_decoding_to_the_same_bytes() {
    let srv = server_with_notes().await;
    for path in ["/", "/feed.atom", "/feed.rss", "/feed.json"] {
        let plain = get(&srv, path, "identity").await;
        assert_eq!(plain.status, StatusCode::OK, "{path}");
        assert!(plain.body.len() > 1024, "{path}: {}", plain.body.len());
        assert_eq!(plain.header("content-encoding"), "", "{path}");
        assert!(plain.header("vary").contains("Accept-Encoding"), "{path}");
        let none = fetch(&srv, Method::GET, path, &[]).await;
        assert_eq!(none.body, plain.body, "{path}: no header means identity");

        let br = get(&srv, path, "gzip, deflate, br").await;
        assert_eq!(br.header("content-encoding"), "br", "{path}");
        assert!(br.header("vary").contains("Accept-Encoding"), "{path}");
        assert_eq!(unbrotli(&br.body), plain.body, "{path}");
        assert!(br.body.len() * 3 < plain.body.len(), "{path}");
        assert_eq!(br.header("content-length"), br.body.len().to_string());

        let gz = get(&srv, path, "gzip").await;
        assert_eq!(gz.header("content-encoding"), "gzip", "{path}");
        assert_eq!(gunzip(&gz.body), plain.body, "{path}");
        assert_eq!(gz.header("content-length"), gz.body.len().to_string());

        let tags = [plain.header("etag"), br.header("etag"), gz.header("etag")];
        assert!(
            tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2],
            "{path}: {tags:?}"
        );
        assert!(tags.iter().all(|t| t.starts_with('"')), "strong: {tags:?}");
    }
}

#[tokio::test]
async fn q_values_choose_the_coding() {
    let srv = server_with_notes().await;
    let enc = |g: &Got| g.header("content-encoding").to_string();
    assert_eq!(enc(&get(&srv, "/", "br;q=0, gzip").await), "gzip");
    assert_eq!(enc(&get(&srv, "/", "br;q=0.4, gzip;q=0.8").await), "gzip");
    assert_eq!(enc(&get(&srv, "/", "gzip;q=0, br;q=0").await), "");
    assert_eq!(enc(&get(&srv, "/", "*").await), "br");
    assert_eq!(enc(&get(&srv, "/", "identity;q=0, gzip").await), "gzip");
    assert_eq!(enc(&get(&srv, "/", "deflate").await), "");
}

#[tokio::test]
async fn each_coding_has_its_own_304() {
    let srv = server_with_notes().await;
    for ae in ["br", "gzip", "identity"] {
        let first = get(&srv, "/feed.atom", ae).await;
        let etag = first.header("etag").to_string();
        let again = fetch(
            &srv,
            Method::GET,
            "/feed.atom",
            &[("accept-encoding", ae), ("if-none-match", &etag)],
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{ae}");
        assert_eq!(again.header("etag"), etag, "{ae}");
        assert!(again.header("vary").contains("Accept-Encoding"), "{ae}");
        assert!(again.body.is_empty());
    }
    // The brotli copy's tag does not validate a gzip request: a different body.
    let br = get(&srv, "/feed.atom", "br").await;
    let cross = fetch(
        &srv,
        Method::GET,
        "/feed.atom",
        &[
            ("accept-encoding", "gzip"),
            ("if-none-match", br.header("etag")),
        ],
    )
    .await;
    assert_eq!(cross.status, StatusCode::OK);
    assert_eq!(cross.header("content-encoding"), "gzip");
}

#[tokio::test]
async fn head_is_sized_like_the_negotiated_get() {
    let srv = server_with_notes().await;
    for ae in ["br", "gzip", "identity"] {
        let got = get(&srv, "/", ae).await;
        let head = fetch(&srv, Method::HEAD, "/", &[("accept-encoding", ae)]).await;
        assert_eq!(head.status, StatusCode::OK);
        assert!(head.body.is_empty(), "{ae}");
        assert_eq!(
            head.header("content-length"),
            got.body.len().to_string(),
            "{ae}"
        );
        assert_eq!(
            head.header("content-encoding"),
            got.header("content-encoding")
        );
        assert_eq!(head.header("etag"), got.header("etag"), "{ae}");
    }
}

#[tokio::test]
async fn tiny_bodies_and_photos_are_not_compressed() {
    let srv = TestServer::start(&[]).await;
    // The OPML file of an empty site is a few hundred bytes.
    let opml = get(&srv, "/opml.xml", "gzip, br").await;
    assert_eq!(opml.status, StatusCode::OK);
    assert!(opml.body.len() < 1024, "{}", opml.body.len());
    assert_eq!(opml.header("content-encoding"), "");
    assert_eq!(opml.header("vary"), "", "nothing was negotiated");

    let media = srv
        .state
        .media
        .save(
            bytes_stream(image_bytes(ImageFormat::Jpeg, 1200, 900)),
            Some("photo.jpg"),
        )
        .await
        .unwrap();
    let path = format!("/media/{}", media.path);
    let photo = get(&srv, &path, "gzip, br").await;
    assert_eq!(photo.status, StatusCode::OK, "{path}");
    assert_eq!(photo.header("content-encoding"), "");
    assert!(photo.body.starts_with(&[0xff, 0xd8]), "the JPEG as stored");
    let range = fetch(
        &srv,
        Method::GET,
        &path,
        &[("accept-encoding", "gzip, br"), ("range", "bytes=0-99")],
    )
    .await;
    assert_eq!(range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.body, photo.body[..100]);
    assert_eq!(range.header("content-encoding"), "");
}

#[tokio::test]
async fn compressed_feeds_still_parse_once_decoded() {
    let srv = server_with_notes().await;
    for path in ["/feed.atom", "/feed.rss", "/feed.json"] {
        let br = get(&srv, path, "br").await;
        let body = String::from_utf8(unbrotli(&br.body)).unwrap();
        assert_eq!(entry_count(&body), 30, "{path}");
        if path != "/feed.json" {
            let f = parse_feed(&body);
            assert_eq!(f["bozo"], 0, "{path}: {}", f["bozo_exception"]);
        }
        let gz = get(&srv, path, "gzip").await;
        assert_eq!(gunzip(&gz.body), body.as_bytes(), "{path}");
    }
}
