//! Authorization codes: issued after the owner's consent, redeemed once by the client
//! that asked, at the redirect URI it named, with the PKCE verifier of its challenge.

use super::{CODE_LIFETIME, GrantError, TokenService, scope, span};
use crate::auth::crypto::{ct_eq, pkce_challenge, random_token, sha256_hex};
use chrono::{DateTime, Utc};

use crate::db::Tx;
use crate::db::tokens::{self as q, CodeRow};

/// The PKCE parameters of an authorization request (RFC 7636).
#[derive(Debug, Clone, Copy)]
pub struct Pkce<'a> {
    /// `code_challenge_method`; only `S256` is accepted.
    pub method: &'a str,
    /// `code_challenge`.
    pub challenge: &'a str,
}

/// A code redeemed: what was approved, for whom. Only [`TokenService::redeem_code`]
/// makes one, so tokens can only be issued for a code that was really redeemed.
#[derive(Debug, Clone)]
pub struct Redeemed {
    pub(super) code_hash: String,
    pub(super) client_id: String,
    pub(super) scopes: Vec<String>,
    pub(super) me: String,
}

impl Redeemed {
    /// The client the code was issued to.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The scopes the owner approved (empty: sign-in only, no token).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The approved scopes as one space-separated string.
    pub fn scope(&self) -> String {
        scope::join(&self.scopes)
    }

    /// Whose profile the code stands for.
    pub fn me(&self) -> &str {
        &self.me
    }
}

impl TokenService {
    /// Issues a code for an approved request and returns it (shown to the client once,
    /// stored hashed). `pkce` must be S256; without it the code is refused unless the
    /// service was built with `require_pkce == false`.
    pub async fn issue_code(
        &self,
        client_id: &str,
        redirect_uri: &str,
        pkce: Option<Pkce<'_>>,
        scope: &str,
        me: &str,
    ) -> Result<String, GrantError> {
        if client_id.is_empty() || redirect_uri.is_empty() || me.is_empty() {
            return Err(GrantError::InvalidRequest(
                "client_id, redirect_uri and me are required.",
            ));
        }
        let challenge = match pkce {
            Some(p) if p.method != "S256" => {
                return Err(GrantError::InvalidRequest(
                    "Only the S256 code_challenge_method is supported.",
                ));
            }
            // An S256 challenge is the base64url of 32 bytes: 43 characters.
            Some(p) if !crate::auth::crypto::is_token_shaped(p.challenge) => {
                return Err(GrantError::InvalidRequest(
                    "code_challenge must be an S256 challenge (43 base64url characters).",
                ));
            }
            Some(p) => Some(p.challenge.to_string()),
            None if self.require_pkce => {
                return Err(GrantError::InvalidRequest(
                    "PKCE is required: send code_challenge with code_challenge_method=S256.",
                ));
            }
            None => None,
        };
        let scopes = scope::parse(scope)?;
        let code = random_token();
        let now = self.now();
        q::insert_code(
            &self.db,
            &CodeRow {
                code_hash: sha256_hex(&code),
                client_id: client_id.to_string(),
                redirect_uri: redirect_uri.to_string(),
                code_challenge: challenge,
                scope: scope::join(&scopes),
                me: me.to_string(),
                created_at: now,
                expires_at: now + span(CODE_LIFETIME),
                used_at: None,
            },
        )
        .await?;
        Ok(code)
    }

    /// Redeems a code: once, by its client, at its redirect URI, with the verifier of
    /// its challenge. Any attempt on a known code uses it up (a guessed verifier gets
    /// one try); a code that was already used revokes every token it issued.
    pub async fn redeem_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Result<Redeemed, GrantError> {
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let redeemed = self
            .redeem_in(&mut tx, code, client_id, redirect_uri, verifier, now)
            .await;
        finish(self, tx, redeemed).await
    }

    /// [`redeem_code`](Self::redeem_code) inside the caller's write transaction. The
    /// caller commits on refusals too (see [`finish`]): the code must stay used up,
    /// and a reuse's revocation must stand.
    pub(super) async fn redeem_in(
        &self,
        tx: &mut Tx,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Redeemed, GrantError> {
        const INVALID: GrantError =
            GrantError::InvalidGrant("The authorization code is not valid.");
        let hash = sha256_hex(code);
        let Some(row) = q::find_code(&self.db, tx, &hash).await? else {
            return Err(INVALID);
        };
        // The write transaction is BEGIN IMMEDIATE: nobody else redeems this code
        // between the read and this update, and the update checks again anyway.
        if row.used_at.is_some() || !q::use_code(&self.db, tx, &hash, now).await? {
            let revoked = q::reuse_code(&self.db, tx, &hash, now).await?;
            tracing::warn!(
                client_id = %row.client_id,
                tokens_revoked = revoked,
                "an authorization code was used twice; its tokens are revoked"
            );
            return Err(GrantError::InvalidGrant(
                "The authorization code was already used.",
            ));
        }
        if row.expires_at <= now {
            return Err(GrantError::InvalidGrant(
                "The authorization code has expired.",
            ));
        }
        if row.client_id != client_id || row.redirect_uri != redirect_uri {
            return Err(GrantError::InvalidGrant(
                "The authorization code was issued to another client_id or redirect_uri.",
            ));
        }
        check_verifier(row.code_challenge.as_deref(), verifier)?;
        Ok(Redeemed {
            code_hash: hash,
            client_id: row.client_id,
            scopes: scope::parse(&row.scope)?,
            me: row.me,
        })
    }
}

/// Ends a redemption's transaction: committed when it succeeded or was refused (what
/// a refusal wrote must stand), rolled back when the store failed. A refusal may have
/// revoked a grant (a code used twice), so it empties the access cache once committed.
pub(super) async fn finish<T>(
    service: &TokenService,
    tx: Tx,
    result: Result<T, GrantError>,
) -> Result<T, GrantError> {
    match result {
        Err(GrantError::Store(e)) => Err(GrantError::Store(e)),
        other => {
            tx.commit().await?;
            if other.is_err() {
                service.cache.invalidate();
            }
            other
        }
    }
}

/// The PKCE check: a stored challenge needs its verifier; a code issued without one
/// refuses a verifier too (it would hide a downgrade of the request).
fn check_verifier(challenge: Option<&str>, verifier: Option<&str>) -> Result<(), GrantError> {
    match (challenge, verifier) {
        (Some(c), Some(v)) if ct_eq(pkce_challenge(v).as_bytes(), c.as_bytes()) => Ok(()),
        (Some(_), Some(_)) => Err(GrantError::InvalidGrant(
            "The code_verifier does not match the code_challenge.",
        )),
        (Some(_), None) => Err(GrantError::InvalidGrant(
            "The code_verifier is missing: the code was issued with a code_challenge.",
        )),
        (None, Some(_)) => Err(GrantError::InvalidGrant(
            "A code_verifier was sent, but the code was issued without a code_challenge.",
        )),
        (None, None) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_rules() {
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(check_verifier(Some(c), Some(v)).is_ok());
        assert!(check_verifier(Some(c), Some("wrong")).is_err());
        assert!(check_verifier(Some(c), None).is_err());
        assert!(check_verifier(None, Some(v)).is_err());
        assert!(check_verifier(None, None).is_ok());
    }
}
