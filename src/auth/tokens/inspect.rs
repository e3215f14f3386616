//! Looking at issued tokens: the check a resource (Micropub) makes, introspection for
//! other resource servers (RFC 7662), and the apps the owner has let in.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::cache::Entry;
use super::{LAST_USED_EVERY, TokenService, scope, span};
use crate::auth::crypto::{is_token_shaped, sha256_hex};
use crate::db::tokens::{self as q, TokenRow};

/// What a live access token allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessGrant {
    pub me: String,
    pub client_id: String,
    pub scopes: Vec<String>,
}

/// An RFC 7662 answer for a live access token. A token that is not live is answered
/// `{"active": false}` and nothing else, so there is no value of this type for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Introspection {
    /// Always `true` here.
    pub active: bool,
    pub me: String,
    pub client_id: String,
    pub scope: String,
    /// Expiry, Unix seconds; absent for a token that lives until revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Issued at, Unix seconds.
    pub iat: i64,
}

/// An app holding live tokens, for the admin's "Apps" page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub client_id: String,
    /// Every scope any of its live tokens carries, each once.
    pub scopes: Vec<String>,
    /// When the owner approved it (the earliest live grant).
    pub granted_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// When its last token expires; `None`: it keeps access until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

impl TokenService {
    /// The live access token `token`, or `None` (unknown, expired, revoked, or a
    /// refresh token: those are only good at the token endpoint).
    async fn live_access(&self, token: &str) -> Result<Option<TokenRow>, sqlx::Error> {
        // Not one of ours: no need to ask the database.
        if !is_token_shaped(token) {
            return Ok(None);
        }
        let now = self.now();
        Ok(q::find_token(&self.db, &sha256_hex(token))
            .await?
            .filter(|r| {
                r.kind == "access" && r.revoked_at.is_none() && r.expires_at.is_none_or(|e| e > now)
            }))
    }

    /// What `token` allows if it is a live access token, recording its use (at most
    /// one write a minute per token). A store failure is logged and refuses.
    pub async fn check_access(&self, token: &str) -> Option<AccessGrant> {
        self.try_check_access(token).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "could not read an access token");
            None
        })
    }

    /// [`check_access`](Self::check_access), telling "not valid" (`Ok(None)`) from "could
    /// not look" (`Err`), as a verifier must. A token seen live before is answered from
    /// the cache (emptied by every revocation), so a client posting all day costs no
    /// query beyond the "last used" write once a minute.
    pub async fn try_check_access(&self, token: &str) -> Result<Option<AccessGrant>, sqlx::Error> {
        if !is_token_shaped(token) {
            return Ok(None);
        }
        let hash = sha256_hex(token);
        let now = self.now();
        let (cached, epoch) = self.cache.get(&hash);
        let entry = match cached {
            Some(e) => e,
            None => {
                let Some(row) = self.live_access(token).await? else {
                    return Ok(None);
                };
                let e = Entry {
                    grant: AccessGrant {
                        me: row.me,
                        client_id: row.client_id,
                        scopes: row
                            .scope
                            .split(' ')
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                    },
                    expires_at: row.expires_at,
                    last_used_at: row.last_used_at,
                };
                self.cache.put(hash.clone(), e.clone(), epoch);
                e
            }
        };
        if entry.expires_at.is_some_and(|x| x <= now) {
            return Ok(None);
        }
        let stale = now - span(LAST_USED_EVERY);
        if entry.last_used_at.is_none_or(|t| t <= stale) {
            match q::touch_token(&self.db, &hash, now, stale).await {
                Ok(_) => self.cache.touched(&hash, now),
                // The token is still good; only the "last used" figure is late.
                Err(e) => tracing::warn!(error = %e, "could not record the use of an access token"),
            }
        }
        Ok(Some(entry.grant))
    }

    /// RFC 7662 introspection of an access token: `None` when it is not active.
    pub async fn introspect(&self, token: &str) -> Result<Option<Introspection>, sqlx::Error> {
        Ok(self.live_access(token).await?.map(|r| Introspection {
            active: true,
            me: r.me,
            client_id: r.client_id,
            scope: r.scope,
            exp: r.expires_at.map(|e| e.timestamp()),
            iat: r.created_at.timestamp(),
        }))
    }

    /// Every app with a live token, most recently approved first (one query).
    pub async fn list_apps(&self) -> Result<Vec<App>, sqlx::Error> {
        let rows = q::list_apps(&self.db, self.now()).await?;
        Ok(rows
            .into_iter()
            .map(|r| App {
                // Stored scopes are normalised; the union only drops repeats.
                scopes: scope::parse(&r.scopes).unwrap_or_default(),
                client_id: r.client_id,
                granted_at: r.granted_at,
                last_used_at: r.last_used_at,
                expires_at: r.expires_at,
            })
            .collect())
    }
}
