//! How the Apps page shows an app: its name and logo as the consent page learnt them,
//! its permissions in words, and its dates.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::auth::tokens::App;
use crate::db::clients::KnownClient;
use crate::domain::time::rfc3339;
use crate::web::view::human_date;

/// Largest logo shown inline (the store keeps at most 256 kB).
const MAX_LOGO: usize = 256 * 1024;

/// One app of the Apps page.
pub struct AppView {
    pub client_id: String,
    pub name: String,
    /// The app's home page when it gave one (http or https only).
    pub url: Option<String>,
    /// The logo as a `data:` URI.
    pub logo: Option<String>,
    /// The name's first letter, for the placeholder when there is no logo.
    pub initial: String,
    /// What it may do, in words, each with the scope's own name.
    pub scopes: Vec<(String, &'static str)>,
    pub granted_iso: String,
    pub granted_human: String,
    /// `None`: never used yet.
    pub used: Option<(String, String)>,
    /// `None`: until revoked.
    pub expires: Option<(String, String)>,
}

/// What a scope lets an app do.
pub fn scope_words(scope: &str) -> &'static str {
    match scope {
        "profile" => "see your name, photo and address",
        "email" => "see your email address",
        "create" => "publish new posts",
        "draft" => "write drafts",
        "update" => "edit your posts",
        "delete" => "delete your posts",
        "undelete" => "restore deleted posts",
        "media" => "upload photos",
        "read" => "read your feeds",
        "follow" => "follow feeds for you",
        "mute" | "block" => "mute or block for you",
        "channels" => "manage your reader channels",
        _ => "a permission this site does not use",
    }
}

fn date(t: chrono::DateTime<chrono::Utc>) -> (String, String) {
    (rfc3339(t), human_date(t))
}

/// The view of `app`, with what `known` says about it (the consent page saved it).
pub fn app_view(app: &App, known: Option<&KnownClient>) -> AppView {
    let name = known
        .and_then(|k| k.name.clone())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| host_of(&app.client_id));
    let url = known
        .and_then(|k| k.url.clone())
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let logo = known.and_then(|k| match (&k.logo_type, &k.logo) {
        (Some(t), Some(bytes)) if is_raster(t) && !bytes.is_empty() && bytes.len() <= MAX_LOGO => {
            Some(format!("data:{t};base64,{}", STANDARD.encode(bytes)))
        }
        _ => None,
    });
    let (granted_iso, granted_human) = date(app.granted_at);
    AppView {
        client_id: app.client_id.clone(),
        initial: name
            .chars()
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_else(|| "?".into()),
        name,
        url,
        logo,
        scopes: app
            .scopes
            .iter()
            .map(|s| (s.clone(), scope_words(s)))
            .collect(),
        granted_iso,
        granted_human,
        used: app.last_used_at.map(date),
        expires: app.expires_at.map(date),
    }
}

/// Only image types a browser shows safely from a `data:` URI (never SVG).
fn is_raster(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "image/x-icon"
            | "image/vnd.microsoft.icon"
    )
}

/// `app.example` for `https://app.example/`: the name of an app that gave none.
fn host_of(client_id: &str) -> String {
    url::Url::parse(client_id)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| client_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        App {
            client_id: "https://quill.example/".into(),
            scopes: vec!["create".into(), "media".into(), "odd".into()],
            granted_at: chrono::Utc::now(),
            last_used_at: None,
            expires_at: None,
        }
    }

    #[test]
    fn an_unknown_app_is_named_by_its_host() {
        let v = app_view(&app(), None);
        assert_eq!(v.name, "quill.example");
        assert_eq!(v.initial, "Q");
        assert!(v.logo.is_none() && v.used.is_none() && v.expires.is_none());
        assert_eq!(v.scopes[0].1, "publish new posts");
        assert_eq!(v.scopes[2].1, "a permission this site does not use");
    }

    #[test]
    fn a_logo_is_inline_and_never_svg() {
        let mut k = KnownClient {
            client_id: "https://quill.example/".into(),
            name: Some("Quill".into()),
            url: Some("javascript:alert(1)".into()),
            logo_type: Some("image/png".into()),
            logo: Some(vec![1, 2, 3]),
        };
        let v = app_view(&app(), Some(&k));
        assert_eq!(v.name, "Quill");
        assert_eq!(v.url, None);
        assert_eq!(v.logo.as_deref(), Some("data:image/png;base64,AQID"));
        k.logo_type = Some("image/svg+xml".into());
        assert!(app_view(&app(), Some(&k)).logo.is_none());
    }
}
