//! Failed attempts at the token, introspection and revocation endpoints, per client
//! address: a fixed window that only failures fill, so a busy, well-behaved client is
//! never slowed while a code or token guesser is stopped after a few dozen tries.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per address and window.
pub const MAX_FAILURES: u32 = 30;
/// The window.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered before old windows are swept.
const MAX_TRACKED: usize = 10_000;

/// Counts failures per address.
#[derive(Debug)]
pub struct FailureLimit {
    max: u32,
    window: Duration,
    buckets: Mutex<HashMap<String, (Instant, u32)>>,
}

impl FailureLimit {
    /// `max` failures per `window` per address.
    pub fn new(max: u32, window: Duration) -> Self {
        FailureLimit {
            max,
            window,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(wait)` when `addr` has failed too often in the current window.
    pub fn blocked(&self, addr: &str) -> Option<Duration> {
        let now = Instant::now();
        let buckets = self.buckets.lock().ok()?;
        let (start, count) = buckets.get(&bucket(addr))?;
        let age = now.duration_since(*start);
        (age < self.window && *count >= self.max).then(|| self.window.saturating_sub(age))
    }

    /// Records one failure of `addr`.
    pub fn failed(&self, addr: &str) {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return;
        };
        let key = bucket(addr);
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(&key) {
            buckets.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let (start, count) = buckets.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        *count = count.saturating_add(1);
    }
}

/// The key a bucket is kept for: an IPv6 address by its /64 (which one host usually
/// holds whole), an IPv4 address (IPv4-mapped IPv6 included) as it is. The address is
/// parsed, so every spelling of one network (`2001:db8::1`, `2001:0db8:0:0::2`) shares
/// a bucket; text that is no address is kept as it is.
fn bucket(addr: &str) -> String {
    match addr.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let net = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", Ipv6Addr::from(net))
        }
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => addr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_failures_count() {
        let l = FailureLimit::new(2, Duration::from_secs(60));
        assert!(l.blocked("1.2.3.4").is_none());
        l.failed("1.2.3.4");
        assert!(l.blocked("1.2.3.4").is_none());
        l.failed("1.2.3.4");
        assert!(l.blocked("1.2.3.4").is_some());
        assert!(l.blocked("5.6.7.8").is_none());
    }

    #[test]
    fn ipv6_counts_by_network() {
        let l = FailureLimit::new(1, Duration::from_secs(60));
        l.failed("2001:db8:1:2::1");
        assert!(l.blocked("2001:db8:1:2::99").is_some());
        assert!(l.blocked("2001:db8:1:3::1").is_none());
    }

    #[test]
    fn compressed_and_mapped_forms_share_a_bucket() {
        // Cutting the text at its fourth colon gave these two different buckets.
        assert_eq!(bucket("2001:db8::1"), bucket("2001:db8::2"));
        assert_eq!(bucket("2001:db8::1"), bucket("2001:0db8:0000:0000:ffff::1"));
        assert_ne!(bucket("2001:db8::1"), bucket("2001:db8:0:1::1"));
        assert_eq!(bucket("::ffff:192.0.2.7"), bucket("192.0.2.7"));
        assert_ne!(bucket("::ffff:192.0.2.7"), bucket("192.0.2.8"));
        let l = FailureLimit::new(1, Duration::from_secs(60));
        l.failed("2001:db8::1");
        assert!(l.blocked("2001:db8::2").is_some());
        l.failed("::ffff:198.51.100.1");
        assert!(l.blocked("198.51.100.1").is_some());
    }
}
