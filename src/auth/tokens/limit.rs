//! Failed attempts at the token, introspection and revocation endpoints, per client
//! address: a fixed window that only failures fill, so a busy, well-behaved client is
//! never slowed while a code or token guesser is stopped after a few dozen tries.

use std::collections::HashMap;
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
        let (start, count) = buckets.get(bucket(addr))?;
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
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(key) {
            buckets.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let (start, count) = buckets.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        *count = count.saturating_add(1);
    }
}

/// The part of an address a bucket is kept for: an IPv6 address by its first four
/// groups (its /64, which one host usually holds whole), anything else as it is.
fn bucket(addr: &str) -> &str {
    if addr.contains(':') {
        let mut colons = addr.match_indices(':').map(|(i, _)| i);
        if let Some(i) = colons.nth(3) {
            return &addr[..i];
        }
    }
    addr
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
}
