//! The type checks of a Micropub request: every property's values (arrays, within
//! limits, sensible names), and the shapes of the properties this server interprets.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{MAX_VALUES, ParseError, PhotoRef, PhotoSource, bad};
use crate::domain::properties::{is_person_tag, valid_name};
use crate::domain::{ContentKind, Patch, Status, Tag, time};

/// How deeply a JSON value nests.
pub(super) fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The checks every property gets, and the type checks of those we interpret.
pub(super) fn check_values(name: &str, values: &Value) -> Result<(), ParseError> {
    if !valid_name(name) {
        return bad(format!("{name:?} is not a property name."));
    }
    let Some(list) = values.as_array() else {
        return bad(format!("The values of {name} must be an array."));
    };
    if list.len() > MAX_VALUES {
        return bad(format!(
            "{name} has {} values; at most {MAX_VALUES} are accepted.",
            list.len()
        ));
    }
    for v in list {
        if v.is_array() {
            return bad(format!(
                "{name} contains an array inside its array of values."
            ));
        }
        check_value(name, v)?;
    }
    Ok(())
}

fn check_value(name: &str, v: &Value) -> Result<(), ParseError> {
    match name {
        "content" => content_of(v).map(drop),
        "name" | "summary" | "published" | "post-status" | "mp-slug" | "mp-photo-alt" => match v {
            Value::String(_) => Ok(()),
            _ => bad(format!("{name} must be text, not {v}.")),
        },
        "photo" => photo_of(v).map(drop),
        "in-reply-to" | "like-of" | "repost-of" | "bookmark-of" | "syndication" => match v {
            Value::String(s) if is_web_url(s) => Ok(()),
            Value::Object(_) if name != "syndication" => Ok(()),
            _ => bad(format!(
                "{name} must be a web address (http or https), not {v}."
            )),
        },
        _ => Ok(()),
    }
}

fn is_web_url(s: &str) -> bool {
    url::Url::parse(s.trim())
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

pub(super) fn content_of(v: &Value) -> Result<(String, ContentKind), ParseError> {
    match v {
        Value::String(s) => Ok((s.clone(), ContentKind::Markdown)),
        Value::Object(o) => match (o.get("html"), o.get("value")) {
            (Some(Value::String(h)), _) => Ok((h.clone(), ContentKind::Html)),
            (None, Some(Value::String(t))) => Ok((t.clone(), ContentKind::Markdown)),
            _ => bad("content must be text or {\"html\": text}."),
        },
        _ => bad(format!(
            "content must be text or {{\"html\": text}}, not {v}."
        )),
    }
}

pub(super) fn photo_of(v: &Value) -> Result<PhotoRef, ParseError> {
    let (url, alt) = match v {
        Value::String(u) => (u.trim().to_string(), None),
        Value::Object(o) => match (o.get("value"), o.get("alt")) {
            (Some(Value::String(u)), None) => (u.trim().to_string(), None),
            (Some(Value::String(u)), Some(Value::String(a))) => {
                (u.trim().to_string(), Some(a.clone()))
            }
            _ => return bad("A photo must be a URL or {\"value\": URL, \"alt\": text}."),
        },
        _ => return bad(format!("A photo must be a URL, not {v}.")),
    };
    let own_path = url.starts_with("/media/");
    if !own_path && !is_web_url(&url) {
        return bad(format!(
            "The photo {url:?} is not a web address; upload the file instead."
        ));
    }
    Ok(PhotoRef {
        source: PhotoSource::Url(url),
        alt: alt.filter(|a| !a.trim().is_empty()),
    })
}

/// `published`, as [`time::parse_date`] reads it.
pub fn parse_date(s: &str) -> Result<DateTime<Utc>, ParseError> {
    time::parse_date(s).ok_or_else(|| {
        ParseError(format!(
            "published {:?} is not a date and time (e.g. 2026-11-29T10:30:00Z).",
            s.trim()
        ))
    })
}

/// An update's values are checked as a new post's would be.
pub(super) fn check_patch(patch: &Patch) -> Result<(), ParseError> {
    for (name, values) in patch.replace.iter().chain(&patch.add) {
        check_values(name, &Value::Array(values.clone()))?;
        match name.as_str() {
            "published" => {
                for v in values {
                    parse_date(v.as_str().unwrap_or_default())?;
                }
            }
            "post-status" => {
                for v in values {
                    let s = v.as_str().unwrap_or_default();
                    if Status::parse(s).is_none() {
                        return bad(format!(
                            "post-status must be draft or published, not {s:?}."
                        ));
                    }
                }
            }
            "category" => {
                for v in values.iter().filter(|v| !is_person_tag(v)) {
                    let Some(s) = v.as_str() else {
                        return bad(format!(
                            "A category must be a word, a URL or an h-card, not {v}."
                        ));
                    };
                    Tag::parse(s).map_err(|e| {
                        ParseError(format!("The category {s:?} cannot be a tag: {e}."))
                    })?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}
