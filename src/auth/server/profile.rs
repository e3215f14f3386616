//! What `profile` and `email` scopes reveal: the owner's name, URL and photo (and
//! email), from the saved profile, else the site's author.

use serde_json::{Map, Value, json};

use crate::app::AppState;

/// The profile object for a grant with `scopes`: `None` without the `profile` scope.
/// `email` is added only with the `email` scope, and only when the owner gave one.
pub async fn for_scopes(s: &AppState, scopes: &[String]) -> Result<Option<Value>, sqlx::Error> {
    let has = |x: &str| scopes.iter().any(|g| g == x);
    if !has("profile") {
        return Ok(None);
    }
    let saved = crate::db::profile::load(&s.db).await?;
    let author = s.site.author();
    let mut out = Map::new();
    let name = saved
        .as_ref()
        .map(|p| p.name.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or(author.name);
    out.insert("name".into(), json!(name));
    out.insert("url".into(), json!(s.config.me()));
    let photo = saved
        .as_ref()
        .and_then(|p| p.photo.clone())
        .filter(|p| !p.is_empty())
        .or(author.photo);
    if let Some(photo) = photo {
        let photo = if photo.starts_with('/') {
            s.config.abs(&photo)
        } else {
            photo
        };
        out.insert("photo".into(), json!(photo));
    }
    if has("email")
        && let Some(email) = saved.and_then(|p| p.email).filter(|e| !e.is_empty())
    {
        out.insert("email".into(), json!(email));
    }
    Ok(Some(Value::Object(out)))
}
