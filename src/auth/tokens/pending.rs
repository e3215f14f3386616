//! What an application said about itself when its consent page was shown, kept until
//! the owner answers: approving then saves that description for the Apps page without
//! fetching the application a second time.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::db::clients::KnownClient;

/// Descriptions held at most; beyond it the one expiring first goes. Only the
/// signed-in owner opens consent pages, so this is plenty.
const MAX_HELD: usize = 64;

/// Consent-form signature → (until, the application's description).
#[derive(Debug, Default)]
pub struct PendingApps {
    held: Mutex<HashMap<String, (i64, KnownClient)>>,
}

impl PendingApps {
    /// Holds `app` for the form signed `signature` until `until` (Unix seconds).
    pub fn hold(&self, signature: &str, app: KnownClient, until: i64, now: i64) {
        let Ok(mut held) = self.held.lock() else {
            return;
        };
        held.retain(|_, (t, _)| *t >= now);
        if held.len() >= MAX_HELD
            && let Some(first) = held
                .iter()
                .min_by_key(|(_, (t, _))| *t)
                .map(|(k, _)| k.clone())
        {
            held.remove(&first);
        }
        held.insert(signature.to_string(), (until, app));
    }

    /// The description held for the form signed `signature`, taken out.
    pub fn take(&self, signature: &str, now: i64) -> Option<KnownClient> {
        let mut held = self.held.lock().ok()?;
        held.remove(signature)
            .filter(|(t, _)| *t >= now)
            .map(|(_, app)| app)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(name: &str) -> KnownClient {
        KnownClient {
            client_id: "https://app.example/".into(),
            name: Some(name.into()),
            url: None,
            logo_type: None,
            logo: None,
        }
    }

    #[test]
    fn held_until_taken_or_expired() {
        let p = PendingApps::default();
        p.hold("a", app("A"), 100, 0);
        p.hold("b", app("B"), 100, 0);
        assert_eq!(p.take("a", 50).unwrap().name.as_deref(), Some("A"));
        assert!(p.take("a", 50).is_none());
        assert!(p.take("b", 101).is_none());
        for i in 0..MAX_HELD + 5 {
            p.hold(&i.to_string(), app("x"), 200 + i as i64, 0);
        }
        assert!(p.held.lock().unwrap().len() <= MAX_HELD);
        assert!(p.take(&(MAX_HELD + 4).to_string(), 0).is_some());
    }
}
