//! Bearer tokens: what a token may do, checked behind one interface ([`Verifier`]).
//! With an outside provider (`ADMIN_ME`) tokens are checked at the token endpoint
//! discovered from it ([`RemoteVerifier`]); answers are cached by the token's SHA-256
//! for at most five minutes, so a revoked token stops working within that time. When
//! the blog is its own IndieAuth server its tokens are checked in its own database
//! ([`LocalVerifier`](super::local::LocalVerifier)) on every request, uncached, so a
//! revocation takes effect at once. The token itself is never stored, logged or shown.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION};

use super::error::MicropubError;
use crate::app::AppState;
use crate::auth::crypto::sha256_hex;
use crate::auth::endpoints;
use crate::auth::fetch::send_capped;
use crate::auth::ratelimit::{ClientAddr, RateLimiter};
use crate::auth::tokens::limit::FailureLimit;
use crate::auth::urls::same_profile;

/// Longest an answer of the token endpoint is reused.
pub const CACHE_FOR: Duration = Duration::from_secs(5 * 60);
/// How long a "not valid" answer is reused: a client retrying a bad token (or a
/// stranger trying many) does not make the site call the token endpoint each time.
pub const REFUSAL_CACHED_FOR: Duration = Duration::from_secs(60);
/// Unknown tokens one client address may have checked per minute.
pub const CHECKS_PER_MINUTE: u32 = 30;
/// Most answers kept; beyond it, expired ones go first, then the oldest.
const CACHE_ENTRIES: usize = 1024;

/// What a token allows: whose it is, which app holds it, and its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub me: String,
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
}

impl Grant {
    /// Whether the grant covers `scope`, as clients actually ask: `create` may also
    /// upload media, `delete` may also undelete, and the legacy `post` covers creating.
    pub fn allows(&self, scope: &str) -> bool {
        let has = |s: &str| self.scopes.iter().any(|x| x == s);
        has(scope)
            || match scope {
                "create" => has("post"),
                "media" => has("create") || has("post"),
                "undelete" => has("delete"),
                _ => false,
            }
    }

    /// Refuses the request unless the grant covers `scope`.
    pub fn require(&self, scope: &'static str) -> Result<(), MicropubError> {
        if self.allows(scope) {
            Ok(())
        } else {
            Err(MicropubError::insufficient_scope(scope))
        }
    }
}

/// Why a token was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// The verifier says the token is not valid (expired, revoked, unknown).
    Invalid,
    /// The verifier could not be asked (down, slow, misconfigured); worded for a log.
    Unavailable(String),
    /// Nothing can check tokens on this site.
    NotConfigured,
}

/// A boxed future, so verifiers can be stored as trait objects.
pub type VerifyFuture<'a> = Pin<Box<dyn Future<Output = Result<Grant, TokenError>> + Send + 'a>>;

/// Checks a token and says what it allows.
pub trait Verifier: Send + Sync + std::fmt::Debug {
    fn verify<'a>(&'a self, state: &'a AppState, token: &'a str) -> VerifyFuture<'a>;
}

/// Tokens checked at the owner's token endpoint (IndieAuth token verification: a GET
/// with the bearer token, answered in JSON or form encoding).
#[derive(Debug, Default)]
pub struct RemoteVerifier;

impl Verifier for RemoteVerifier {
    fn verify<'a>(&'a self, state: &'a AppState, token: &'a str) -> VerifyFuture<'a> {
        Box::pin(verify_remote(state, token))
    }
}

async fn verify_remote(state: &AppState, token: &str) -> Result<Grant, TokenError> {
    let found = endpoints::current(state)
        .await
        .ok_or(TokenError::NotConfigured)?
        .map_err(|e| TokenError::Unavailable(e.to_string()))?;
    let Some(url) = found.token_endpoint.clone() else {
        return Err(TokenError::Unavailable(
            "the owner's profile advertises no token endpoint".into(),
        ));
    };
    let req = state
        .http
        .get(url.clone())
        .header(ACCEPT, "application/json")
        .header(AUTHORIZATION, format!("Bearer {token}"));
    let timeout = state.auth.fetch_timeout();
    let res = send_capped(req, &url, state.config.dev_mode, timeout, false)
        .await
        .map_err(|e| TokenError::Unavailable(e.to_string()))?;
    match res.status {
        200..=299 => parse_answer(&res.body, res.content_type()).ok_or(TokenError::Invalid),
        400 | 401 | 403 | 404 => Err(TokenError::Invalid),
        s => Err(TokenError::Unavailable(format!(
            "the token endpoint answered with HTTP status {s}"
        ))),
    }
}

/// Reads a token endpoint's answer: JSON, or form encoding (older endpoints). `None`
/// when it names nobody (`me` missing: an inactive token).
pub fn parse_answer(body: &[u8], content_type: Option<&str>) -> Option<Grant> {
    let json = content_type.is_some_and(|c| c.contains("json"))
        || body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let (me, client_id, scope, active) = if json {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let active = v.get("active").and_then(|a| a.as_bool()).unwrap_or(true);
        (text("me"), text("client_id"), text("scope"), active)
    } else {
        let pairs: HashMap<String, String> =
            url::form_urlencoded::parse(body).into_owned().collect();
        let text = |k: &str| pairs.get(k).cloned();
        (text("me"), text("client_id"), text("scope"), true)
    };
    let me = me.filter(|m| !m.trim().is_empty() && active)?;
    Some(Grant {
        me,
        client_id,
        scopes: scope
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    })
}

/// The token service of Micropub: a verifier with a cache in front of it.
#[derive(Debug)]
pub struct Tokens {
    verifier: Box<dyn Verifier>,
    /// Tokens sent to the verifier per client address: a stranger trying token after
    /// token cannot make the site hammer the owner's token endpoint. A real client
    /// needs one check per token every five minutes.
    checks: RateLimiter,
    /// Refused tokens per client address, for local checks: looked at before the
    /// store is read, so a blocked guesser costs nothing, and filled only by refusals,
    /// so an app posting all day with a valid token is never slowed.
    refusals: FailureLimit,
    /// Token hash → when the answer expires, and the answer (`None`: not valid).
    cache: Mutex<HashMap<String, (Instant, Option<Grant>)>>,
    /// Whether answers are cached (remote checks); local checks are cheaper than the
    /// staleness a cache would bring.
    remember: bool,
}

impl Default for Tokens {
    fn default() -> Self {
        Tokens::new(Box::new(RemoteVerifier))
    }
}

impl Tokens {
    /// Tokens checked by `verifier`, answers cached.
    pub fn new(verifier: Box<dyn Verifier>) -> Self {
        Tokens {
            verifier,
            checks: RateLimiter::new(CHECKS_PER_MINUTE, Duration::from_secs(60)),
            refusals: FailureLimit::new(CHECKS_PER_MINUTE, Duration::from_secs(60)),
            cache: Mutex::new(HashMap::new()),
            remember: true,
        }
    }

    /// Tokens of the blog's own IndieAuth server, checked in its store on every
    /// request: a revoked or expired token fails at once.
    pub fn local(service: crate::auth::tokens::TokenService) -> Self {
        Tokens {
            remember: false,
            ..Tokens::new(Box::new(super::local::LocalVerifier::new(service)))
        }
    }

    /// The checker for `config`'s mode: local tokens when the blog is its own
    /// IndieAuth server, the discovered token endpoint otherwise.
    pub fn for_config(
        config: &crate::config::Config,
        service: crate::auth::tokens::TokenService,
    ) -> Self {
        if config.own_identity() {
            Tokens::local(service)
        } else {
            Tokens::default()
        }
    }

    /// The grant of `token` if it is valid and belongs to the owner (`ADMIN_ME`, or
    /// `{SITE_URL}/` in own-identity mode); `client` is who sent it (tokens not yet
    /// known count against its limit).
    pub async fn check(
        &self,
        state: &AppState,
        token: &str,
        client: &ClientAddr,
    ) -> Result<Grant, MicropubError> {
        let owner = state.config.me();
        let key = sha256_hex(token);
        let invalid = || {
            MicropubError::unauthorized(
                "The access token is not valid (expired, revoked or unknown).",
            )
        };
        let grant = match self.cached(&key) {
            Some(Some(g)) => g,
            Some(None) => return Err(invalid()),
            None => {
                // A remote check costs the owner's token endpoint a request, so every
                // unknown token counts; a local one is a single indexed read, so only
                // refused tokens count there (own tokens are never cached, and an app
                // posting all day must not be slowed down), but a client refused too
                // often is stopped before the read.
                if self.remember {
                    if let Err(wait) = self.checks.check(&client.0) {
                        return Err(MicropubError::rate_limited(wait));
                    }
                } else if let Some(wait) = self.refusals.blocked(&client.0) {
                    return Err(MicropubError::rate_limited(wait));
                }
                let g = self
                    .verifier
                    .verify(state, token)
                    .await
                    .map_err(|e| match e {
                        TokenError::Invalid => {
                            self.store(key.clone(), None, REFUSAL_CACHED_FOR);
                            if !self.remember {
                                self.refusals.failed(&client.0);
                            }
                            invalid()
                        }
                        TokenError::NotConfigured => MicropubError::not_configured(),
                        TokenError::Unavailable(why) => {
                            tracing::warn!(error = %why, "could not verify a Micropub token");
                            MicropubError::unavailable(
                                "The token endpoint could not be reached to check the token; \
                                 try again in a moment.",
                            )
                        }
                    })?;
                self.store(key, Some(g.clone()), CACHE_FOR);
                g
            }
        };
        if !same_profile(&grant.me, &owner) {
            return Err(MicropubError::forbidden(
                "The token was issued to somebody other than the owner of this site.",
            ));
        }
        Ok(grant)
    }

    /// A remembered answer still in force: `Some(None)` means "not valid".
    fn cached(&self, key: &str) -> Option<Option<Grant>> {
        if !self.remember {
            return None;
        }
        let cache = self.cache.lock().ok()?;
        cache
            .get(key)
            .filter(|(until, _)| Instant::now() < *until)
            .map(|(_, g)| g.clone())
    }

    fn store(&self, key: String, grant: Option<Grant>, for_how_long: Duration) {
        if !self.remember {
            return;
        }
        let Ok(mut cache) = self.cache.lock() else {
            return;
        };
        let now = Instant::now();
        if cache.len() >= CACHE_ENTRIES {
            cache.retain(|_, (until, _)| now < *until);
        }
        if cache.len() >= CACHE_ENTRIES
            && let Some(first) = cache
                .iter()
                .min_by_key(|(_, (until, _))| *until)
                .map(|(k, _)| k.clone())
        {
            cache.remove(&first);
        }
        cache.insert(key, (now + for_how_long, grant));
    }

    /// Forgets every remembered answer (tests).
    pub fn forget_all(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_in_json_and_form_encoding() {
        let g = parse_answer(
            br#"{"me":"https://me.example/","client_id":"https://app.example/","scope":"create update"}"#,
            Some("application/json"),
        )
        .unwrap();
        assert_eq!(g.me, "https://me.example/");
        assert_eq!(g.scopes, ["create", "update"]);
        let g = parse_answer(
            b"me=https%3A%2F%2Fme.example%2F&scope=create+media&client_id=x",
            Some("application/x-www-form-urlencoded"),
        )
        .unwrap();
        assert_eq!(g.scopes, ["create", "media"]);
        assert!(parse_answer(br#"{"error":"invalid_token"}"#, None).is_none());
        assert!(parse_answer(br#"{"active":false,"me":"https://me.example/"}"#, None).is_none());
        assert!(parse_answer(b"not json {", Some("application/json")).is_none());
    }

    #[test]
    fn scopes_as_clients_ask_for_them() {
        let g = |s: &str| Grant {
            me: "m".into(),
            client_id: None,
            scopes: s.split_whitespace().map(str::to_string).collect(),
        };
        assert!(g("create").allows("media"));
        assert!(g("delete").allows("undelete"));
        assert!(g("post").allows("create"));
        assert!(!g("create").allows("update"));
        assert!(!g("media").allows("create"));
        assert!(!g("undelete").allows("delete"));
        assert_eq!(
            g("update").require("delete").unwrap_err().code,
            "insufficient_scope"
        );
    }
}
