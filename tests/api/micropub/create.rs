//! micropub.rocks 100–301: creating posts, with the bodies the suite sends (form bodies
//! as its proxy sends them: `Content-Type: application/x-www-form-urlencoded`, brackets
//! unencoded; JSON with its line breaks removed), and what a reader then sees.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::client::{Blog, CITY, Part, SUNSET, enc, jpeg, json_ok, local, page_entry, values};
use crate::helpers::SITE;

/// `content` of an mf2 h-entry: (text value, html).
pub fn content(entry: &Value) -> (String, String) {
    let c = &entry["properties"]["content"][0];
    (
        c["value"].as_str().unwrap_or_default().trim().to_string(),
        c["html"].as_str().unwrap_or_default().to_string(),
    )
}

/// The u-photo values of an mf2 item: (URL, alt); mf2py gives `{"value", "alt"}` for an
/// `<img alt>` and a plain string otherwise.
pub fn photos(entry: &Value) -> Vec<(String, Option<String>)> {
    entry["properties"]["photo"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| match p {
            Value::String(s) => (s.clone(), None),
            o => (
                o["value"].as_str().unwrap_or_default().to_string(),
                o["alt"].as_str().map(str::to_string),
            ),
        })
        .collect()
}

/// The categories of an mf2 item, sorted.
pub fn categories(entry: &Value) -> Vec<String> {
    let mut c = values(&entry["properties"], "category");
    c.sort();
    c
}

/// The permalink's h-entry.
pub async fn entry_at(blog: &Blog, location: &str) -> Value {
    page_entry(&blog.page(location).await, location)
}

#[tokio::test]
async fn t100_form_create() {
    let blog = Blog::start().await;
    let loc = blog
        .create_form("h=entry&content=Micropub+test+of+creating+a+basic+h-entry")
        .await;
    let e = entry_at(&blog, &loc).await;
    assert_eq!(content(&e).0, "Micropub test of creating a basic h-entry");
    assert_eq!(e["properties"]["url"][0], loc);
    let src = blog.source(&loc).await;
    assert_eq!(src["type"], json!(["h-entry"]));
    assert_eq!(
        src["properties"]["content"],
        json!(["Micropub test of creating a basic h-entry"])
    );
}

#[tokio::test]
async fn t101_form_categories_with_brackets() {
    let blog = Blog::start().await;
    let loc = blog
        .create_form(
            "h=entry&content=Micropub+test+of+creating+an+h-entry+with+categories.+This+post+should+have+two+categories,+test1+and+test2&category[]=test1&category[]=test2",
        )
        .await;
    let e = entry_at(&blog, &loc).await;
    assert_eq!(categories(&e), ["test1", "test2"]);
    assert!(content(&e).0.ends_with("two categories, test1 and test2"));
}

#[tokio::test]
async fn t104_form_photo_by_url() {
    let blog = Blog::start().await;
    let body = format!(
        "h=entry&content=Micropub+test+of+creating+a+photo+referenced+by+URL&photo={}",
        enc(SUNSET)
    );
    let loc = blog.create_form(&body).await;
    let e = entry_at(&blog, &loc).await;
    let p = photos(&e);
    assert_eq!(p.len(), 1, "{e}");
    assert_eq!(p[0].0, SUNSET, "an outside photo is hotlinked as sent");
    assert!(blog.media_files().is_empty(), "nothing downloaded");
}

#[tokio::test]
async fn t107_form_one_category() {
    let blog = Blog::start().await;
    let loc = blog
        .create_form("h=entry&content=Micropub+test+of+creating+an+h-entry+with+one+category.+This+post+should+have+one+category,+test1&category=test1")
        .await;
    assert_eq!(categories(&entry_at(&blog, &loc).await), ["test1"]);
    assert_eq!(
        blog.source(&loc).await["properties"]["category"],
        json!(["test1"])
    );
}

#[tokio::test]
async fn t200_json_create() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({
            "type": ["h-entry"],
            "properties": {"content": ["Micropub test of creating an h-entry with a JSON request"]}
        }))
        .await;
    let e = entry_at(&blog, &loc).await;
    assert_eq!(
        content(&e).0,
        "Micropub test of creating an h-entry with a JSON request"
    );
}

#[tokio::test]
async fn t201_json_categories() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({
            "type": ["h-entry"],
            "properties": {
                "content": ["Micropub test of creating an h-entry with a JSON request containing multiple categories. This post should have two categories, test1 and test2."],
                "category": ["test1", "test2"]
            }
        }))
        .await;
    assert_eq!(categories(&entry_at(&blog, &loc).await), ["test1", "test2"]);
}

#[tokio::test]
async fn t202_json_html_content_is_rendered_not_escaped() {
    let blog = Blog::start().await;
    let html = "<p>This post has <b>bold</b> and <i>italic</i> text.</p>";
    let loc = blog
        .create_json(&json!({"type": ["h-entry"], "properties": {"content": [{"html": html}]}}))
        .await;
    let page = blog.page(&loc).await;
    assert!(!page.body.contains("&lt;b&gt;"), "markup, not escaped text");
    let e = page_entry(&page, &loc);
    let (text, rendered) = content(&e);
    assert_eq!(text, "This post has bold and italic text.");
    assert!(rendered.contains("<b>bold</b>"), "{rendered}");
    assert!(rendered.contains("<i>italic</i>"), "{rendered}");
    let src = blog.source(&loc).await;
    assert_eq!(src["properties"]["content"], json!([{ "html": html }]));
}

#[tokio::test]
async fn t203_json_photo_by_url() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({
            "type": ["h-entry"],
            "properties": {
                "content": ["Micropub test of creating a photo referenced by URL. This post should include a photo of a sunset."],
                "photo": [SUNSET]
            }
        }))
        .await;
    let p = photos(&entry_at(&blog, &loc).await);
    assert_eq!(p.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), [SUNSET]);
}

/// The check-in of micropub.rocks 204, numbers and all.
pub fn checkin() -> Value {
    json!([{
        "type": ["h-card"],
        "properties": {
            "name": ["Los Gorditos"],
            "url": ["https://foursquare.com/v/502c4bbde4b06e61e06d1ebf"],
            "latitude": [45.524330801154],
            "longitude": [-122.68068808051],
            "street-address": ["922 NW Davis St"],
            "locality": ["Portland"],
            "region": ["OR"],
            "country-name": ["United States"],
            "postal-code": ["97209"]
        }
    }])
}

#[tokio::test]
async fn t204_nested_checkin_is_kept_verbatim() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({
            "type": ["h-entry"],
            "properties": {
                "published": ["2017-05-31T12:03:36-07:00"],
                "content": ["Lunch meeting"],
                "checkin": checkin()
            }
        }))
        .await;
    let src = blog.source(&loc).await;
    assert_eq!(src["properties"]["checkin"], checkin());
    let published = src["properties"]["published"][0].as_str().unwrap();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(published).unwrap(),
        chrono::DateTime::parse_from_rfc3339("2017-05-31T12:03:36-07:00").unwrap(),
        "the same instant"
    );
    assert_eq!(src["properties"]["content"], json!(["Lunch meeting"]));
    let e = entry_at(&blog, &loc).await;
    assert_eq!(content(&e).0, "Lunch meeting");
}

#[tokio::test]
async fn t205_json_photo_with_alt() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({
            "type": ["h-entry"],
            "properties": {
                "content": ["Micropub test of creating a photo referenced by URL with alt text. This post should include a photo of a sunset."],
                "photo": [{"value": SUNSET, "alt": "Photo of a sunset"}]
            }
        }))
        .await;
    let p = photos(&entry_at(&blog, &loc).await);
    assert_eq!(p, [(SUNSET.to_string(), Some("Photo of a sunset".into()))]);
}

#[tokio::test]
async fn t206_json_two_photos() {
    let blog = Blog::start().await;
    let loc = blog
        .create_json(&json!({
            "type": ["h-entry"],
            "properties": {
                "content": ["Micropub test of creating multiple photos referenced by URL. This post should include a photo of a city at night."],
                "photo": [SUNSET, CITY]
            }
        }))
        .await;
    let p = photos(&entry_at(&blog, &loc).await);
    assert_eq!(
        p.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
        [SUNSET, CITY],
        "both, in order"
    );
}

/// The photos of a permalink are ours (`{SITE_URL}/media/…`) and served as images.
pub async fn assert_own_photos(blog: &Blog, location: &str, n: usize) -> Vec<String> {
    let p = photos(&entry_at(blog, location).await);
    assert_eq!(p.len(), n, "{p:?}");
    for (url, _) in &p {
        assert!(url.starts_with(&format!("{SITE}/media/")), "{url}");
        let img = blog.get(&local(url)).await;
        assert_eq!(img.status, StatusCode::OK, "{url}");
        assert!(img.header("content-type").starts_with("image/"), "{url}");
    }
    p.into_iter().map(|p| p.0).collect()
}

#[tokio::test]
async fn t300_multipart_photo() {
    let blog = Blog::start().await;
    let res = blog
        .multipart(
            "/micropub",
            Some(&blog.token),
            &[
                Part::Text("h", "entry"),
                Part::Text("content", "Nice sunset tonight"),
                Part::File("photo", "sunset.jpg", "image/jpeg", jpeg(800, 600)),
            ],
        )
        .await;
    let loc = super::client::created(&res);
    assert_own_photos(&blog, &loc, 1).await;
    assert_eq!(
        content(&entry_at(&blog, &loc).await).0,
        "Nice sunset tonight"
    );
    assert!(!blog.media_files().is_empty());
}

#[tokio::test]
async fn t301_multipart_two_photos() {
    let blog = Blog::start().await;
    let res = blog
        .multipart(
            "/micropub",
            Some(&blog.token),
            &[
                Part::Text("h", "entry"),
                Part::Text("content", "This post should have two photos"),
                Part::File("photo[]", "sunset.jpg", "image/jpeg", jpeg(800, 600)),
                Part::File("photo[]", "city-at-night.jpg", "image/jpeg", jpeg(600, 800)),
            ],
        )
        .await;
    let loc = super::client::created(&res);
    let urls = assert_own_photos(&blog, &loc, 2).await;
    assert_ne!(urls[0], urls[1]);
}

#[tokio::test]
async fn source_of_a_created_note_lists_it_among_all_posts() {
    let blog = Blog::start().await;
    let loc = blog.create_form("content=listed").await;
    let list = json_ok(&blog.get_as("/micropub?q=source", &blog.token).await);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["properties"]["url"], json!([loc]));
}
