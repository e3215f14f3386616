//! WebAuthn ceremonies under way: the server's half of each challenge, kept in memory
//! under a random id between the two requests of a ceremony. Each is single-use (taken
//! out when finished) and good for [`LIFETIME`]; a restart forgets them all, which
//! only means starting again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use webauthn_rs::prelude::{PasskeyAuthentication, PasskeyRegistration};

use crate::auth::crypto::{is_token_shaped, random_token};

/// How long a ceremony may take.
pub const LIFETIME: Duration = Duration::from_secs(5 * 60);
/// Ceremonies kept at once (a bound on memory whoever asks; a few hundred bytes each).
const MAX_PENDING: usize = 4096;

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

/// The pending ceremonies.
#[derive(Default)]
pub struct Ceremonies {
    pending: Mutex<HashMap<String, (Instant, Kind)>>,
}

impl std::fmt::Debug for Ceremonies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.pending.lock().map(|m| m.len()).unwrap_or(0);
        f.debug_struct("Ceremonies").field("pending", &n).finish()
    }
}

impl Ceremonies {
    /// Keeps `kind` and returns its id. When full, expired ceremonies go first, then
    /// the oldest: strangers starting ceremonies can never block the owner's new one
    /// (`None` only if the lock is poisoned).
    pub fn start(&self, kind: Kind) -> Option<String> {
        let now = Instant::now();
        let mut pending = self.pending.lock().ok()?;
        if pending.len() >= MAX_PENDING {
            pending.retain(|_, (at, _)| now.duration_since(*at) < LIFETIME);
        }
        if pending.len() >= MAX_PENDING
            && let Some(oldest) = pending
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
        {
            pending.remove(&oldest);
        }
        let id = random_token();
        pending.insert(id.clone(), (now, kind));
        Some(id)
    }

    /// Takes the ceremony `id` out (so it can be finished only once); `None` when it is
    /// unknown, already finished or expired.
    pub fn take(&self, id: &str) -> Option<Kind> {
        if !is_token_shaped(id) {
            return None;
        }
        let (at, kind) = self.pending.lock().ok()?.remove(id)?;
        (at.elapsed() < LIFETIME).then_some(kind)
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
        let id = c.start(registration()).unwrap();
        assert!(matches!(c.take(&id), Some(Kind::Register { .. })));
        assert!(c.take(&id).is_none(), "single use");
        assert!(c.take("not-a-token").is_none());
        assert!(c.take(&random_token()).is_none());
    }

    #[test]
    fn a_full_store_makes_room_for_the_newest() {
        let c = Ceremonies::default();
        let first = c.start(registration()).unwrap();
        let mut last = String::new();
        for _ in 0..MAX_PENDING {
            last = c.start(registration()).unwrap();
        }
        assert!(c.take(&first).is_none(), "the oldest made room");
        assert!(c.take(&last).is_some());
    }
}
