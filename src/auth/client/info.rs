//! What a client says about itself (IndieAuth §4.2.2): a JSON client metadata
//! document at its `client_id`, or, from older clients, an `h-app` / `h-x-app` on
//! its page with `redirect_uri` rel links. Pure: no I/O.

use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::auth::discovery::{header_rel_targets, html_rel_targets, is_html};
use crate::auth::hcard::{first_prop, has_root_ancestor, implied_name};

/// Longest application name shown; longer ones are cut.
const MAX_NAME: usize = 100;
/// Most redirect addresses kept from one client.
const MAX_REDIRECTS: usize = 20;

/// What the consent page shows about an application, and where it may send codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// The application's name, when it gives one.
    pub name: Option<String>,
    /// Its logo (http or https), to be fetched with the address policy.
    pub logo: Option<Url>,
    /// Its home page: on the `client_id`'s own origin, else the `client_id` itself, so
    /// an application cannot pose as another site.
    pub url: Url,
    /// The redirect addresses it lists (any origin).
    pub redirect_uris: Vec<Url>,
}

impl ClientInfo {
    /// What is known when nothing could be fetched: the bare address.
    pub fn bare(client_id: &Url) -> Self {
        ClientInfo {
            name: None,
            logo: None,
            url: client_id.clone(),
            redirect_uris: Vec::new(),
        }
    }
}

/// Why a fetched document did not describe the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InfoError {
    #[error("its client metadata is not a JSON object")]
    NotJson,
    #[error("its client metadata names another client_id")]
    OtherClient,
}

/// Reads the answer of a fetch of `client_id`: JSON metadata when the content type is
/// JSON (or the body starts like an object), otherwise an HTML page. `page_url` is the
/// URL after redirects; `links` the values of the response's `Link` headers.
pub fn parse_client_info<'a>(
    content_type: Option<&str>,
    body: &[u8],
    page_url: &Url,
    links: impl IntoIterator<Item = &'a str>,
    client_id: &Url,
) -> Result<ClientInfo, InfoError> {
    let json_type = content_type.is_some_and(|ct| {
        let ct = crate::auth::discovery::media_type(ct);
        ct == "application/json" || ct.ends_with("+json")
    });
    let looks_json = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if json_type || (looks_json && !content_type.is_some_and(|ct| is_html(Some(ct)))) {
        parse_metadata(body, page_url, client_id)
    } else {
        let html = String::from_utf8_lossy(body);
        Ok(parse_h_app(&html, page_url, links, client_id))
    }
}

/// Parses a client metadata document. Its `client_id` must equal the requested one
/// (the spec's defence against a document copied from another app); `client_uri` is
/// kept only when it is a prefix of the `client_id` on the same origin.
pub fn parse_metadata(
    body: &[u8],
    doc_url: &Url,
    client_id: &Url,
) -> Result<ClientInfo, InfoError> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|_| InfoError::NotJson)?;
    let obj = v.as_object().ok_or(InfoError::NotJson)?;
    let str_field = |k: &str| obj.get(k).and_then(|v| v.as_str());
    let named = str_field("client_id").and_then(|s| Url::parse(s).ok());
    if named.as_ref() != Some(client_id) {
        return Err(InfoError::OtherClient);
    }
    let url = str_field("client_uri")
        .and_then(|s| doc_url.join(s).ok())
        .filter(|u| same_origin(u, client_id) && client_id.as_str().starts_with(u.as_str()))
        .unwrap_or_else(|| client_id.clone());
    let redirect_uris = obj
        .get("redirect_uris")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .filter_map(|s| doc_url.join(s.trim()).ok())
        .take(MAX_REDIRECTS)
        .collect();
    Ok(ClientInfo {
        name: str_field("client_name").and_then(clean_name),
        logo: str_field("logo_uri").and_then(|s| web_url(doc_url, s)),
        url,
        redirect_uris,
    })
}

/// Reads an HTML page: the `h-app` (or `h-x-app`) whose `u-url` is on the client's
/// origin, else the first top-level one, for name, logo and URL; `redirect_uri` links
/// from the `Link` headers, then the page.
pub fn parse_h_app<'a>(
    html: &str,
    page_url: &Url,
    links: impl IntoIterator<Item = &'a str>,
    client_id: &Url,
) -> ClientInfo {
    let doc = Html::parse_document(html);
    let mut redirect_uris = header_rel_targets(links, page_url, "redirect_uri");
    for u in html_rel_targets(&doc, page_url, "redirect_uri") {
        if !redirect_uris.contains(&u) {
            redirect_uris.push(u);
        }
    }
    redirect_uris.truncate(MAX_REDIRECTS);
    let mut info = ClientInfo {
        redirect_uris,
        ..ClientInfo::bare(client_id)
    };
    let Ok(sel) = Selector::parse(".h-app, .h-x-app") else {
        return info;
    };
    let apps: Vec<ElementRef> = doc.select(&sel).collect();
    let on_origin = |app: &ElementRef| {
        first_prop(*app, "u-url", page_url)
            .and_then(|u| Url::parse(&u).ok())
            .is_some_and(|u| same_origin(&u, client_id))
    };
    let Some(app) = apps
        .iter()
        .find(|a| on_origin(a))
        .or_else(|| apps.iter().find(|a| !has_root_ancestor(**a)))
    else {
        return info;
    };
    info.name = first_prop(*app, "p-name", page_url)
        .or_else(|| Some(implied_name(*app)))
        .as_deref()
        .and_then(clean_name);
    info.logo = first_prop(*app, "u-logo", page_url).and_then(|s| web_url(page_url, &s));
    if let Some(u) = first_prop(*app, "u-url", page_url)
        .and_then(|u| Url::parse(&u).ok())
        .filter(|u| same_origin(u, client_id))
    {
        info.url = u;
    }
    info
}

/// A name worth showing: whitespace collapsed, at most [`MAX_NAME`] characters.
fn clean_name(s: &str) -> Option<String> {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let name: String = joined.chars().take(MAX_NAME).collect();
    (!name.is_empty()).then_some(name)
}

/// `s` resolved against `base`, kept only when http or https.
fn web_url(base: &Url, s: &str) -> Option<Url> {
    base.join(s.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

#[cfg(test)]
#[path = "info_tests.rs"]
mod tests;
