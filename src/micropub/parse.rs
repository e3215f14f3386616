//! Micropub requests as clients send them — form-encoded (with `name[]`, `name[0]`
//! and `content[html]` dialects), multipart (the same fields plus files) and JSON —
//! turned into one [`Action`]. Pure: no I/O, so it is unit-tested and fuzzed alone.
//!
//! Types are checked only for the properties this server interprets (content, name,
//! summary, category, photo, published, post-status, the response properties and
//! syndication); anything else is kept verbatim, nested objects included, within
//! limits on values and depth that no real post comes near.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::domain::properties::is_person_tag;
use crate::domain::{ContentKind, Patch, Status, Tag};

mod checks;

pub use checks::parse_date;
use checks::{check_patch, check_values, content_of, depth, photo_of};

/// Most values one property may have (10 000 categories are refused, not stored).
pub const MAX_VALUES: usize = 100;
/// Deepest nesting of a JSON body (a `checkin` h-card is 4 deep).
pub const MAX_DEPTH: usize = 16;
/// Most properties a post may have.
pub const MAX_PROPERTIES: usize = 100;

/// Why a request could not be read; the message is for the person using the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

fn bad<T>(msg: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(msg.into()))
}

/// What a request asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Create(Entry),
    Update { url: String, patch: Patch },
    Delete { url: String },
    Undelete { url: String },
}

impl Action {
    /// The scope a token needs for this action.
    pub fn scope(&self) -> &'static str {
        match self {
            Action::Create(_) => "create",
            Action::Update { .. } => "update",
            Action::Delete { .. } => "delete",
            Action::Undelete { .. } => "undelete",
        }
    }
}

/// Where a photo comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoSource {
    /// A URL: this site's `/media/…` (a stored image) or another site's (hotlinked).
    Url(String),
    /// The n-th file of a multipart request (counting from 0).
    Upload(usize),
}

/// A photo of a new post, with its alt text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoRef {
    pub source: PhotoSource,
    pub alt: Option<String>,
}

/// A new post (`h-entry`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Entry {
    pub content: Option<(String, ContentKind)>,
    pub name: Option<String>,
    /// The word categories: the post's tags.
    pub tags: Vec<Tag>,
    pub published: Option<DateTime<Utc>>,
    pub status: Option<Status>,
    pub slug: Option<String>,
    pub photos: Vec<PhotoRef>,
    /// Every other property, verbatim (person-tag categories under `category`).
    pub kept: Map<String, Value>,
}

/// One field of a form: text, or (multipart) the n-th file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormValue {
    Text(String),
    File(usize),
    /// A file input left empty: no photo, but it still takes its `mp-photo-alt`.
    EmptyFile,
}

/// A photo of a form, in the order the fields came.
enum Slot {
    Url(String),
    File(usize),
    Empty,
}

/// Reads a form-encoded or multipart request (the token already taken out).
pub fn parse_form(fields: Vec<(String, FormValue)>) -> Result<Action, ParseError> {
    let mut props: Vec<(String, Vec<Value>)> = Vec::new();
    let mut slots: Vec<Slot> = Vec::new();
    let (mut h, mut action, mut url) = (None, None, None);
    for (key, value) in fields {
        let (name, sub) = split_key(&key)?;
        let value = match value {
            FormValue::File(_) | FormValue::EmptyFile if name != "photo" => {
                return bad(format!(
                    "Only photos can be uploaded with a post; the file field {name:?} is not one."
                ));
            }
            FormValue::File(n) => {
                slots.push(Slot::File(n));
                continue;
            }
            FormValue::EmptyFile => {
                slots.push(Slot::Empty);
                continue;
            }
            FormValue::Text(t) => t,
        };
        match (name, sub) {
            ("h", None) => h = Some(value),
            ("action", None) => action = Some(value),
            ("url", None) => url = Some(value),
            ("photo", None) => slots.push(Slot::Url(value)),
            (_, Some(sub)) => {
                // `content[html]=…`, `location[latitude]=…`: one object value.
                let slot = values_of(&mut props, name);
                match slot.last_mut() {
                    Some(Value::Object(o)) if !o.contains_key(sub) => {
                        o.insert(sub.to_string(), Value::String(value));
                    }
                    _ => slot.push(json!({ sub: value })),
                }
            }
            (_, None) => values_of(&mut props, name).push(Value::String(value)),
        }
    }
    if let Some(action) = action {
        return form_action(&action, url);
    }
    if let Some(h) = h.as_deref().map(str::trim)
        && h != "entry"
    {
        return bad(format!(
            "Only entries (h=entry) can be posted here, not h={h}."
        ));
    }
    if props.len() > MAX_PROPERTIES {
        return bad(format!(
            "A post can have at most {MAX_PROPERTIES} properties."
        ));
    }
    let mut map = Map::new();
    for (name, values) in props {
        map.insert(name, Value::Array(values));
    }
    let alts: Vec<String> = take_strings(&mut map, "mp-photo-alt")?;
    let mut entry = entry_from(map)?;
    // URLs and files in the order they came, each with the alt text of its position;
    // photos sent as objects (`photo[value]=…&photo[alt]=…`) follow.
    let mut photos = Vec::with_capacity(slots.len() + entry.photos.len());
    for (i, slot) in slots.into_iter().enumerate() {
        let alt = alts.get(i).filter(|a| !a.trim().is_empty()).cloned();
        match slot {
            Slot::Url(u) => {
                let mut p = photo_of(&Value::String(u))?;
                p.alt = p.alt.or(alt);
                photos.push(p);
            }
            Slot::File(n) => photos.push(PhotoRef {
                source: PhotoSource::Upload(n),
                alt,
            }),
            Slot::Empty => {}
        }
    }
    photos.append(&mut entry.photos);
    entry.photos = photos;
    Ok(Action::Create(entry))
}

/// `name`, `name[]`, `name[3]` → (`name`, None); `name[key]` → (`name`, Some(`key`)).
fn split_key(key: &str) -> Result<(&str, Option<&str>), ParseError> {
    let Some(open) = key.find('[') else {
        return Ok((key, None));
    };
    let (name, rest) = key.split_at(open);
    let inner = rest
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .filter(|i| !i.contains(['[', ']']));
    match inner {
        Some("") => Ok((name, None)),
        Some(i) if i.bytes().all(|b| b.is_ascii_digit()) => Ok((name, None)),
        Some(i) => Ok((name, Some(i))),
        None => bad(format!("The field name {key:?} is not understood.")),
    }
}

fn values_of<'a>(props: &'a mut Vec<(String, Vec<Value>)>, name: &str) -> &'a mut Vec<Value> {
    let i = match props.iter().position(|(n, _)| n == name) {
        Some(i) => i,
        None => {
            props.push((name.to_string(), Vec::new()));
            props.len() - 1
        }
    };
    &mut props[i].1
}

fn form_action(action: &str, url: Option<String>) -> Result<Action, ParseError> {
    let url = url
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| ParseError(format!("The {action} action needs the post's url.")))?;
    match action.trim() {
        "delete" => Ok(Action::Delete { url }),
        "undelete" => Ok(Action::Undelete { url }),
        "update" => bad("Updates are sent as JSON (Content-Type: application/json)."),
        other => bad(format!("Unknown action {other:?}.")),
    }
}

/// Reads a JSON request: a new post (`{"type": ["h-entry"], "properties": {…}}`) or an
/// action (`{"action": "update", "url": …, "replace": …}`).
pub fn parse_json(body: &Value) -> Result<Action, ParseError> {
    if depth(body) > MAX_DEPTH {
        return bad(format!(
            "The request is nested more than {MAX_DEPTH} levels deep."
        ));
    }
    let Value::Object(obj) = body else {
        return bad("The JSON body must be an object.");
    };
    if let Some(action) = obj.get("action") {
        let Some(action) = action.as_str() else {
            return bad("action must be a string.");
        };
        let url = match obj.get("url") {
            Some(Value::String(u)) if !u.trim().is_empty() => u.clone(),
            Some(_) => return bad("url must be a string."),
            None => return bad(format!("The {action} action needs the post's url.")),
        };
        return match action {
            "delete" => Ok(Action::Delete { url }),
            "undelete" => Ok(Action::Undelete { url }),
            "update" => {
                let patch = Patch::from_micropub(body).map_err(|e| ParseError(e.to_string()))?;
                check_patch(&patch)?;
                Ok(Action::Update { url, patch })
            }
            other => bad(format!("Unknown action {other:?}.")),
        };
    }
    match obj.get("type") {
        Some(Value::Array(t)) if t.len() == 1 && t[0] == "h-entry" => {}
        Some(Value::Array(t)) if t.len() == 1 && t[0].is_string() => {
            return bad(format!(
                "Only h-entry posts can be created here, not {}.",
                t[0]
            ));
        }
        Some(_) => return bad("type must be [\"h-entry\"]."),
        None => return bad("A JSON post needs \"type\": [\"h-entry\"] (or an action)."),
    }
    let map = match obj.get("properties") {
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return bad("properties must be an object."),
        None => return bad("A JSON post needs its properties."),
    };
    if map.len() > MAX_PROPERTIES {
        return bad(format!(
            "A post can have at most {MAX_PROPERTIES} properties."
        ));
    }
    for (name, values) in &map {
        if !values.is_array() {
            return bad(format!("The values of {name} must be an array."));
        }
    }
    let mut map = map;
    let alts = take_strings(&mut map, "mp-photo-alt")?;
    let mut entry = entry_from(map)?;
    for (photo, alt) in entry.photos.iter_mut().zip(alts) {
        if photo.alt.is_none() && !alt.trim().is_empty() {
            photo.alt = Some(alt);
        }
    }
    Ok(Action::Create(entry))
}

/// Checks every property's values (arrays, within limits) and reads the interpreted
/// ones into an [`Entry`].
fn entry_from(mut map: Map<String, Value>) -> Result<Entry, ParseError> {
    for (name, values) in &map {
        check_values(name, values)?;
    }
    let mut entry = Entry::default();
    if let Some(first) = take(&mut map, "content").into_iter().next() {
        entry.content = Some(content_of(&first)?);
    }
    entry.name = take_strings(&mut map, "name")?.into_iter().next();
    entry.slug = take_strings(&mut map, "mp-slug")?.into_iter().next();
    if let Some(s) = take_strings(&mut map, "post-status")?.into_iter().next() {
        entry.status = Some(Status::parse(&s).ok_or_else(|| {
            ParseError(format!(
                "post-status must be draft or published, not {s:?}."
            ))
        })?);
    }
    if let Some(s) = take_strings(&mut map, "published")?.into_iter().next() {
        entry.published = Some(parse_date(&s)?);
    }
    let mut people = Vec::new();
    let mut words = Vec::new();
    for c in take(&mut map, "category") {
        if is_person_tag(&c) {
            people.push(c);
        } else if let Value::String(s) = &c {
            words
                .push(Tag::parse(s).map_err(|e| {
                    ParseError(format!("The category {s:?} cannot be a tag: {e}."))
                })?);
        } else {
            return bad(format!(
                "A category must be a word, a URL or an h-card, not {c}."
            ));
        }
    }
    entry.tags = Tag::dedupe(words.into_iter().map(Ok))
        .map_err(|e| ParseError(format!("Tag refused: {e}.")))?;
    if !people.is_empty() {
        map.insert("category".into(), Value::Array(people));
    }
    for p in take(&mut map, "photo") {
        entry.photos.push(photo_of(&p)?);
    }
    // Commands this server has no use for (mp-syndicate-to with no targets, …).
    map.retain(|k, _| !k.starts_with("mp-"));
    entry.kept = map;
    Ok(entry)
}

fn take(map: &mut Map<String, Value>, name: &str) -> Vec<Value> {
    match map.remove(name) {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    }
}

fn take_strings(map: &mut Map<String, Value>, name: &str) -> Result<Vec<String>, ParseError> {
    take(map, name)
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(s),
            other => bad(format!("{name} must be text, not {other}.")),
        })
        .collect()
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
