//! JSON Feed 1.1 with the `_starpunk` extension (`permalink_path`, `word_count`, `about`).

use serde_json::{Map, Value, json};

use super::model::Feed;
use crate::domain::time::rfc3339;

/// Writes the feed; `self_url` is the absolute URL it is served at.
pub fn write(feed: &Feed, self_url: &str) -> String {
    let items: Vec<Value> = feed
        .items
        .iter()
        .map(|i| {
            let mut ext = Map::new();
            ext.insert("permalink_path".into(), json!(i.path));
            ext.insert("word_count".into(), json!(i.word_count));
            if let Some(about) = &feed.about_url {
                ext.insert("about".into(), json!(about));
            }
            let mut item = Map::new();
            item.insert("id".into(), json!(i.url));
            item.insert("url".into(), json!(i.url));
            if let Some(t) = &i.title {
                item.insert("title".into(), json!(t));
            }
            item.insert("content_html".into(), json!(i.html));
            if let Some(u) = &i.external_url {
                item.insert("external_url".into(), json!(u));
            }
            if let Some(img) = &i.image {
                item.insert("image".into(), json!(img));
            }
            item.insert("date_published".into(), json!(rfc3339(i.published)));
            item.insert("date_modified".into(), json!(rfc3339(i.updated)));
            if !i.tags.is_empty() {
                let tags: Vec<&str> = i.tags.iter().map(|(_, d, _)| d.as_str()).collect();
                item.insert("tags".into(), json!(tags));
            }
            if !i.photos.is_empty() {
                let attachments: Vec<Value> = i
                    .photos
                    .iter()
                    .map(|p| {
                        let mut a = Map::new();
                        a.insert("url".into(), json!(p.full.url));
                        a.insert("mime_type".into(), json!(p.full.mime));
                        a.insert("size_in_bytes".into(), json!(p.full.bytes));
                        if let Some(c) = &p.caption {
                            a.insert("title".into(), json!(c));
                        }
                        Value::Object(a)
                    })
                    .collect();
                item.insert("attachments".into(), Value::Array(attachments));
            }
            item.insert("_starpunk".into(), Value::Object(ext));
            Value::Object(item)
        })
        .collect();
    let mut author = Map::new();
    author.insert("name".into(), json!(feed.author.name));
    author.insert("url".into(), json!(feed.author.url));
    if let Some(p) = &feed.author.photo {
        author.insert("avatar".into(), json!(p));
    }
    let mut root = Map::new();
    root.insert("version".into(), json!("https://jsonfeed.org/version/1.1"));
    root.insert("title".into(), json!(feed.title));
    root.insert("home_page_url".into(), json!(format!("{}/", feed.site_url)));
    root.insert("feed_url".into(), json!(self_url));
    if !feed.description.is_empty() {
        root.insert("description".into(), json!(feed.description));
    }
    root.insert("language".into(), json!("en"));
    root.insert("authors".into(), json!([Value::Object(author)]));
    let mut ext = Map::new();
    if let Some(about) = &feed.about_url {
        ext.insert("about".into(), json!(about));
    }
    // An empty extension object says nothing: leave it out.
    if !ext.is_empty() {
        root.insert("_starpunk".into(), Value::Object(ext));
    }
    root.insert("items".into(), Value::Array(items));
    serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_else(|_| "{}".into())
}
