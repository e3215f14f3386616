//! Consent forms already answered. A signed consent form stays valid for half an
//! hour; remembering its signature until then makes it single-use, so a form posted
//! again (a double click, a replayed request) cannot mint a second code.

use std::collections::HashMap;
use std::sync::Mutex;

/// Signatures of answered forms, each until the time (Unix seconds) its form expires.
#[derive(Debug, Default)]
pub struct SpentForms {
    seen: Mutex<HashMap<String, i64>>,
}

impl SpentForms {
    /// Records `signature` as answered until `until`; `false` when it already was.
    /// Forms past their time are dropped on the way: only a signed-in owner can
    /// produce signatures, so the map stays the size of their recent answers.
    pub fn spend(&self, signature: &str, until: i64, now: i64) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            // A poisoned lock: refusing is the safe answer.
            return false;
        };
        seen.retain(|_, t| *t >= now);
        if seen.contains_key(signature) {
            return false;
        }
        seen.insert(signature.to_string(), until);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_answered_once_and_forgotten_when_it_expires() {
        let spent = SpentForms::default();
        assert!(spent.spend("sig", 100, 10));
        assert!(!spent.spend("sig", 100, 50));
        assert!(spent.spend("other", 100, 50));
        // After its expiry the form is refused by its age anyway; the entry goes.
        assert!(spent.spend("sig", 300, 101));
    }
}
