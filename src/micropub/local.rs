//! Tokens of the blog's own IndieAuth server, checked in its database: no HTTP round
//! trip, and a revoked token is refused by the next check (own tokens are not cached:
//! see [`Tokens::local`](super::token::Tokens::local)).

use super::token::{Grant, TokenError, Verifier, VerifyFuture};
use crate::app::AppState;
use crate::auth::tokens::TokenService;

/// A [`Verifier`] for access tokens issued by [`TokenService`].
#[derive(Debug, Clone)]
pub struct LocalVerifier {
    service: TokenService,
}

impl LocalVerifier {
    /// Checks tokens against `service`'s store.
    pub fn new(service: TokenService) -> Self {
        LocalVerifier { service }
    }
}

impl Verifier for LocalVerifier {
    fn verify<'a>(&'a self, _state: &'a AppState, token: &'a str) -> VerifyFuture<'a> {
        Box::pin(async move {
            match self.service.try_check_access(token).await {
                Ok(Some(g)) => Ok(Grant {
                    me: g.me,
                    client_id: Some(g.client_id),
                    scopes: g.scopes,
                }),
                Ok(None) => Err(TokenError::Invalid),
                // Not "invalid": a refusal would be remembered for a minute.
                Err(e) => Err(TokenError::Unavailable(format!(
                    "the token store could not be read: {e}"
                ))),
            }
        })
    }
}
