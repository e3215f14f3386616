//! YAML front matter of exported/imported notes:
//! `title`, `slug`, `tags` (list, or a comma-separated string), `published` and
//! `updated` (RFC 3339), `status` (`draft` | `published`), `content-type` (`html` for
//! a note written in HTML; absent, or `markdown`, for Markdown), `properties` and
//! `photos`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ContentKind;

/// Front matter as read and written.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FrontMatter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Last edit; written only when it differs from `published`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `html` when the body is HTML (a Micropub `{"html": …}` note); written only then.
    #[serde(
        rename = "content-type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
    /// What the note keeps beyond these fields, as Micropub properties (a reply's
    /// `in-reply-to`, `syndication`, a check-in…): a like has nothing else to say.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// Photo files beside the Markdown file, in order, with captions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<PhotoEntry>,
}

/// One `photos:` entry: a file relative to the Markdown file, and its caption.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PhotoEntry {
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// Tags as a YAML list, also accepting one comma-separated string.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Tags {
    #[default]
    None,
    List(Vec<String>),
    Text(String),
}

impl Tags {
    pub fn is_empty(&self) -> bool {
        match self {
            Tags::None => true,
            Tags::List(l) => l.is_empty(),
            Tags::Text(t) => t.trim().is_empty(),
        }
    }

    /// The tags as separate strings.
    pub fn items(&self) -> Vec<String> {
        match self {
            Tags::None => vec![],
            Tags::List(l) => l.clone(),
            Tags::Text(t) => t
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }
}

/// Splits a file into front matter and body. A file without `---` on its first line
/// has no front matter.
pub fn split(text: &str) -> Result<(FrontMatter, &str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Ok((FrontMatter::default(), text));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare == "..." {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let fm: FrontMatter = if yaml.trim().is_empty() {
                FrontMatter::default()
            } else {
                serde_yaml_ng::from_str(yaml)
                    .map_err(|e| format!("front matter is not valid: {e}"))?
            };
            return Ok((fm, body.strip_prefix('\n').unwrap_or(body)));
        }
        offset += line.len();
    }
    Err("front matter starts with --- but never ends".into())
}

/// The content kind a `content-type` field names (absent: Markdown).
pub fn parse_content_type(s: Option<&str>) -> Result<ContentKind, String> {
    match s.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("markdown" | "text/markdown") => Ok(ContentKind::Markdown),
        Some("html" | "text/html") => Ok(ContentKind::Html),
        Some(other) => Err(format!(
            "content-type must be markdown or html, got {other:?}"
        )),
    }
}

/// The `content-type` written for a note: only HTML is named, so Markdown notes
/// export exactly as before.
pub fn content_type_of(kind: ContentKind) -> Option<String> {
    (kind == ContentKind::Html).then(|| "html".into())
}

/// Parses a time field (`published`, `updated`) named `field` in the error.
pub fn parse_time(field: &str, s: &str) -> Result<DateTime<Utc>, String> {
    crate::domain::time::parse_date(s).ok_or_else(|| {
        format!("{field} must be an RFC 3339 time like 2024-03-09T07:05:01Z, got {s:?}")
    })
}

/// A time as written to front matter: sub-second precision only when there is some, so
/// times round-trip exactly.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Writes front matter and body back into one file.
pub fn join(fm: &FrontMatter, body: &str) -> String {
    let yaml = serde_yaml_ng::to_string(fm).unwrap_or_default();
    let mut out = String::with_capacity(yaml.len() + body.len() + 16);
    out.push_str("---\n");
    if yaml.trim() != "{}" {
        out.push_str(&yaml);
    }
    out.push_str("---\n");
    out.push_str(body);
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let fm = FrontMatter {
            title: Some("Hello: world".into()),
            slug: Some("hello".into()),
            tags: Tags::List(vec!["a".into(), "B c".into()]),
            published: Some("2024-03-09T07:05:01Z".into()),
            updated: Some("2024-03-10T08:00:00Z".into()),
            properties: serde_json::json!({
                "like-of": ["https://example.com/a: b"],
                "checkin": [{"type": ["h-card"], "properties": {"latitude": [1.5]}}],
            })
            .as_object()
            .cloned()
            .unwrap(),
            status: Some("published".into()),
            content_type: Some("html".into()),
            photos: vec![PhotoEntry {
                file: "hello-1.jpg".into(),
                caption: Some("A: caption".into()),
            }],
        };
        let text = join(&fm, "Body\n\nmore");
        let (back, body) = split(&text).unwrap();
        assert_eq!(back, fm);
        assert_eq!(body, "Body\n\nmore\n");
    }

    #[test]
    fn no_front_matter_and_errors() {
        let (fm, body) = split("just text").unwrap();
        assert_eq!(fm, FrontMatter::default());
        assert_eq!(body, "just text");
        assert!(split("---\ntitle: x\nno end").is_err());
        assert!(split("---\ntags: [unclosed\n---\nx").is_err());
        let (fm, _) = split("---\ntags: a, b\n---\nx").unwrap();
        assert_eq!(fm.tags.items(), ["a", "b"]);
    }

    #[test]
    fn content_types() {
        for (kind, text) in [
            (ContentKind::Html, Some("html")),
            (ContentKind::Markdown, None),
        ] {
            assert_eq!(content_type_of(kind).as_deref(), text);
            assert_eq!(parse_content_type(text), Ok(kind));
        }
        assert_eq!(
            parse_content_type(Some("Markdown")),
            Ok(ContentKind::Markdown)
        );
        assert!(parse_content_type(Some("rtf")).is_err());
        let (fm, _) = split("---\ncontent-type: html\n---\n<p>x</p>").unwrap();
        assert_eq!(fm.content_type.as_deref(), Some("html"));
    }

    #[test]
    fn time_parse() {
        assert!(parse_time("published", "2024-03-09T07:05:01+02:00").is_ok());
        let e = parse_time("updated", "yesterday").unwrap_err();
        assert!(e.starts_with("updated must be"), "{e}");
    }
}
