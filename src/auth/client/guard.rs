//! Fetching what a client says about itself, and its logo, without letting a hostile
//! `client_id` aim the server at the owner's private network (SSRF): hosts that are or
//! resolve to private, link-local, unique-local, shared (100.64/10), unspecified,
//! multicast or reserved addresses are refused; loopback is allowed, because local
//! apps live there and reaching it gains an attacker nothing the owner's own
//! browser could not.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Client;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::ACCEPT;
use url::{Host, Url};

use super::info::{ClientInfo, InfoError, parse_client_info};
use crate::auth::fetch::{self, FetchError, redact, send_capped, send_limited};
use crate::auth::urls::endpoint_allowed;

/// Largest logo accepted: it is inlined into the consent page as a `data:` URL.
pub const MAX_LOGO: usize = 256 * 1024;

/// Why a client's information could not be had. The authorization endpoint then
/// shows the bare `client_id`; these are for the log.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientFetchError {
    #[error("{0} is or resolves to a private network address, which is never fetched")]
    PrivateAddress(String),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{0} does not describe the application: {1}")]
    Unusable(String, InfoError),
}

/// Whether an address may not be fetched: private (RFC 1918), shared (100.64/10),
/// link-local, unspecified, "this network" (0/8), multicast, broadcast, reserved
/// (240/4), unique-local (fc00::/7), site-local (fec0::/10), the deprecated
/// IPv4-compatible IPv6 form; an IPv4 address inside IPv6 (`::ffff:a.b.c.d`, NAT64
/// `64:ff9b::/96`) is judged as the IPv4 address. Loopback is allowed.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if v6.is_loopback() {
                return false;
            }
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let seg = v6.segments();
            if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = seg[6].to_be_bytes();
                let [c, d] = seg[7].to_be_bytes();
                return forbidden_v4(Ipv4Addr::new(a, b, c, d));
            }
            v6.is_unspecified()
                || v6.is_multicast()
                || seg[..6] == [0; 6]
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] & 0xffc0) == 0xfec0
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    if ip.is_loopback() {
        return false;
    }
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || a == 0
        || a >= 240
        || (a == 100 && (b & 0xc0) == 64)
}

/// The client every fetch here must go through: the shared client's timeouts and
/// redirect limit, plus a resolver that refuses names resolving to a forbidden
/// address and a redirect check that refuses forbidden IP literals. The resolver runs
/// for every connection, redirects included, and the connection uses exactly the
/// addresses it checked, so DNS rebinding between check and connect gains nothing.
pub fn guarded_client(site_url: &str, dev_mode: bool) -> reqwest::Result<Client> {
    fetch::builder(site_url, dev_mode, refuse_literal)
        .dns_resolver(Arc::new(GuardedResolver))
        .build()
}

/// Redirect check: IP literals never reach the resolver, so they are judged here.
fn refuse_literal(url: &Url) -> Option<String> {
    let ip = match url.host()? {
        Host::Ipv4(ip) => IpAddr::V4(ip),
        Host::Ipv6(ip) => IpAddr::V6(ip),
        Host::Domain(_) => return None,
    };
    is_forbidden(ip).then(|| format!("redirect to a private address ({})", redact(url)))
}

struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if addrs.iter().any(|a| is_forbidden(a.ip())) {
                return Err(format!("{host} resolves to a private address").into());
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Checks `url`'s host before anything is sent, so a refusal is a clear
/// [`ClientFetchError::PrivateAddress`] rather than a connection error. Every address
/// a name resolves to must pass: one private answer is enough to refuse. The guarded
/// client's resolver checks again at connect time.
async fn check_host(url: &Url, timeout: Duration) -> Result<(), ClientFetchError> {
    let shown = redact(url);
    let private = || ClientFetchError::PrivateAddress(shown.clone());
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<IpAddr> = match url.host() {
        Some(Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
        Some(Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
        Some(Host::Domain(d)) => {
            let unreachable = |why: String| FetchError::Unreachable(shown.clone(), why);
            let found = tokio::time::timeout(timeout, tokio::net::lookup_host((d, port)))
                .await
                .map_err(|_| FetchError::Timeout(shown.clone(), timeout.as_secs().max(1)))?
                .map_err(|e| unreachable(e.to_string()))?;
            found.map(|a| a.ip()).collect()
        }
        None => return Err(FetchError::Unreachable(shown.clone(), "no host".into()).into()),
    };
    if addrs.iter().any(|ip| is_forbidden(*ip)) {
        return Err(private());
    }
    Ok(())
}

/// Fetches `client_id` (https, or loopback / `DEV_MODE` http, like discovery) and reads
/// its metadata document or `h-app` page; bodies over 1 MB are refused. `client` must
/// come from [`guarded_client`]. On error the caller falls back to
/// [`ClientInfo::bare`].
pub async fn fetch_client_info(
    client: &Client,
    client_id: &Url,
    dev_mode: bool,
    timeout: Duration,
) -> Result<ClientInfo, ClientFetchError> {
    // The scheme first: an http client_id on a public host is refused without a lookup.
    if !endpoint_allowed(client_id, dev_mode) {
        return Err(FetchError::Insecure(redact(client_id)).into());
    }
    check_host(client_id, timeout).await?;
    let req = client
        .get(client_id.clone())
        .header(ACCEPT, "application/json, text/html;q=0.9, */*;q=0.1");
    let page = send_capped(req, client_id, dev_mode, timeout, false).await?;
    if !(200..300).contains(&page.status) {
        return Err(FetchError::Status(redact(client_id), page.status).into());
    }
    parse_client_info(
        page.content_type(),
        &page.body,
        &page.url,
        page.links(),
        client_id,
    )
    .map_err(|e| ClientFetchError::Unusable(redact(client_id), e))
}

/// Fetches a logo to show inline: http or https (plain http is harmless for a picture
/// shown inline, and redirects still follow the client's policy), at most [`MAX_LOGO`] bytes, served as
/// PNG, JPEG, GIF or WebP and really one of them (magic bytes). SVG is refused: it can
/// carry script. Returns the media type read from the bytes and the bytes; `None` for
/// anything else (logged at debug: a missing logo is not worth more).
pub async fn fetch_logo(
    client: &Client,
    url: &Url,
    timeout: Duration,
) -> Option<(&'static str, Vec<u8>)> {
    let result = async {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Insecure(redact(url)).into());
        }
        check_host(url, timeout).await?;
        let req = client.get(url.clone()).header(ACCEPT, "image/*");
        let res = send_limited(req, url, timeout, false, MAX_LOGO).await?;
        if !(200..300).contains(&res.status) {
            return Err(FetchError::Status(redact(url), res.status).into());
        }
        Ok::<_, ClientFetchError>(res)
    }
    .await;
    let res = match result {
        Ok(res) => res,
        Err(e) => {
            tracing::debug!(error = %e, "application logo not fetched");
            return None;
        }
    };
    let declared = res
        .content_type()
        .and_then(|ct| ct.split(';').next())
        .map(|ct| ct.trim().to_ascii_lowercase());
    let sniffed = sniff_image(&res.body);
    match (declared.as_deref(), sniffed) {
        (Some("image/png" | "image/jpeg" | "image/gif" | "image/webp"), Some(mime)) => {
            Some((mime, res.body))
        }
        _ => {
            tracing::debug!(content_type = ?declared, "application logo is not a raster image");
            None
        }
    }
}

/// The media type of a PNG, JPEG, GIF or WebP by its first bytes.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
