//! The Micropub-shaped properties a note keeps beyond its columns (a reply's target, a
//! like, syndication links, a check-in…), and the field-wise changes writers make to a
//! note: replace, add or delete a property's values, in the Micropub update shape.

use serde_json::{Map, Value};

mod patch;

pub use patch::{Deletion, Patch};

/// Properties that make a note a response: such a note needs no content or photo.
pub const RESPONSE_PROPERTIES: [&str; 4] = ["in-reply-to", "like-of", "repost-of", "bookmark-of"];

/// Properties the note keeps in its own columns, tags and photo rows; they are never
/// kept twice in the properties JSON (where an old row has them, they are ignored).
/// `category` is kept only for its person tags ([`is_person_tag`]); its plain words are
/// the note's tags.
pub const INTERPRETED: [&str; 5] = ["content", "name", "category", "post-status", "published"];

/// A category that names a person or a page rather than a topic: an http(s) URL, or
/// an object (an `h-card`). It is shown as a `u-category` link, never made a tag.
pub fn is_person_tag(v: &Value) -> bool {
    match v {
        Value::Object(_) => true,
        Value::String(s) => {
            let s = s.trim();
            (s.starts_with("https://") || s.starts_with("http://"))
                && url::Url::parse(s).is_ok_and(|u| u.host().is_some())
        }
        _ => false,
    }
}

/// The person tags of a `category` value list (see [`is_person_tag`]).
fn person_tags(values: &Value) -> Option<Value> {
    let list: Vec<Value> = values
        .as_array()?
        .iter()
        .filter(|v| is_person_tag(v))
        .cloned()
        .collect();
    (!list.is_empty()).then_some(Value::Array(list))
}

/// Properties kept verbatim: a JSON object whose every value is an array. Micropub
/// commands (`mp-*`) and the interpreted properties are never kept here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties(Map<String, Value>);

/// Why a writer's properties or patch were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PropertyError {
    /// Properties (or `replace` / `add`) that are not a JSON object.
    #[error("properties must be an object")]
    NotAnObject,
    /// A property whose values are not a JSON array.
    #[error("the values of {0} must be an array")]
    NotAnArray(String),
    /// A name with characters no microformats property has.
    #[error("{0} is not a valid property name")]
    BadName(String),
}

/// Kept properties are named like microformats properties; this also keeps out
/// empty names and control characters.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn kept(name: &str) -> bool {
    !INTERPRETED.contains(&name) && !name.starts_with("mp-")
}

impl Properties {
    /// Checks what a writer sent: an object of arrays with sensible names. Interpreted
    /// properties and `mp-*` commands are dropped (the caller has read them).
    pub fn from_value(value: Value) -> Result<Self, PropertyError> {
        let Value::Object(map) = value else {
            return Err(PropertyError::NotAnObject);
        };
        let mut out = Map::new();
        for (name, values) in map {
            if !valid_name(&name) {
                return Err(PropertyError::BadName(name));
            }
            if !values.is_array() {
                return Err(PropertyError::NotAnArray(name));
            }
            if name == "category" {
                if let Some(people) = person_tags(&values) {
                    out.insert(name, people);
                }
            } else if kept(&name) {
                out.insert(name, values);
            }
        }
        Ok(Properties(out))
    }

    /// Reads what the database holds, leniently: rows written before properties were
    /// split from the columns still carry `content`, `name` and `category`.
    pub fn from_stored(text: &str) -> Self {
        let map = match serde_json::from_str(text) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        Properties(
            map.into_iter()
                .filter_map(|(k, v)| match k.as_str() {
                    "category" => person_tags(&v).map(|p| (k, p)),
                    _ => (kept(&k) && v.is_array()).then_some((k, v)),
                })
                .collect(),
        )
    }

    /// The values of one property (empty when absent).
    pub fn values(&self, name: &str) -> &[Value] {
        self.0
            .get(name)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The first response property with a value (`in-reply-to`, `like-of`, …).
    pub fn response(&self) -> Option<&'static str> {
        RESPONSE_PROPERTIES
            .into_iter()
            .find(|p| self.values(p).iter().any(has_value))
    }

    /// Every kept property and its values.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter()
    }

    /// No property is kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The JSON object as stored.
    pub fn to_json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }

    /// Adds the kept properties to `map` (the note's full property set).
    pub fn merge_into(&self, map: &mut Map<String, Value>) {
        for (k, v) in &self.0 {
            map.insert(k.clone(), v.clone());
        }
    }

    /// The kept part of a full property set (interpreted properties left out).
    pub fn kept_from(map: &Map<String, Value>) -> Self {
        Properties(
            map.iter()
                .filter_map(|(k, v)| match k.as_str() {
                    "category" => person_tags(v).map(|p| (k.clone(), p)),
                    _ => (kept(k) && v.as_array().is_some_and(|a| !a.is_empty()))
                        .then(|| (k.clone(), v.clone())),
                })
                .collect(),
        )
    }
}

/// A value that says something: a non-blank string or any object.
fn has_value(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.trim().is_empty(),
        Value::Object(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn interpreted_and_commands_are_not_kept() {
        let p = Properties::from_value(json!({
            "content": ["x"], "mp-slug": ["s"], "like-of": ["https://a.example/"]
        }))
        .unwrap();
        assert_eq!(p.to_json(), r#"{"like-of":["https://a.example/"]}"#);
        assert_eq!(p.response(), Some("like-of"));
        assert!(Properties::from_value(json!({"like-of": "x"})).is_err());
        assert!(Properties::from_value(json!({"bad name": ["x"]})).is_err());
    }

    #[test]
    fn person_tags_are_kept_words_are_not() {
        let p = Properties::from_value(json!({
            "category": ["indieweb", "https://alice.example/", {"type": ["h-card"], "properties": {}}, "http://"]
        }))
        .unwrap();
        assert_eq!(
            p.to_json(),
            r#"{"category":["https://alice.example/",{"properties":{},"type":["h-card"]}]}"#
        );
        assert!(
            Properties::from_value(json!({"category": ["a", "b"]}))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn old_rows_lose_their_copies_of_the_columns() {
        let p =
            Properties::from_stored(r#"{"content":["a"],"category":["b"],"syndication":["u"]}"#);
        assert_eq!(p.to_json(), r#"{"syndication":["u"]}"#);
        assert!(Properties::from_stored("not json").is_empty());
    }

    #[test]
    fn blank_response_values_do_not_count() {
        let p = Properties::from_value(json!({"in-reply-to": [" "]})).unwrap();
        assert_eq!(p.response(), None);
    }
}
