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
/// Ceremonies kept at once (a bound on memory whoever asks).
const MAX_PENDING: usize = 1000;

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
    /// Keeps `kind` and returns its id; `None` when too many are pending.
    pub fn start(&self, kind: Kind) -> Option<String> {
        let now = Instant::now();
        let mut pending = self.pending.lock().ok()?;
        if pending.len() >= MAX_PENDING {
            pending.retain(|_, (at, _)| now.duration_since(*at) < LIFETIME);
            if pending.len() >= MAX_PENDING {
                return None;
            }
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
