//! Outbound HTTP for sign-in: one shared client with timeouts and a redirect limit,
//! and a capped reader so a hostile or broken provider can neither hang a request nor
//! fill memory.

use std::time::Duration;

use reqwest::header::{self, HeaderMap};
use reqwest::redirect::{Attempt, Policy};
use reqwest::{Client, RequestBuilder, Response};
use url::Url;

use crate::auth::urls::endpoint_allowed;

/// Longest any single outbound request may take (connect + answer + body).
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// Redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 5;
/// Largest body read from a provider; HTML beyond it is ignored, JSON beyond it refused.
pub const MAX_BODY: usize = 1024 * 1024;

/// Builds the shared outbound client. Redirects are followed at most [`MAX_REDIRECTS`]
/// times and only to URLs the endpoint policy allows (https, loopback, or any http in
/// `DEV_MODE`), so a redirect cannot downgrade a fetch to plain http.
pub fn client(site_url: &str, dev_mode: bool) -> reqwest::Result<Client> {
    builder(site_url, dev_mode, |_| None).build()
}

/// The shared client's settings, with `refuse` as an extra redirect check (it names
/// why a redirect target is refused, or gives `None`): the client-information fetch
/// refuses private addresses with it.
pub fn builder(
    site_url: &str,
    dev_mode: bool,
    refuse: fn(&Url) -> Option<String>,
) -> reqwest::ClientBuilder {
    let policy = Policy::custom(move |attempt: Attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else if let Some(why) = refuse(attempt.url()) {
            attempt.error(why)
        } else if !endpoint_allowed(attempt.url(), dev_mode) {
            let msg = format!(
                "redirect to a non-https address ({})",
                redact(attempt.url())
            );
            attempt.error(msg)
        } else {
            attempt.follow()
        }
    });
    Client::builder()
        .user_agent(format!(
            "StarPunk/{} (+{site_url}/)",
            env!("CARGO_PKG_VERSION")
        ))
        .connect_timeout(TIMEOUT)
        .timeout(TIMEOUT)
        .redirect(policy)
}

/// Why a fetch failed, worded for the owner (URLs shown without their query).
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("{0} is not https (plain http is allowed only for loopback hosts or in DEV_MODE)")]
    Insecure(String),
    #[error("{0} did not answer within {1} seconds")]
    Timeout(String, u64),
    #[error("{0} could not be reached ({1})")]
    Unreachable(String, String),
    #[error("{0} redirected too often or to a non-https address ({1})")]
    Redirect(String, String),
    #[error("{0} answered with HTTP status {1}")]
    Status(String, u16),
    #[error("{0} sent more than {1} bytes")]
    TooLarge(String, usize),
}

/// A response body read within the cap, with what discovery needs from the headers.
#[derive(Debug)]
pub struct Fetched {
    /// The URL after redirects: relative links resolve against it.
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Fetched {
    /// All values of the `Link` headers.
    pub fn links(&self) -> impl Iterator<Item = &str> {
        self.headers
            .get_all(header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
    }

    /// The `Content-Type` header, if readable.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }
}

/// `url` without query or fragment, safe to log or show (codes travel in queries).
pub fn redact(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// Sends `req` (already aimed at `url`, which must pass the endpoint policy) with
/// `timeout`, and reads at most [`MAX_BODY`] bytes. With `truncate`, a longer body is
/// cut at the cap (fine for HTML, whose `<head>` comes first); otherwise it is an error.
/// Non-2xx answers are returned, not refused: the caller decides.
pub async fn send_capped(
    req: RequestBuilder,
    url: &Url,
    dev_mode: bool,
    timeout: Duration,
    truncate: bool,
) -> Result<Fetched, FetchError> {
    if !endpoint_allowed(url, dev_mode) {
        return Err(FetchError::Insecure(redact(url)));
    }
    send_limited(req, url, timeout, truncate, MAX_BODY).await
}

/// [`send_capped`] without the endpoint policy (the caller applies its own, e.g. a
/// logo may be plain http) and with its own cap of `max` bytes.
pub async fn send_limited(
    req: RequestBuilder,
    url: &Url,
    timeout: Duration,
    truncate: bool,
    max: usize,
) -> Result<Fetched, FetchError> {
    let shown = redact(url);
    let res = req
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| classify(&shown, timeout, &e))?;
    read_capped(res, &shown, timeout, truncate, max).await
}

async fn read_capped(
    mut res: Response,
    shown: &str,
    timeout: Duration,
    truncate: bool,
    max: usize,
) -> Result<Fetched, FetchError> {
    let url = res.url().clone();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    if res.content_length().is_some_and(|n| n > max as u64) && !truncate {
        return Err(FetchError::TooLarge(shown.to_string(), max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res
        .chunk()
        .await
        .map_err(|e| classify(shown, timeout, &e))?
    {
        let room = max - body.len();
        if chunk.len() > room {
            if !truncate {
                return Err(FetchError::TooLarge(shown.to_string(), max));
            }
            body.extend_from_slice(&chunk[..room]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        url,
        status,
        headers,
        body,
    })
}

fn classify(shown: &str, timeout: Duration, e: &reqwest::Error) -> FetchError {
    let secs = timeout.as_secs().max(1);
    if e.is_timeout() {
        FetchError::Timeout(shown.to_string(), secs)
    } else if e.is_redirect() {
        FetchError::Redirect(shown.to_string(), root_cause(e))
    } else {
        FetchError::Unreachable(shown.to_string(), root_cause(e))
    }
}

/// The innermost error message (e.g. "Connection refused"), never a URL with a query.
fn root_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let msg = cause.to_string();
    if msg.contains('?') {
        "request failed".to_string()
    } else {
        msg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_drops_query_and_fragment() {
        let u = Url::parse("https://x.example/cb?code=secret&state=s#f").unwrap();
        assert_eq!(redact(&u), "https://x.example/cb");
    }

    #[tokio::test]
    async fn plain_http_to_a_public_host_is_refused_before_sending() {
        let client = client("https://blog.example", false).unwrap();
        let url = Url::parse("http://auth.example.com/auth").unwrap();
        let err = send_capped(client.get(url.clone()), &url, false, TIMEOUT, true)
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Insecure(_)), "{err:?}");
    }
}
