//! WebAuthn ceremonies under way: the server's half of each challenge, kept in memory
//! under a random id between the two requests of a ceremony. Each is single-use (taken
//! out when finished) and good for [`LIFETIME`]; a restart forgets them all, which
//! only means starting again.
//!
//! Starting a passkey sign-in needs no sign-in, so the store is shared with strangers.
//! Each client network (an IPv4 address or an IPv6 /64) holds at most
//! [`PER_CLIENT`] ceremonies, its oldest making room for its newest; when the store is
//! full, room is made in the network holding the most. Ceremonies started by the owner
//! (a known-device browser, a session or a set-up link) live in a separate small pool
//! ([`RESERVED`]) that strangers cannot touch at all.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use webauthn_rs::prelude::{PasskeyAuthentication, PasskeyRegistration};

use crate::auth::crypto::{is_token_shaped, random_token};
use crate::auth::ratelimit::client_bucket;

/// How long a ceremony may take.
pub const LIFETIME: Duration = Duration::from_secs(5 * 60);
/// Strangers' ceremonies kept at once (a bound on memory whoever asks; a few hundred
/// bytes each).
const MAX_PENDING: usize = 4096;
/// Ceremonies one client network may have pending.
pub const PER_CLIENT: usize = 8;
/// Ceremonies of the owner's own pool.
pub const RESERVED: usize = 32;

/// What a ceremony is for.
pub enum Kind {
    /// Signing in with a passkey.
    SignIn(PasskeyAuthentication),
    /// Registering a passkey, for whoever holds `bound_to` (the hash of a session or
    /// set-up token), under the name the owner gave.
    Register {
        reg: PasskeyRegistration,
        bound_to: String,
        name: String,
    },
}

/// Who started a ceremony, which decides where it is kept.
pub enum Starter<'a> {
    /// The owner (a known-device browser, a session, a set-up link): the reserved pool.
    Owner,
    /// Anyone else, by client address.
    Client(&'a str),
}

struct Entry {
    at: Instant,
    /// The client network, or `None` for the owner's pool.
    bucket: Option<String>,
    kind: Kind,
}

/// The pending ceremonies.
#[derive(Default)]
pub struct Ceremonies {
    pending: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for Ceremonies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.pending.lock().map(|m| m.len()).unwrap_or(0);
        f.debug_struct("Ceremonies").field("pending", &n).finish()
    }
}

/// The id of the oldest entry that `pick` selects.
fn oldest(pending: &HashMap<String, Entry>, pick: impl Fn(&Entry) -> bool) -> Option<String> {
    pending
        .iter()
        .filter(|(_, e)| pick(e))
        .min_by_key(|(_, e)| e.at)
        .map(|(k, _)| k.clone())
}

/// The strangers' network holding the most pending ceremonies.
fn fullest(pending: &HashMap<String, Entry>) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for b in pending.values().filter_map(|e| e.bucket.as_deref()) {
        *counts.entry(b).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(b, _)| b.to_string())
}

impl Ceremonies {
    /// Keeps `kind` and returns its id, making room as the module docs say: expired
    /// ceremonies go first, then the oldest of the starter's own network or pool, then
    /// the oldest of the fullest network (`None` only if the lock is poisoned).
    pub fn start(&self, kind: Kind, by: Starter<'_>) -> Option<String> {
        let now = Instant::now();
        let bucket = match by {
            Starter::Owner => None,
            Starter::Client(addr) => Some(client_bucket(addr)),
        };
        let mut pending = self.pending.lock().ok()?;
        let mine = pending.values().filter(|e| e.bucket == bucket).count();
        let others = pending.values().filter(|e| e.bucket.is_some()).count();
        let (cap, full) = match bucket {
            None => (RESERVED, false),
            Some(_) => (PER_CLIENT, others >= MAX_PENDING),
        };
        if mine >= cap || full {
            pending.retain(|_, e| now.duration_since(e.at) < LIFETIME);
        }
        if pending.values().filter(|e| e.bucket == bucket).count() >= cap
            && let Some(id) = oldest(&pending, |e| e.bucket == bucket)
        {
            pending.remove(&id);
        } else if bucket.is_some()
            && pending.values().filter(|e| e.bucket.is_some()).count() >= MAX_PENDING
            && let Some(net) = fullest(&pending)
            && let Some(id) = oldest(&pending, |e| e.bucket.as_deref() == Some(net.as_str()))
        {
            pending.remove(&id);
        }
        let id = random_token();
        pending.insert(
            id.clone(),
            Entry {
                at: now,
                bucket,
                kind,
            },
        );
        Some(id)
    }

    /// Takes the ceremony `id` out (so it can be finished only once); `None` when it is
    /// unknown, already finished or expired.
    pub fn take(&self, id: &str) -> Option<Kind> {
        if !is_token_shaped(id) {
            return None;
        }
        let e = self.pending.lock().ok()?.remove(id)?;
        (e.at.elapsed() < LIFETIME).then_some(e.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use webauthn_rs::prelude::{Url, WebauthnBuilder};

    fn registration() -> Kind {
        let origin = Url::parse("https://blog.example").unwrap();
        let w = WebauthnBuilder::new("blog.example", &origin)
            .unwrap()
            .build()
            .unwrap();
        let (_, reg) = w
            .start_passkey_registration(uuid::Uuid::new_v4(), "me", "Me", None)
            .unwrap();
        Kind::Register {
            reg,
            bound_to: "session".into(),
            name: "Phone".into(),
        }
    }

    #[test]
    fn a_ceremony_is_taken_once() {
        let c = Ceremonies::default();
        let id = c.start(registration(), Starter::Owner).unwrap();
        assert!(matches!(c.take(&id), Some(Kind::Register { .. })));
        assert!(c.take(&id).is_none(), "single use");
        assert!(c.take("not-a-token").is_none());
        assert!(c.take(&random_token()).is_none());
    }

    #[test]
    fn a_client_network_keeps_at_most_its_share() {
        let c = Ceremonies::default();
        let other = c
            .start(registration(), Starter::Client("192.0.2.1"))
            .unwrap();
        let first = c
            .start(registration(), Starter::Client("2001:db8:1:2::1"))
            .unwrap();
        let mut rest = Vec::new();
        for i in 0..PER_CLIENT {
            let addr = format!("2001:db8:1:2::{:x}", i + 2);
            rest.push(c.start(registration(), Starter::Client(&addr)).unwrap());
        }
        assert!(c.take(&first).is_none(), "the network's oldest made room");
        assert!(rest.iter().all(|id| c.take(id).is_some()));
        assert!(c.take(&other).is_some(), "another client is untouched");
    }

    #[test]
    fn strangers_filling_the_store_push_out_their_own() {
        let c = Ceremonies::default();
        let owner = c
            .start(registration(), Starter::Client("192.0.2.1"))
            .unwrap();
        // Strangers from many networks, each up to its share, and well past the cap.
        let mut last = String::new();
        for i in 0..(MAX_PENDING + 600) {
            let addr = format!("2001:db8:{:x}::1", i / PER_CLIENT);
            last = c.start(registration(), Starter::Client(&addr)).unwrap();
        }
        assert!(c.pending.lock().unwrap().len() <= MAX_PENDING);
        assert!(
            c.take(&owner).is_some(),
            "a small network keeps its ceremony"
        );
        assert!(c.take(&last).is_some());
    }

    #[test]
    fn the_owners_pool_is_out_of_strangers_reach() {
        let c = Ceremonies::default();
        let owner = c.start(registration(), Starter::Owner).unwrap();
        // one ceremony each from more networks than the store holds
        for i in 0..(MAX_PENDING + 100) {
            let addr = format!("2001:db8:{:x}::1", i);
            c.start(registration(), Starter::Client(&addr)).unwrap();
        }
        assert!(c.take(&owner).is_some());
        // the owner's pool has its own bound
        let first = c.start(registration(), Starter::Owner).unwrap();
        for _ in 0..RESERVED {
            c.start(registration(), Starter::Owner).unwrap();
        }
        assert!(c.take(&first).is_none());
    }
}
