//! The consent page: what the application is, where it will send the owner back, and
//! each requested scope as a checkbox. The form carries the checked request signed
//! with the session secret and bound to the owner's session, so the answer to it
//! ([`super::authorize::decide`]) needs to trust nothing it cannot verify.

use askama::Template;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use url::Url;

use crate::app::AppState;
use crate::auth::AdminSession;
use crate::auth::client::{ClientInfo, fetch_client_info, fetch_logo, guarded_client};
use crate::auth::crypto::{ct_eq, hmac_b64};
use crate::site::layout::Layout;

/// How long a consent page may stay open before its form is refused.
pub const CONSENT_LIFETIME_SECS: i64 = 30 * 60;

/// One requested scope, as the owner sees it.
#[derive(Debug, Clone)]
pub struct ScopeRow {
    pub name: String,
    pub description: &'static str,
}

/// What a scope lets an application do, in words.
pub fn describe(scope: &str) -> &'static str {
    match scope {
        "create" => "Publish new posts on your blog (and upload their photos).",
        "update" => "Change your existing posts.",
        "delete" => "Delete your posts (and restore deleted ones).",
        "undelete" => "Restore posts you deleted.",
        "media" => "Upload photos and files to your blog's media endpoint.",
        "draft" => "Create posts as drafts.",
        "post" => "Publish new posts (an old name for \"create\").",
        "profile" => "See your name, photo and web address.",
        "email" => "See your email address (with \"profile\").",
        _ => "This blog does not use this permission; granting it gives nothing.",
    }
}

/// `GET /auth/authorize` after the checks: the consent page.
#[derive(Template)]
#[template(path = "auth/consent.html")]
pub struct ConsentPage {
    pub l: Layout,
    pub session: AdminSession,
    pub me: String,
    pub app_name: String,
    /// Whether the name came from the application (else it is its address).
    pub app_named: bool,
    pub app_url: String,
    /// The logo as a `data:` URL (fetched server-side, so the CSP stays strict).
    pub logo: Option<String>,
    pub client_id: String,
    pub redirect_uri: String,
    pub redirect_host: String,
    pub unusual_redirect: bool,
    pub scopes: Vec<ScopeRow>,
    pub no_pkce: bool,
    pub state: String,
    pub code_challenge: String,
    pub requested_scope: String,
    pub issued_at: i64,
    pub signature: String,
    pub action: &'static str,
}

/// The request facts a consent form carries, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    pub issued_at: i64,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    /// Empty when the request came without PKCE.
    pub code_challenge: &'a str,
    pub requested_scope: &'a str,
}

impl Signed<'_> {
    /// The HMAC of these facts for the session `session_hash` under `key`. Each field is
    /// length-prefixed, so no two different requests share a message.
    pub fn sign(&self, key: &[u8], session_hash: &str) -> String {
        let mut msg = String::from("indieauth-consent");
        for field in [
            &self.issued_at.to_string(),
            session_hash,
            self.client_id,
            self.redirect_uri,
            self.state,
            self.code_challenge,
            self.requested_scope,
        ] {
            msg.push_str(&format!("\n{}:{field}", field.len()));
        }
        hmac_b64(key, msg.as_bytes())
    }

    /// Whether `signature` is this form's, for this session, and not too old at `now`.
    pub fn verify(&self, key: &[u8], session_hash: &str, signature: &str, now: i64) -> bool {
        // `issued_at` comes from the form: a huge or negative value must not overflow.
        let Some(age) = now.checked_sub(self.issued_at) else {
            return false;
        };
        (0..=CONSENT_LIFETIME_SECS).contains(&age)
            && ct_eq(
                self.sign(key, session_hash).as_bytes(),
                signature.as_bytes(),
            )
    }
}

/// The application's information and logo, fetched with the guarded client within the
/// sign-in timeout; the bare address when anything fails (logged).
pub async fn fetch_app(
    s: &AppState,
    client_id: &Url,
) -> (ClientInfo, Option<(&'static str, Vec<u8>)>) {
    let timeout = s.auth.fetch_timeout();
    let client = match guarded_client(&s.config.site_url, s.config.dev_mode) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "could not build the guarded HTTP client");
            return (ClientInfo::bare(client_id), None);
        }
    };
    let info = match fetch_client_info(&client, client_id, s.config.dev_mode, timeout).await {
        Ok(info) => info,
        Err(e) => {
            tracing::info!(error = %e, "application information not fetched; showing its address");
            return (ClientInfo::bare(client_id), None);
        }
    };
    let logo = match &info.logo {
        Some(u) => fetch_logo(&client, u, timeout).await,
        None => None,
    };
    (info, logo)
}

/// A logo as a `data:` URL.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(state: &str) -> Signed<'_> {
        Signed {
            issued_at: 1000,
            client_id: "https://app.example/",
            redirect_uri: "https://app.example/cb",
            state,
            code_challenge: "",
            requested_scope: "create",
        }
    }

    #[test]
    fn signatures_bind_fields_session_and_time() {
        let sig = signed("s").sign(b"key", "session");
        assert!(signed("s").verify(b"key", "session", &sig, 1000 + 60));
        assert!(!signed("t").verify(b"key", "session", &sig, 1060));
        assert!(!signed("s").verify(b"key", "other", &sig, 1060));
        assert!(!signed("s").verify(b"other", "session", &sig, 1060));
        assert!(!signed("s").verify(b"key", "session", &sig, 1000 + CONSENT_LIFETIME_SECS + 1));
        assert!(!signed("s").verify(b"key", "session", &sig, 999));
    }

    #[test]
    fn extreme_issued_at_is_refused_without_overflow() {
        for (issued_at, now) in [(i64::MIN, 1000), (i64::MIN, i64::MAX), (i64::MAX, 1000)] {
            let form = Signed {
                issued_at,
                ..signed("s")
            };
            let sig = form.sign(b"key", "session");
            assert!(!form.verify(b"key", "session", &sig, now));
        }
    }

    #[test]
    fn unknown_scopes_are_explained() {
        assert!(describe("create").contains("Publish"));
        assert!(describe("read").contains("does not use"));
    }
}
