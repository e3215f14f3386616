//! Sign-in attempts per client address: a fixed window per address, in memory.
//!
//! The address is the TCP peer. Forwarding headers are believed only when the peer is
//! one of `TRUSTED_PROXIES` (see `config::TrustedProxies`): then the right-most address
//! that is not itself a trusted proxy is the client. Without a peer address at all (an
//! in-process test harness) every request shares one bucket.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::config::TrustedProxies;

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

    /// Counts an attempt; `Err(wait)` when the key is over its limit. An IPv6 address
    /// counts by its /64: one host usually holds a whole /64 and could otherwise take a
    /// fresh bucket for every attempt.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let network = bucket_key(key);
        let key = network.as_deref().unwrap_or(key);
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

    /// Takes back one attempt counted by [`RateLimiter::check`]: a password sign-in
    /// counts every attempt up front (so parallel guesses cannot slip past the limit
    /// while the hash is computed) and forgives the ones that turn out right.
    pub fn forgive(&self, key: &str) {
        let network = bucket_key(key);
        let key = network.as_deref().unwrap_or(key);
        if let Ok(mut buckets) = self.buckets.lock()
            && let Some((_, count)) = buckets.get_mut(key)
        {
            *count = count.saturating_sub(1);
        }
    }
}

/// The bucket a client address counts in: its /64 for IPv6, else the address itself.
pub fn client_bucket(addr: &str) -> String {
    bucket_key(addr).unwrap_or_else(|| addr.to_string())
}

/// The /64 an IPv6 address belongs to, as a bucket key; `None` for anything else.
fn bucket_key(key: &str) -> Option<String> {
    let IpAddr::V6(ip) = key.parse::<IpAddr>().ok()?.to_canonical() else {
        return None;
    };
    let net = std::net::Ipv6Addr::from(u128::from(ip) & (u128::MAX << 64));
    Some(format!("{net}/64"))
}

/// The client's address as far as rate limiting and logs are concerned (see the module
/// docs). Extracting it records it as `client` on the request span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl ClientAddr {
    /// Works out the address from the peer, the request headers and the proxies trusted.
    pub fn from_peer(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &TrustedProxies) -> Self {
        let Some(peer) = peer else {
            return ClientAddr("unknown".into());
        };
        // Bytes beyond ASCII are legal in header values: read them lossily rather than
        // dropping the line, so the proxy's own entry at its end is never lost.
        let values = |name| -> Vec<String> {
            headers
                .get_all(name)
                .into_iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect()
        };
        let (xff, fwd) = (values("x-forwarded-for"), values("forwarded"));
        let ip = trusted.client(
            peer,
            xff.iter().map(String::as_str),
            fwd.iter().map(String::as_str),
        );
        ClientAddr(ip.to_string())
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let addr = ClientAddr::from_peer(peer, &parts.headers, &s.config.trusted_proxies);
        tracing::Span::current().record("client", addr.0.as_str());
        Ok(addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn an_ipv6_host_cannot_rotate_through_its_64() {
        let l = RateLimiter::new(2, Duration::from_secs(60));
        assert!(l.check("2001:db8:1:2::1").is_ok());
        assert!(l.check("2001:db8:1:2::ffff").is_ok());
        assert!(l.check("2001:db8:1:2:abcd::7").is_err(), "same /64");
        assert!(l.check("2001:db8:1:3::1").is_ok(), "another /64");
        // IPv4 (also IPv4-mapped) keeps one bucket per address
        assert!(l.check("192.0.2.1").is_ok());
        assert!(l.check("192.0.2.2").is_ok());
        assert!(l.check("192.0.2.2").is_ok());
        assert!(l.check("192.0.2.2").is_err());
    }

    #[test]
    fn a_forgiven_attempt_does_not_count() {
        let rl = RateLimiter::new(2, Duration::from_secs(60));
        assert!(rl.check("a").is_ok());
        rl.forgive("a");
        assert!(rl.check("a").is_ok());
        assert!(rl.check("a").is_ok());
        assert!(rl.check("a").is_err());
        rl.forgive("unknown");
    }

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
    fn forwarded_for_is_trusted_only_from_trusted_proxies() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.9"),
        );
        let lo = Some("127.0.0.1".parse().unwrap());
        let public = Some("198.51.100.7".parse().unwrap());
        let none = TrustedProxies::default();
        let local = TrustedProxies::parse("127.0.0.1").unwrap();
        assert_eq!(ClientAddr::from_peer(lo, &h, &none).0, "127.0.0.1");
        assert_eq!(ClientAddr::from_peer(lo, &h, &local).0, "203.0.113.9");
        assert_eq!(ClientAddr::from_peer(public, &h, &local).0, "198.51.100.7");
        assert_eq!(ClientAddr::from_peer(None, &h, &local).0, "unknown");
        let empty = HeaderMap::new();
        assert_eq!(ClientAddr::from_peer(lo, &empty, &local).0, "127.0.0.1");
    }

    #[test]
    fn an_unreadable_x_forwarded_for_cannot_hand_over_to_a_forged_forwarded() {
        // nginx appends the address it saw to whatever the client sent, bytes and all.
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\x80\xff, 203.0.113.9").unwrap(),
        );
        h.insert("forwarded", HeaderValue::from_static("for=6.6.6.6"));
        let lo = Some("127.0.0.1".parse().unwrap());
        let local = TrustedProxies::parse("127.0.0.1").unwrap();
        assert_eq!(ClientAddr::from_peer(lo, &h, &local).0, "203.0.113.9");
        // an X-Forwarded-For line with nothing usable leaves the proxy as the client
        h.insert("x-forwarded-for", HeaderValue::from_bytes(b"\x80").unwrap());
        assert_eq!(ClientAddr::from_peer(lo, &h, &local).0, "127.0.0.1");
    }
}
