//! Photos on pages and in feeds, as an mf2 parser and feed readers see them.

use axum::http::StatusCode;
use image::ImageFormat;
use starpunk::domain::{Note, NoteInput};

use crate::admin::image_bytes;
use crate::helpers::{SITE, TestApp, find_item, mf2, parse_feed};

/// A note with two photos (2000×1500 with a caption, 300×200 without).
async fn note_with_photos(app: &TestApp) -> Note {
    let big = app
        .state
        .media
        .save(
            bytes_stream(image_bytes(ImageFormat::Jpeg, 2000, 1500)),
            Some("big.jpg"),
        )
        .await
        .unwrap();
    let small = app
        .state
        .media
        .save(
            bytes_stream(image_bytes(ImageFormat::Png, 300, 200)),
            Some("small.png"),
        )
        .await
        .unwrap();
    app.note_with(NoteInput {
        content: "Photos & words".into(),
        photos: Some(vec![
            (big.id, Some("A \"big\" <view>".into())),
            (small.id, None),
        ]),
        ..Default::default()
    })
    .await
}

pub fn bytes_stream(
    b: Vec<u8>,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> {
    futures_util::stream::iter([Ok(bytes::Bytes::from(b))])
}

#[tokio::test]
async fn photos_on_the_permalink() {
    let app = TestApp::new().await;
    let note = note_with_photos(&app).await;
    let res = app.get(&format!("/note/{}", note.slug)).await;
    let doc = mf2(&res.body, SITE);
    let entry = find_item(&doc, "h-entry");
    let photos = entry["properties"]["photo"].as_array().expect("u-photo");
    assert_eq!(photos.len(), 2);
    assert_eq!(photos[0]["alt"], "A \"big\" <view>");
    assert_eq!(photos[1]["alt"], "");
    let first = photos[0]["value"].as_str().unwrap();
    assert!(first.starts_with(&format!("{SITE}/media/")), "{first}");
    let content = entry["properties"]["content"][0]["html"].as_str().unwrap();
    assert!(!content.contains("<img"), "u-photo lives outside e-content");

    // markup: srcset from the variants, intrinsic size, lazy below the fold, alt always
    let imgs: Vec<&str> = res.body.split("<img class=\"u-photo\"").skip(1).collect();
    assert_eq!(imgs.len(), 2);
    assert!(
        imgs[0].contains("320w")
            && imgs[0].contains("640w")
            && imgs[0].contains("1280w")
            && imgs[0].contains("2000w"),
        "{}",
        imgs[0]
    );
    assert!(imgs[0].contains("width=\"2000\" height=\"1500\""));
    assert!(imgs[0].contains("sizes=\""));
    assert!(
        !imgs[0].contains("loading=\"lazy\""),
        "the first photo is above the fold"
    );
    assert!(imgs[1].contains("loading=\"lazy\""));
    assert!(imgs[1].contains("alt=\"\""));
    assert!(
        res.body
            .contains("<figcaption>A &#34;big&#34; &#60;view&#62;</figcaption>")
            || res
                .body
                .contains("<figcaption>A &quot;big&quot; &lt;view&gt;</figcaption>")
    );
    // photos come before the text
    assert!(res.body.find("u-photo").unwrap() < res.body.find("e-content").unwrap());

    // the files are served with immutable caching
    let served = app.get(first.strip_prefix(SITE).unwrap()).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.header("content-type"), "image/jpeg");
    assert!(served.header("cache-control").contains("immutable"));
}

#[tokio::test]
async fn photos_in_the_feeds() {
    let app = TestApp::new().await;
    note_with_photos(&app).await;

    let rss = app.get("/feed.rss").await.body;
    let doc = roxmltree::Document::parse(&rss).unwrap();
    const MRSS: &str = "http://search.yahoo.com/mrss/";
    let enclosure = doc
        .descendants()
        .find(|n| n.has_tag_name("enclosure"))
        .expect("an enclosure");
    assert_eq!(enclosure.attribute("type"), Some("image/jpeg"));
    assert!(
        enclosure
            .attribute("length")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    let groups: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((MRSS, "group")))
        .collect();
    assert_eq!(groups.len(), 2);
    let contents: Vec<_> = groups[0]
        .children()
        .filter(|n| n.has_tag_name((MRSS, "content")))
        .collect();
    assert_eq!(
        contents.len(),
        4,
        "small, medium, large and the stored image"
    );
    let defaults: Vec<_> = contents
        .iter()
        .filter(|c| c.attribute("isDefault") == Some("true"))
        .collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0].attribute("width"), Some("2000"));
    assert!(
        groups[0]
            .children()
            .any(|n| n.has_tag_name((MRSS, "thumbnail")))
    );
    let title = groups[0]
        .children()
        .find(|n| n.has_tag_name((MRSS, "title")))
        .unwrap();
    assert_eq!(title.text(), Some("A \"big\" <view>"));
    let f = parse_feed(&rss);
    assert_eq!(f["bozo"], 0, "{}", f["bozo_exception"]);
    let rels: Vec<&serde_json::Value> = f["entries"][0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["rel"] == "enclosure")
        .collect();
    assert_eq!(rels.len(), 1, "one RSS enclosure");
    assert_eq!(
        f["entries"][0]["media_content"].as_array().unwrap().len(),
        5
    );

    let atom = app.get("/feed.atom").await.body;
    let f = parse_feed(&atom);
    assert_eq!(f["bozo"], 0);
    let links = f["entries"][0]["links"].as_array().unwrap();
    let enclosures: Vec<_> = links.iter().filter(|l| l["rel"] == "enclosure").collect();
    assert_eq!(enclosures.len(), 2);
    assert_eq!(enclosures[0]["type"], "image/jpeg");
    assert_eq!(enclosures[0]["title"], "A \"big\" <view>");
    let length = enclosures[0]["length"].to_string();
    assert!(
        length.trim_matches('"').parse::<u64>().unwrap() > 0,
        "{length}"
    );

    let json: serde_json::Value = serde_json::from_str(&app.get("/feed.json").await.body).unwrap();
    let item = &json["items"][0];
    assert_eq!(item["attachments"].as_array().unwrap().len(), 2);
    assert_eq!(item["attachments"][0]["mime_type"], "image/jpeg");
    assert_eq!(item["attachments"][0]["title"], "A \"big\" <view>");
    assert_eq!(item["image"], item["attachments"][0]["url"]);
    assert!(
        item["content_html"].as_str().unwrap().contains("<img"),
        "readers without enclosure support still see the photos"
    );
    let parsed = feed_rs::parser::parse(serde_json::to_string(&json).unwrap().as_bytes()).unwrap();
    assert_eq!(
        parsed.entries.len(),
        1,
        "still a valid JSON Feed for a reader"
    );
}

#[tokio::test]
async fn photo_queries_do_not_grow_with_notes() {
    async fn count(app: &TestApp, path: &str) -> u64 {
        app.state.generation.bump();
        let before = app.state.db.query_count();
        assert!(app.get(path).await.status.is_success());
        app.state.db.query_count() - before
    }
    let mut counts = Vec::new();
    for n in [1usize, 30] {
        let app = TestApp::new().await;
        let m = app
            .state
            .media
            .save(bytes_stream(image_bytes(ImageFormat::Jpeg, 700, 500)), None)
            .await
            .unwrap();
        for i in 0..n {
            app.note_with(NoteInput {
                content: format!("note {i}"),
                photos: Some(vec![(m.id, Some(format!("c{i}")))]),
                ..Default::default()
            })
            .await;
        }
        let mut c = Vec::new();
        for path in [
            "/",
            "/feed.rss",
            "/feed.atom",
            "/feed.json",
            "/api/search?q=note",
        ] {
            c.push(count(&app, path).await);
        }
        counts.push(c);
    }
    assert_eq!(
        counts[0], counts[1],
        "queries for 1 note vs 30 notes with photos"
    );
}

#[tokio::test]
async fn deleted_notes_keep_photos_until_purged() {
    let app = TestApp::new().await;
    let shared = app
        .state
        .media
        .save(bytes_stream(image_bytes(ImageFormat::Jpeg, 400, 300)), None)
        .await
        .unwrap();
    let own = app
        .state
        .media
        .save(bytes_stream(image_bytes(ImageFormat::Jpeg, 500, 300)), None)
        .await
        .unwrap();
    let a = app
        .note_with(NoteInput {
            content: "a".into(),
            photos: Some(vec![(shared.id, None), (own.id, None)]),
            ..Default::default()
        })
        .await;
    app.note_with(NoteInput {
        content: "b".into(),
        photos: Some(vec![(shared.id, None)]),
        ..Default::default()
    })
    .await;
    app.state.notes.delete(a.id).await.unwrap();
    assert_eq!(
        app.state
            .notes
            .get(a.id)
            .await
            .unwrap()
            .unwrap()
            .photos
            .len(),
        2,
        "a soft delete keeps the photos"
    );
    assert_eq!(app.get(&own.url_path()).await.status, StatusCode::OK);

    let freed = app.state.notes.purge(a.id).await.unwrap();
    assert_eq!(
        freed,
        [own.id],
        "only the photo no other note shows is freed"
    );
    for id in freed {
        app.state.media.delete(id).await.unwrap();
    }
    assert_eq!(app.get(&own.url_path()).await.status, StatusCode::NOT_FOUND);
    assert!(app.state.media.get(own.id).await.unwrap().is_none());
    assert_eq!(
        app.get(&shared.url_path()).await.status,
        StatusCode::OK,
        "the shared photo stays"
    );
}
