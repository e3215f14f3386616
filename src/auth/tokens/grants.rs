//! Access and refresh tokens: issued for a redeemed code, rotated on refresh, revoked
//! a whole grant at a time.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{
    CODES_KEPT, GrantError, REFRESH_LIFETIME_FACTOR, Redeemed, TOKENS_KEPT, TokenService, scope,
    span,
};
use crate::auth::crypto::{random_token, sha256_hex};
use crate::db::Tx;
use crate::db::tokens::{self as q, TokenRow};

/// Tokens just issued: given to the client once, never stored in clear.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    /// Only for a grant with scopes when a refresh token was asked for.
    pub refresh_token: Option<String>,
    /// The scopes the access token carries, space-separated.
    pub scope: String,
    pub me: String,
    pub client_id: String,
    /// Seconds until the access token expires; `None`: until revoked.
    pub expires_in: Option<u64>,
}

/// What every token of one grant shares.
struct GrantFacts<'a> {
    client_id: &'a str,
    me: &'a str,
    from_code: &'a str,
    granted_at: DateTime<Utc>,
    lifetime: Option<Duration>,
}

impl TokenService {
    /// Issues an access token for a redeemed code, and a refresh token when
    /// `with_refresh`. `lifetime` is the access token's (`TOKEN_LIFETIME_DAYS`;
    /// `None`: until revoked). A code approved without scopes is for sign-in only and
    /// gets no token (IndieAuth §5.3.3); a code used twice meanwhile gets none either.
    pub async fn issue_tokens(
        &self,
        redeemed: &Redeemed,
        with_refresh: bool,
        lifetime: Option<Duration>,
    ) -> Result<Issued, GrantError> {
        if redeemed.scopes.is_empty() {
            return Err(GrantError::InvalidGrant(
                "The code was approved without scopes: it proves who you are but grants no token.",
            ));
        }
        let now = self.now();
        let facts = GrantFacts {
            client_id: &redeemed.client_id,
            me: &redeemed.me,
            from_code: &redeemed.code_hash,
            granted_at: now,
            lifetime: lifetime.filter(|d| !d.is_zero()),
        };
        let mut tx = self.db.begin().await?;
        // Serialised with `redeem_code` by the writer: if the code was replayed
        // before this point its tokens would escape the revocation, so none are made;
        // nor a second set for one redemption.
        if q::code_spent(&self.db, &mut tx, &redeemed.code_hash).await? {
            return Err(GrantError::InvalidGrant(
                "The authorization code was already used.",
            ));
        }
        let issued = self
            .insert_pair(
                &mut tx,
                &facts,
                &redeemed.scopes,
                with_refresh.then_some(&redeemed.scopes[..]),
                now,
                None,
            )
            .await?;
        tx.commit().await?;
        Ok(issued)
    }

    /// Redeems a code and issues its tokens in one write transaction (the token
    /// endpoint's `authorization_code` grant): the same rules as
    /// [`redeem_code`](Self::redeem_code) followed by
    /// [`issue_tokens`](Self::issue_tokens), at the cost of one trip to the writer.
    pub async fn exchange_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
        lifetime: Option<Duration>,
    ) -> Result<(Redeemed, Issued), GrantError> {
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let result = async {
            let redeemed = self
                .redeem_in(&mut tx, code, client_id, redirect_uri, verifier, now)
                .await?;
            if redeemed.scopes.is_empty() {
                return Err(GrantError::InvalidGrant(
                    "The code was approved without scopes: it proves who you are but grants no token.",
                ));
            }
            let facts = GrantFacts {
                client_id: &redeemed.client_id,
                me: &redeemed.me,
                from_code: &redeemed.code_hash,
                granted_at: now,
                lifetime: lifetime.filter(|d| !d.is_zero()),
            };
            let issued = self
                .insert_pair(
                    &mut tx,
                    &facts,
                    &redeemed.scopes,
                    Some(&redeemed.scopes[..]),
                    now,
                    None,
                )
                .await?;
            Ok((redeemed, issued))
        }
        .await;
        super::codes::finish(self, tx, result).await
    }

    /// Exchanges a refresh token for new tokens (RFC 6749 §6). The old refresh token
    /// is revoked (rotation); `scope` may narrow the grant, never widen it. A rotated
    /// refresh token that comes back was copied: the whole grant is revoked.
    pub async fn refresh(
        &self,
        refresh_token: &str,
        client_id: &str,
        scope: Option<&str>,
    ) -> Result<Issued, GrantError> {
        const INVALID: GrantError = GrantError::InvalidGrant("The refresh token is not valid.");
        let hash = sha256_hex(refresh_token);
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(row) = q::find_token_in(&self.db, &mut tx, &hash).await? else {
            return Err(INVALID);
        };
        if row.kind != "refresh" {
            return Err(INVALID);
        }
        if row.revoked_at.is_some() {
            if row.replaced_by.is_some() {
                let n = q::revoke_grant(&self.db, &mut tx, &row.from_code, now).await?;
                tx.commit().await?;
                self.cache.invalidate();
                tracing::warn!(client_id = %row.client_id, tokens_revoked = n,
                    "a rotated refresh token was used again; its grant is revoked");
            }
            return Err(INVALID);
        }
        if row.expires_at.is_some_and(|e| e <= now) || row.client_id != client_id {
            return Err(INVALID);
        }
        let granted = scope::parse(&row.scope)?;
        let scopes = match scope {
            Some(s) => scope::parse(s)?,
            None => granted.clone(),
        };
        if !scope::within(&scopes, &granted) {
            return Err(GrantError::InvalidScope(
                "A refresh may narrow the scope of the grant, never widen it.",
            ));
        }
        if scopes.is_empty() {
            return Err(GrantError::InvalidScope("At least one scope is needed."));
        }
        let facts = GrantFacts {
            client_id: &row.client_id,
            me: &row.me,
            from_code: &row.from_code,
            granted_at: row.granted_at,
            lifetime: row
                .lifetime_s
                .and_then(|s| u64::try_from(s).ok())
                .map(Duration::from_secs),
        };
        // Only the access token is narrowed: the new refresh token keeps the whole
        // grant (RFC 6749 §6), so a later refresh may ask for the rest again.
        let issued = self
            .insert_pair(&mut tx, &facts, &scopes, Some(&granted), now, Some(now))
            .await?;
        let successor = issued.refresh_token.as_deref().map(sha256_hex);
        if !q::rotate(
            &self.db,
            &mut tx,
            &hash,
            successor.as_deref().unwrap_or(""),
            now,
        )
        .await?
        {
            return Err(INVALID);
        }
        tx.commit().await?;
        self.cache.invalidate();
        Ok(issued)
    }

    /// Revokes a token and every other token of its grant (RFC 7009 §2.1: revoking a
    /// refresh token ends its access tokens; a client signing out means all of them).
    /// An unknown or already revoked token is no error (§2.2).
    pub async fn revoke(&self, token: &str) -> Result<(), GrantError> {
        q::revoke_grant_of(&self.db, &sha256_hex(token), self.now()).await?;
        self.cache.invalidate();
        Ok(())
    }

    /// Deletes codes a day after they expired and tokens a month after they were
    /// revoked or expired (a replayed code or rotated refresh token is still
    /// recognised meanwhile); returns how many rows went.
    pub async fn purge_expired(&self) -> Result<u64, GrantError> {
        let now = self.now();
        Ok(q::purge(&self.db, now - span(CODES_KEPT), now - span(TOKENS_KEPT)).await?)
    }

    /// Revokes every token held by `client_id` (the admin's "Apps" page), and marks
    /// its unredeemed codes used so a code approved moments before cannot bring the
    /// app back; returns how many tokens were live.
    pub async fn revoke_client(&self, client_id: &str) -> Result<u64, GrantError> {
        let mut tx = self.db.begin().await?;
        let n = q::revoke_client(&self.db, &mut tx, client_id, self.now()).await?;
        tx.commit().await?;
        self.cache.invalidate();
        Ok(n)
    }

    /// Inserts an access token for `scopes` and, when `refresh_scopes` is given, a
    /// refresh token carrying those (the grant's whole scope) for one grant.
    async fn insert_pair(
        &self,
        tx: &mut Tx,
        g: &GrantFacts<'_>,
        scopes: &[String],
        refresh_scopes: Option<&[String]>,
        now: DateTime<Utc>,
        last_used: Option<DateTime<Utc>>,
    ) -> Result<Issued, GrantError> {
        let row = |kind: &str,
                   token: &str,
                   scopes: &[String],
                   lifetime: Option<chrono::Duration>| TokenRow {
            token_hash: sha256_hex(token),
            kind: kind.to_string(),
            client_id: g.client_id.to_string(),
            scope: scope::join(scopes),
            me: g.me.to_string(),
            from_code: g.from_code.to_string(),
            granted_at: g.granted_at,
            lifetime_s: g.lifetime.and_then(|d| i64::try_from(d.as_secs()).ok()),
            created_at: now,
            last_used_at: last_used,
            // Past the calendar's end means "until revoked".
            expires_at: lifetime.and_then(|l| now.checked_add_signed(l)),
            revoked_at: None,
            replaced_by: None,
        };
        let access = random_token();
        let access_life = g.lifetime.map(span);
        q::insert_token(&self.db, tx, &row("access", &access, scopes, access_life)).await?;
        let refresh = if let Some(refresh_scopes) = refresh_scopes {
            let token = random_token();
            let life = g
                .lifetime
                .and_then(|d| d.checked_mul(REFRESH_LIFETIME_FACTOR))
                .map(span);
            q::insert_token(&self.db, tx, &row("refresh", &token, refresh_scopes, life)).await?;
            Some(token)
        } else {
            None
        };
        Ok(Issued {
            access_token: access,
            refresh_token: refresh,
            scope: scope::join(scopes),
            me: g.me.to_string(),
            client_id: g.client_id.to_string(),
            expires_in: g.lifetime.map(|d| d.as_secs()),
        })
    }
}
