//! The relying party (WebAuthn's word for this site): its id is the host of
//! `SITE_URL`, its origin `SITE_URL`. Browsers refuse passkeys for an IP address, so a
//! site reached by one has none (the password still works).

use url::{Host, Url};
use uuid::Uuid;
use webauthn_rs::prelude::{Passkey, Webauthn, WebauthnBuilder};

use crate::app::AppState;
use crate::config::Config;
use crate::db::passkeys::{self, PasskeyRow};

/// Why this site cannot use passkeys, shown on the pages that offer them.
pub const IP_HOST: &str = "Passkeys need the site to be reached by a host name, and this \
     site's address (SITE_URL) is an IP address, so only the password works here.";

/// The WebAuthn relying party of this site; `None` when `SITE_URL`'s host is an IP
/// address (or otherwise unusable). Cheap to build (no keys, no I/O).
pub fn webauthn(config: &Config) -> Option<Webauthn> {
    let origin = Url::parse(&config.site_url).ok()?;
    let Some(Host::Domain(host)) = origin.host() else {
        return None;
    };
    let host = host.to_string();
    match WebauthnBuilder::new(&host, &origin).and_then(|b| b.rp_name(&config.site_name).build()) {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!(error = %e, "passkeys unavailable: SITE_URL is not a usable relying party");
            None
        }
    }
}

/// A stored passkey with its credential read back; rows that no longer parse (a
/// crate upgrade gone wrong) are logged and left out rather than failing sign-in.
pub fn parse(row: &PasskeyRow) -> Option<Passkey> {
    match serde_json::from_str(&row.credential) {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::error!(passkey = %row.id, error = %e, "stored passkey cannot be read");
            None
        }
    }
}

/// Every stored passkey that can be used.
pub async fn load(state: &AppState) -> sqlx::Result<Vec<(PasskeyRow, Passkey)>> {
    Ok(passkeys::list(&state.db)
        .await?
        .into_iter()
        .filter_map(|r| parse(&r).map(|p| (r, p)))
        .collect())
}

/// The owner's WebAuthn user handle (made once, then kept).
pub async fn user_handle(state: &AppState) -> sqlx::Result<Uuid> {
    let stored = passkeys::user_handle(&state.db, &Uuid::new_v4().to_string()).await?;
    Ok(Uuid::parse_str(&stored).unwrap_or_else(|_| {
        tracing::error!("stored WebAuthn user handle is not a UUID; using a fresh one");
        Uuid::new_v4()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(site: &str) -> Config {
        let vars = std::collections::HashMap::from([("SITE_URL".to_string(), site.to_string())]);
        Config::from_vars(&vars).unwrap()
    }

    #[test]
    fn the_relying_party_is_the_host_of_site_url() {
        let w = webauthn(&config("https://blog.example.com")).unwrap();
        let (challenge, _) = w
            .start_passkey_registration(Uuid::new_v4(), "me", "Me", None)
            .unwrap();
        assert_eq!(challenge.public_key.rp.id, "blog.example.com");
        assert!(webauthn(&config("http://localhost:5000")).is_some());
        assert!(
            webauthn(&config("http://127.0.0.1:5000")).is_none(),
            "an IP address"
        );
        assert!(webauthn(&config("http://[::1]:5000")).is_none());
    }
}
