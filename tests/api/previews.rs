//! Link previews as a preview bot reads them: the page parsed as HTML, the `og:*`,
//! `article:*`, `twitter:*` and description values read back unescaped.

use axum::http::StatusCode;
use image::ImageFormat;
use scraper::{Html, Selector};
use starpunk::domain::NoteInput;
use starpunk::domain::time::rfc3339;
use starpunk::media::VariantName;

use crate::admin::image_bytes;
use crate::helpers::{SITE, TestApp};
use crate::photos::bytes_stream;

/// What a preview bot reads of a page.
struct Card(Html);

impl Card {
    async fn of(app: &TestApp, path: &str) -> Self {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        Card(Html::parse_document(&res.body))
    }

    /// The `content` of every `<meta property|name=key>`.
    fn all(&self, key: &str) -> Vec<String> {
        let sel =
            Selector::parse(&format!(r#"meta[property="{key}"], meta[name="{key}"]"#)).unwrap();
        self.0
            .select(&sel)
            .filter_map(|e| e.value().attr("content"))
            .map(str::to_string)
            .collect()
    }

    /// The single value of `key`, or `None`; more than one is a fault.
    fn get(&self, key: &str) -> Option<String> {
        let mut all = self.all(key);
        assert!(all.len() <= 1, "{key} appears {} times", all.len());
        all.pop()
    }

    fn must(&self, key: &str) -> String {
        self.get(key).unwrap_or_else(|| panic!("no {key}"))
    }

    fn canonical(&self) -> Option<String> {
        let sel = Selector::parse(r#"link[rel="canonical"]"#).unwrap();
        self.0
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr("href"))
            .map(str::to_string)
    }
}

#[tokio::test]
async fn a_note_with_a_photo_previews_as_an_article() {
    let app = TestApp::with(&[("SITE_DESCRIPTION", "A blog of tests")]).await;
    let photo = app
        .state
        .media
        .save(
            bytes_stream(image_bytes(ImageFormat::Jpeg, 2000, 1500)),
            Some("big.jpg"),
        )
        .await
        .unwrap();
    let long = "word ".repeat(80);
    let note = app
        .note_with(NoteInput {
            content: format!(
                "# Cats & \"dogs\" <here>\n\nIs 1 < 2? She said \"yes\" & **left**. [A link](https://x.example/) {long}"
            ),
            photos: Some(vec![(photo.id, Some("A \"striped\" <cat>".into()))]),
            ..Default::default()
        })
        .await;
    let card = Card::of(&app, &note.path()).await;
    let url = format!("{SITE}{}", note.path());
    assert_eq!(card.must("og:type"), "article");
    assert_eq!(card.must("og:site_name"), "Test Blog");
    assert_eq!(card.must("og:title"), "Cats & \"dogs\" <here>");
    assert_eq!(card.must("og:url"), url);
    assert_eq!(card.canonical().as_deref(), Some(url.as_str()));

    let description = card.must("description");
    assert_eq!(card.must("og:description"), description);
    assert!(
        description.starts_with("Is 1 < 2? She said \"yes\" & left. A link word word"),
        "plain text, no Markdown or HTML: {description}"
    );
    assert!(!description.contains("Cats"), "the title is not repeated");
    assert!(description.chars().count() <= 201, "{description}");
    assert!(description.ends_with('…'));
    assert_eq!(card.all("description").len(), 1, "not the site's as well");

    let large = note.photos[0]
        .media
        .variant(VariantName::Large)
        .expect("a 2000 px photo has a large variant");
    assert_eq!(card.must("og:image"), format!("{SITE}{}", large.url_path()));
    assert!(card.must("og:image").starts_with("http://"), "absolute");
    assert_eq!(card.must("og:image:width"), large.width.to_string());
    assert_eq!(card.must("og:image:height"), large.height.to_string());
    assert_eq!(card.must("og:image:alt"), "A \"striped\" <cat>");
    assert_eq!(card.must("twitter:card"), "summary_large_image");
    let published = rfc3339(note.date());
    assert_eq!(card.must("article:published_time"), published);
    assert_eq!(
        card.must("article:modified_time"),
        rfc3339(note.updated_at.max(note.date()))
    );
    chrono::DateTime::parse_from_rfc3339(&published).unwrap();
}

#[tokio::test]
async fn a_note_without_photo_or_title_previews_from_its_first_words() {
    let app = TestApp::new().await;
    let note = app.note("Just a *short* thought: \"a < b\"", &[]).await;
    let card = Card::of(&app, &note.path()).await;
    assert_eq!(card.must("og:type"), "article");
    assert_eq!(card.must("og:title"), "Just a short thought: \"a < b\"");
    assert_eq!(
        card.must("og:description"),
        "Just a short thought: \"a < b\""
    );
    assert_eq!(card.get("og:image"), None);
    assert_eq!(card.must("twitter:card"), "summary");
}

#[tokio::test]
async fn home_and_tag_pages_preview_as_the_site() {
    let app = TestApp::with(&[("SITE_DESCRIPTION", "Notes on \"things\" & <stuff>")]).await;
    app.note("Tagged note", &["Rust"]).await;
    let home = Card::of(&app, "/").await;
    assert_eq!(home.must("og:type"), "website");
    assert_eq!(home.must("og:site_name"), "Test Blog");
    assert_eq!(home.must("og:title"), "Test Blog");
    assert_eq!(home.must("og:url"), format!("{SITE}/"));
    assert_eq!(home.must("og:description"), "Notes on \"things\" & <stuff>");
    assert_eq!(home.must("description"), "Notes on \"things\" & <stuff>");
    assert_eq!(home.must("twitter:card"), "summary");
    assert_eq!(home.get("article:published_time"), None);

    let tag = Card::of(&app, "/tag/rust").await;
    assert_eq!(tag.must("og:type"), "website");
    assert_eq!(tag.must("og:site_name"), "Test Blog");
    assert_eq!(tag.must("og:title"), "#Rust");
    assert_eq!(tag.must("og:url"), format!("{SITE}/tag/rust"));
    assert_eq!(tag.must("og:description"), "Notes on \"things\" & <stuff>");
}
