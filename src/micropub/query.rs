//! `GET /micropub?q=…`: the configuration, syndication targets, a post's source (or
//! a list of posts), and the categories in use. Every query needs the owner's token;
//! drafts and deleted posts are visible to it.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::actions::note_at;
use super::error::MicropubError;
use crate::app::AppState;
use crate::auth::ratelimit::ClientAddr;
use crate::db::notes::Cursor;
use crate::domain::Note;
use crate::limits::MICROPUB_MEDIA;
use crate::notes::Listing;

/// The queries this endpoint answers (also listed in `q=config`).
pub const QUERIES: [&str; 4] = ["config", "source", "syndicate-to", "category"];
/// Posts in one page of `q=source` without a URL, unless `limit` asks for fewer.
const DEFAULT_LIMIT: u32 = 20;
/// Most posts in one page of `q=source`.
const MAX_LIMIT: u32 = 100;

/// The parameters of a query.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Params {
    pub q: Option<String>,
    pub url: Option<String>,
    pub properties: Vec<String>,
    pub limit: Option<String>,
    pub after: Option<String>,
    pub filter: Option<String>,
}

impl Params {
    /// Reads a query string (`properties[]=a&properties[]=b`, `properties=a`).
    pub fn parse(raw: &str) -> Self {
        let mut p = Params::default();
        for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
            let v = v.into_owned();
            match k.as_ref() {
                "q" => p.q = Some(v),
                "url" => p.url = Some(v),
                "properties" | "properties[]" => p.properties.push(v),
                "limit" => p.limit = Some(v),
                "after" => p.after = Some(v),
                "filter" => p.filter = Some(v),
                _ => {}
            }
        }
        p
    }
}

/// `GET /micropub`.
pub async fn get(
    State(s): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&s, &headers, raw.as_deref().unwrap_or_default(), &addr)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn answer(
    s: &AppState,
    headers: &HeaderMap,
    raw: &str,
    client: &ClientAddr,
) -> Result<Response, MicropubError> {
    let grant = super::require_header_token(s, headers, client).await?;
    let p = Params::parse(raw);
    // Sources include drafts and deleted posts: a token that may only upload media
    // does not get to read them.
    if p.q.as_deref() == Some("source")
        && !["create", "update", "delete"]
            .iter()
            .any(|sc| grant.allows(sc))
    {
        return Err(MicropubError::insufficient_scope("update"));
    }
    let body = match p.q.as_deref() {
        Some("config") => config(s).await?,
        Some("syndicate-to") => json!({ "syndicate-to": [] }),
        Some("source") => match &p.url {
            Some(url) => source(s, &note_at(s, url).await?, &p.properties),
            None => list(s, &p).await?,
        },
        Some("category") => categories(s, p.filter.as_deref()).await?,
        Some(other) => {
            return Err(MicropubError::invalid(format!(
                "The query q={other} is not supported; try one of {}.",
                QUERIES.join(", ")
            )));
        }
        None => {
            return Err(MicropubError::invalid(
                "Say what you are asking for with q= (config, source, syndicate-to, category).",
            ));
        }
    };
    Ok(Json(body).into_response())
}

async fn config(s: &AppState) -> Result<Value, MicropubError> {
    let post_types: Vec<Value> = [
        ("note", "Note"),
        ("article", "Article"),
        ("photo", "Photo"),
        ("reply", "Reply"),
        ("like", "Like"),
        ("repost", "Repost"),
        ("bookmark", "Bookmark"),
    ]
    .iter()
    .map(|(t, n)| json!({ "type": t, "name": n }))
    .collect();
    Ok(json!({
        "media-endpoint": super::absolute(s, MICROPUB_MEDIA),
        "syndicate-to": [],
        "post-types": post_types,
        "q": QUERIES,
    }))
}

/// A post as `q=source` returns it: every property, or only those asked for.
fn source(s: &AppState, note: &Note, wanted: &[String]) -> Value {
    let mut props = s.notes.properties_of(note);
    if wanted.is_empty() {
        return json!({ "type": ["h-entry"], "properties": props });
    }
    props.retain(|k, _| wanted.iter().any(|w| w == k));
    json!({ "properties": props })
}

/// `q=source` without a URL: the owner's posts, newest first, a page at a time.
async fn list(s: &AppState, p: &Params) -> Result<Value, MicropubError> {
    let limit = match &p.limit {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| MicropubError::invalid(format!("limit={l} is not a positive number.")))?
            .min(MAX_LIMIT),
    };
    let after = match &p.after {
        None => None,
        Some(a) => Some(Cursor::decode(a).ok_or_else(|| {
            MicropubError::invalid(format!("after={a} is not a position this server gave."))
        })?),
    };
    // Keyset paging on (created, id): a page stays put while new posts arrive.
    let mut notes = s
        .notes
        .all_after(Listing::Live, after.as_ref(), limit + 1)
        .await?;
    let more = notes.len() > limit as usize;
    notes.truncate(limit as usize);
    let items: Vec<Value> = notes
        .iter()
        .map(|n| {
            let mut props = s.notes.properties_of(n);
            props.insert("url".into(), json!([super::absolute(s, &n.path())]));
            json!({ "type": ["h-entry"], "properties": props })
        })
        .collect();
    let mut out = Map::new();
    out.insert("items".into(), Value::Array(items));
    if more && let Some(last) = notes.last() {
        let next = Cursor {
            at: last.created_at,
            id: last.id,
        };
        out.insert("paging".into(), json!({ "after": next.encode() }));
    }
    Ok(Value::Object(out))
}

async fn categories(s: &AppState, filter: Option<&str>) -> Result<Value, MicropubError> {
    let names = s.notes.categories(filter, 1000).await?;
    Ok(json!({ "categories": names }))
}
