//! Sign-in attempts per client address: a fixed window per address, in memory.
//!
//! The address is the TCP peer. When the peer is loopback — a reverse proxy on the same
//! machine, the documented deployment — the last `X-Forwarded-For` entry (the address the
//! proxy itself saw) is used instead; a client cannot forge that entry through a proxy
//! that appends to the header, as nginx's `$proxy_add_x_forwarded_for` does. Without a
//! peer address at all (an in-process test harness) every request shares one bucket.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

/// Sign-in attempts allowed per address and window.
pub const MAX_ATTEMPTS: u32 = 10;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered before old windows are swept.
const MAX_TRACKED: usize = 10_000;

/// Counts attempts per key in fixed windows.
#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: Duration,
    buckets: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// `max` attempts per `window` per key.
    pub fn new(max: u32, window: Duration) -> Self {
        RateLimiter {
            max,
            window,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt; `Err(wait)` when the key is over its limit.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(key) {
            buckets.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let (start, count) = buckets.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        if *count >= self.max {
            return Err(self.window.saturating_sub(now.duration_since(*start)));
        }
        *count += 1;
        Ok(())
    }
}

/// The client's address as far as rate limiting is concerned (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl ClientAddr {
    /// Works out the address from the peer and the request headers.
    pub fn from_peer(peer: Option<IpAddr>, headers: &HeaderMap) -> Self {
        let Some(peer) = peer else {
            return ClientAddr("unknown".into());
        };
        if peer.is_loopback()
            && let Some(fwd) = last_forwarded_for(headers)
        {
            return ClientAddr(fwd.to_string());
        }
        ClientAddr(peer.to_string())
    }
}

fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .next_back()?;
    last.rsplit(',').next()?.trim().parse().ok()
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr::from_peer(peer, &parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn limits_per_key_and_window() {
        let rl = RateLimiter::new(2, Duration::from_secs(60));
        assert!(rl.check("a").is_ok());
        assert!(rl.check("a").is_ok());
        let wait = rl.check("a").unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(rl.check("b").is_ok());
        let rl = RateLimiter::new(1, Duration::ZERO);
        assert!(rl.check("a").is_ok());
        assert!(rl.check("a").is_ok(), "a new window starts");
    }

    #[test]
    fn forwarded_for_is_trusted_only_from_loopback() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.9"),
        );
        let lo = Some("127.0.0.1".parse().unwrap());
        let public = Some("198.51.100.7".parse().unwrap());
        assert_eq!(ClientAddr::from_peer(lo, &h).0, "203.0.113.9");
        assert_eq!(ClientAddr::from_peer(public, &h).0, "198.51.100.7");
        assert_eq!(ClientAddr::from_peer(None, &h).0, "unknown");
        assert_eq!(ClientAddr::from_peer(lo, &HeaderMap::new()).0, "127.0.0.1");
    }
}
