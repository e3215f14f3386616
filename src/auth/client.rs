//! Client identification for the blog's own authorization endpoint (IndieAuth §3.2,
//! §4.2): which `client_id` and `redirect_uri` values are acceptable, what the client
//! says about itself ([`info`]) and fetching that safely ([`guard`]).
//!
//! The checks here are pure: they decide before anything is fetched, so a hostile
//! address never reaches the network.

use std::net::IpAddr;

use url::{Host, Url};

use crate::auth::urls::is_loopback;

pub mod guard;
pub mod info;

pub use guard::{ClientFetchError, fetch_client_info, fetch_logo, guarded_client};
pub use info::{ClientInfo, InfoError};

/// Longest `client_id` or `redirect_uri` accepted: they are stored with codes and
/// shown on the consent page.
pub const MAX_URL_LEN: usize = 2048;

/// Why a `client_id` was refused, as a sentence for the owner on the error page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientIdError {
    #[error("The application sent no client_id.")]
    Missing,
    #[error("The application's client_id is longer than {MAX_URL_LEN} characters.")]
    TooLong,
    #[error("The application's client_id is not a web address.")]
    NotUrl,
    #[error("The application's client_id must start with https:// or http://.")]
    Scheme,
    #[error("The application's client_id must not contain a fragment (#…).")]
    Fragment,
    #[error("The application's client_id must not contain a user name or password.")]
    Credentials,
    #[error("The application's client_id must not contain \".\" or \"..\" path segments.")]
    DotSegment,
    #[error(
        "The application's client_id must name a host, not an IP address (only loopback addresses are allowed)."
    )]
    IpAddress,
}

/// Why a `redirect_uri` was refused. The authorization endpoint shows these on an
/// error page and never redirects to the address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("The application sent no redirect_uri.")]
    Missing,
    #[error("The redirect_uri is longer than {MAX_URL_LEN} characters.")]
    TooLong,
    #[error("The redirect_uri is not an absolute address.")]
    NotUrl,
    #[error("The redirect_uri uses a scheme that cannot be a redirect target.")]
    Scheme,
    #[error("The redirect_uri must not contain a fragment (#…).")]
    Fragment,
    #[error("The redirect_uri must not contain a user name or password.")]
    Credentials,
    #[error(
        "The redirect_uri is not on the application's own site, and the application does not list it as one of its redirect addresses."
    )]
    NotListed,
    #[error(
        "The application runs on this computer (its client_id is a loopback address), so it can only be sent back to this computer."
    )]
    LoopbackElsewhere,
}

/// Parses a `client_id` by the IndieAuth rules: http or https, a path (an empty one
/// becomes `/`), no fragment, no user name or password, no `.`/`..` segments (also
/// percent-encoded), a domain name or a loopback address (`localhost`, 127.0.0.0/8,
/// `[::1]`) but no other IP address; a port and a query are allowed.
///
/// Dot segments are looked for in the text as sent, because parsing resolves them:
/// `https://app.example/a/../b` would otherwise pass as `https://app.example/b`.
pub fn parse_client_id(raw: &str) -> Result<Url, ClientIdError> {
    if raw.is_empty() {
        return Err(ClientIdError::Missing);
    }
    if raw.len() > MAX_URL_LEN {
        return Err(ClientIdError::TooLong);
    }
    // URL parsers drop tabs and newlines and read `\` as `/`: refusing them keeps the
    // text checked below the same as what is parsed.
    if raw
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(ClientIdError::NotUrl);
    }
    let lower = raw.get(..8).unwrap_or(raw).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return match Url::parse(raw) {
            Ok(_) => Err(ClientIdError::Scheme),
            Err(_) => Err(ClientIdError::NotUrl),
        };
    }
    let url = Url::parse(raw).map_err(|_| ClientIdError::NotUrl)?;
    if url.fragment().is_some() || raw.contains('#') {
        return Err(ClientIdError::Fragment);
    }
    if !url.username().is_empty() || url.password().is_some() || authority(raw).contains('@') {
        return Err(ClientIdError::Credentials);
    }
    if has_dot_segment(raw) {
        return Err(ClientIdError::DotSegment);
    }
    match url.host() {
        Some(Host::Domain(_)) => {}
        Some(Host::Ipv4(ip)) if IpAddr::V4(ip).is_loopback() => {}
        Some(Host::Ipv6(ip)) if IpAddr::V6(ip).is_loopback() => {}
        Some(_) => return Err(ClientIdError::IpAddress),
        None => return Err(ClientIdError::NotUrl),
    }
    Ok(url)
}

/// The authority of an `http(s)://…` string as sent (between `//` and the path).
fn authority(raw: &str) -> &str {
    let rest = raw.split_once("//").map_or("", |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// Whether the path as sent has a `.` or `..` segment, plain or percent-encoded
/// (`%2e`, `.%2E`…): the forms URL parsers resolve.
fn has_dot_segment(raw: &str) -> bool {
    let rest = raw.split_once("//").map_or("", |(_, r)| r);
    let after_authority = &rest[authority(raw).len()..];
    let path_end = after_authority
        .find(['?', '#'])
        .unwrap_or(after_authority.len());
    after_authority[..path_end].split('/').skip(1).any(|seg| {
        let seg = seg.to_ascii_lowercase().replace("%2e", ".");
        seg == "." || seg == ".."
    })
}

/// Checks a `redirect_uri` for `client_id`: one on the client's own scheme, host and
/// port is fine; any other must be listed by the client (exactly). Either way it must
/// be absolute, without fragment or credentials, and not a scheme a browser would run
/// (`javascript:`, `data:`…). A native app's own scheme (`com.example.app:/cb`) is
/// allowed when listed.
///
/// A loopback `client_id` (`localhost`, 127.0.0.0/8, `[::1]`) is a program on the
/// computer that serves it, and anything listening on a local port can publish its
/// information: its redirect URI must be on a loopback host too (any port), whatever
/// it lists, so a local page cannot send codes to another site. (Any loopback name,
/// not only the client's own: `localhost` and 127.0.0.1 are the same computer.)
pub fn check_redirect_uri(
    client_id: &Url,
    redirect_uri: &str,
    listed: &[Url],
) -> Result<Url, RedirectError> {
    if redirect_uri.is_empty() {
        return Err(RedirectError::Missing);
    }
    if redirect_uri.len() > MAX_URL_LEN {
        return Err(RedirectError::TooLong);
    }
    if redirect_uri
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(RedirectError::NotUrl);
    }
    let url = Url::parse(redirect_uri).map_err(|_| RedirectError::NotUrl)?;
    if matches!(
        url.scheme(),
        "javascript" | "data" | "vbscript" | "file" | "blob" | "about" | "filesystem"
    ) {
        return Err(RedirectError::Scheme);
    }
    if url.fragment().is_some() {
        return Err(RedirectError::Fragment);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(RedirectError::Credentials);
    }
    if is_loopback(client_id) && !is_loopback(&url) {
        return Err(RedirectError::LoopbackElsewhere);
    }
    if same_origin(&url, client_id) || listed.contains(&url) {
        Ok(url)
    } else {
        Err(RedirectError::NotListed)
    }
}

/// Same scheme, host and port (default ports made explicit).
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host().is_some()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Whether the consent page should warn about where the owner will be sent: another
/// host than the application's, or plain http (or an app scheme) to a host that is
/// not loopback.
pub fn is_unusual(redirect: &Url, client_id: &Url) -> bool {
    redirect.host() != client_id.host() || (redirect.scheme() != "https" && !is_loopback(redirect))
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
