//! IndieAuth discovery over the network: fetch `ADMIN_ME`, read its rel links, follow
//! `indieauth-metadata`, and cache the answer for an hour. The discovered endpoints are
//! also advertised on every page (docs/URLS.md).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Client;
use reqwest::header::ACCEPT;
use url::Url;

use crate::app::AppState;
use crate::auth::discovery::{self, MetadataError, Rels};
use crate::auth::fetch::{FetchError, redact, send_capped};
use crate::auth::urls::endpoint_allowed;
use crate::site::RelLink;

/// How long discovered endpoints are reused.
pub const CACHE_FOR: Duration = Duration::from_secs(3600);

/// The owner's IndieAuth endpoints as discovered from `ADMIN_ME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The profile URL after redirects.
    pub profile: Url,
    pub authorization_endpoint: Url,
    /// Where Micropub verifies tokens, when the owner has one.
    pub token_endpoint: Option<Url>,
    pub metadata: Option<Url>,
    /// The `issuer` from metadata; callbacks carrying `iss` must match it.
    pub issuer: Option<String>,
    /// The metadata promises `iss` on the callback (RFC 9207), so one without it is
    /// refused.
    pub iss_required: bool,
}

/// Why discovery failed, worded for the owner.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DiscoveryError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{0} links to no authorization_endpoint and no indieauth-metadata")]
    NoEndpoint(String),
    #[error("the metadata at {0} is not usable: {1}")]
    Metadata(String, MetadataError),
}

/// Fetches `me` and discovers its endpoints. Every URL involved must pass the endpoint
/// policy; an insecure token endpoint is dropped (sign-in does not need it).
pub async fn discover(
    client: &Client,
    me: &Url,
    dev_mode: bool,
    timeout: Duration,
) -> Result<Endpoints, DiscoveryError> {
    let req = client
        .get(me.clone())
        .header(ACCEPT, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5");
    let page = send_capped(req, me, dev_mode, timeout, true).await?;
    if !(200..300).contains(&page.status) {
        return Err(FetchError::Status(redact(&page.url), page.status).into());
    }
    let header = discovery::parse_link_header(page.links(), &page.url);
    let html = if header.metadata.is_none() && discovery::is_html(page.content_type()) {
        let (body, url) = (page.body, page.url.clone());
        tokio::task::spawn_blocking(move || {
            discovery::parse_html_links(&String::from_utf8_lossy(&body), &url)
        })
        .await
        .unwrap_or_default()
    } else {
        Rels::default()
    };
    let found = discovery::choose(&header, &html);
    let mut endpoints = match found.metadata {
        Some(meta_url) => {
            let req = client
                .get(meta_url.clone())
                .header(ACCEPT, "application/json");
            let meta = send_capped(req, &meta_url, dev_mode, timeout, false).await?;
            if !(200..300).contains(&meta.status) {
                return Err(FetchError::Status(redact(&meta_url), meta.status).into());
            }
            let m = discovery::parse_metadata(&meta.body, &meta.url)
                .map_err(|e| DiscoveryError::Metadata(redact(&meta_url), e))?;
            Endpoints {
                profile: page.url,
                authorization_endpoint: m.authorization_endpoint,
                token_endpoint: m.token_endpoint,
                metadata: Some(meta_url),
                issuer: m.issuer,
                iss_required: m.iss_parameter_supported,
            }
        }
        None => Endpoints {
            authorization_endpoint: found
                .authorization_endpoint
                .ok_or_else(|| DiscoveryError::NoEndpoint(redact(me)))?,
            profile: page.url,
            token_endpoint: found.token_endpoint,
            metadata: None,
            issuer: None,
            iss_required: false,
        },
    };
    if !endpoint_allowed(&endpoints.authorization_endpoint, dev_mode) {
        return Err(FetchError::Insecure(redact(&endpoints.authorization_endpoint)).into());
    }
    if let Some(t) = &endpoints.token_endpoint
        && !endpoint_allowed(t, dev_mode)
    {
        tracing::warn!(token_endpoint = %redact(t), "ignoring a token endpoint that is not https");
        endpoints.token_endpoint = None;
    }
    Ok(endpoints)
}

/// The last discovery result and when it was made. The lock is never held across an
/// `await`: a slow provider delays only the request that is fetching.
#[derive(Debug, Default)]
pub struct EndpointCache {
    slot: Mutex<Option<(Instant, Arc<Endpoints>)>>,
}

impl EndpointCache {
    /// The cached endpoints if younger than [`CACHE_FOR`].
    pub fn fresh(&self) -> Option<Arc<Endpoints>> {
        let slot = self.slot.lock().ok()?;
        slot.as_ref()
            .filter(|(at, _)| at.elapsed() < CACHE_FOR)
            .map(|(_, e)| e.clone())
    }

    fn store(&self, e: Arc<Endpoints>) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Some((Instant::now(), e));
        }
    }

    /// Forgets the cached endpoints (the next sign-in discovers again).
    pub fn clear(&self) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = None;
        }
    }
}

/// The owner's endpoints, from the cache or discovered now; on success they are also
/// advertised on the site's pages and `Link` header. `None` when `ADMIN_ME` is unset.
pub async fn current(state: &AppState) -> Option<Result<Arc<Endpoints>, DiscoveryError>> {
    let me = state.config.admin_me.as_ref()?;
    if let Some(hit) = state.auth.endpoints.fresh() {
        return Some(Ok(hit));
    }
    let found = discover(
        &state.http,
        me,
        state.config.dev_mode,
        state.auth.fetch_timeout(),
    )
    .await;
    Some(found.map(|e| {
        let e = Arc::new(e);
        state.auth.endpoints.store(e.clone());
        advertise(state, &e);
        e
    }))
}

/// Puts the discovered endpoints into the site's `<link>`s and `Link` header.
fn advertise(state: &AppState, e: &Endpoints) {
    let mut links = vec![RelLink {
        rel: "authorization_endpoint",
        href: e.authorization_endpoint.to_string(),
    }];
    if let Some(t) = &e.token_endpoint {
        links.push(RelLink {
            rel: "token_endpoint",
            href: t.to_string(),
        });
    }
    if let Some(m) = &e.metadata {
        links.push(RelLink {
            rel: "indieauth-metadata",
            href: m.to_string(),
        });
    }
    if state.site.set_discovered(links) {
        state.generation.bump();
    }
}
