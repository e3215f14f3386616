//! Live access tokens already read from the store, so Micropub's check of an own
//! token costs no query. Every revocation goes through [`TokenService`] and empties
//! the cache once it is committed; an epoch makes sure a check that read the store
//! before a revocation cannot put its (now stale) answer back afterwards. Entries keep
//! their own expiry, so an expired token is refused without asking the store.
//!
//! [`TokenService`]: super::TokenService

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use super::AccessGrant;

/// Most tokens remembered; beyond it the cache starts again empty.
const MAX_ENTRIES: usize = 1024;

/// One remembered live access token.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub grant: AccessGrant,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default)]
struct Inner {
    epoch: u64,
    entries: HashMap<String, Entry>,
}

/// Token hash → live grant; see the module documentation.
#[derive(Debug, Default)]
pub(super) struct AccessCache(Mutex<Inner>);

impl AccessCache {
    /// The entry for `hash`, and the epoch to hand back to [`put`](Self::put).
    pub fn get(&self, hash: &str) -> (Option<Entry>, u64) {
        match self.0.lock() {
            Ok(inner) => (inner.entries.get(hash).cloned(), inner.epoch),
            Err(_) => (None, u64::MAX),
        }
    }

    /// Remembers `entry`, unless a revocation happened since `epoch` was read.
    pub fn put(&self, hash: String, entry: Entry, epoch: u64) {
        let Ok(mut inner) = self.0.lock() else {
            return;
        };
        if inner.epoch != epoch {
            return;
        }
        if inner.entries.len() >= MAX_ENTRIES {
            inner.entries.clear();
        }
        inner.entries.insert(hash, entry);
    }

    /// Records a use written to the store.
    pub fn touched(&self, hash: &str, at: DateTime<Utc>) {
        if let Ok(mut inner) = self.0.lock()
            && let Some(e) = inner.entries.get_mut(hash)
        {
            e.last_used_at = Some(at);
        }
    }

    /// Forgets everything: call after any revocation is committed.
    pub fn invalidate(&self) {
        if let Ok(mut inner) = self.0.lock() {
            inner.epoch = inner.epoch.wrapping_add(1);
            inner.entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            grant: AccessGrant {
                me: "m".into(),
                client_id: "c".into(),
                scopes: vec!["create".into()],
            },
            expires_at: None,
            last_used_at: None,
        }
    }

    #[test]
    fn a_revocation_between_read_and_put_wins() {
        let c = AccessCache::default();
        let (none, epoch) = c.get("h");
        assert!(none.is_none());
        c.invalidate();
        c.put("h".into(), entry(), epoch);
        assert!(c.get("h").0.is_none(), "the stale answer is not kept");
        let (_, epoch) = c.get("h");
        c.put("h".into(), entry(), epoch);
        assert!(c.get("h").0.is_some());
        c.invalidate();
        assert!(c.get("h").0.is_none());
    }
}
