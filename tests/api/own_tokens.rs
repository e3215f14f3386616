//! The blog's own IndieAuth server, below its (future) routes: authorization codes and
//! the tokens they become, against the real SQLite store of a test app. Time moves by
//! giving the service another clock, never by sleeping.

mod codes;
mod grant_edges;
mod grants;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use starpunk::auth::crypto::{pkce_challenge, random_token};
use starpunk::auth::tokens::{Issued, Pkce, Redeemed, TokenService};

use crate::helpers::TestApp;

/// The owner of every test app (its `ADMIN_ME`).
pub const ME: &str = "https://owner.example.test/";
pub const CLIENT: &str = "https://app.example.test/";
pub const REDIRECT: &str = "https://app.example.test/callback";
pub const NINETY_DAYS: Duration = Duration::from_secs(90 * 24 * 3600);

/// The service on the app's store, PKCE required (the default).
pub fn service(app: &TestApp) -> TokenService {
    TokenService::new(app.state.db.clone(), true)
}

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct Hands(Arc<Mutex<DateTime<Utc>>>);

impl Hands {
    pub fn at(t: DateTime<Utc>) -> Self {
        Hands(Arc::new(Mutex::new(t)))
    }

    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += chrono::Duration::from_std(by).unwrap();
    }

    /// `service` reading its time from these hands.
    pub fn drive(&self, service: TokenService) -> TokenService {
        let hands = self.clone();
        service.with_clock(Arc::new(move || hands.now()))
    }
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce_pair() -> (String, String) {
    let verifier = random_token();
    let challenge = pkce_challenge(&verifier);
    (verifier, challenge)
}

/// A code for `scope` issued to the test client with a fresh PKCE pair, and the
/// verifier that redeems it.
pub async fn code_for(svc: &TokenService, scope: &str) -> (String, String) {
    let (verifier, challenge) = pkce_pair();
    let code = svc
        .issue_code(CLIENT, REDIRECT, Some(s256(&challenge)), scope, ME)
        .await
        .unwrap();
    (code, verifier)
}

/// Approves `scope` for the test client and redeems the code with its verifier.
pub async fn redeemed(svc: &TokenService, scope: &str) -> Redeemed {
    let (code, verifier) = code_for(svc, scope).await;
    svc.redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap()
}

/// Access and refresh tokens for `scope`, living ninety days.
pub async fn tokens(svc: &TokenService, scope: &str) -> Issued {
    let r = redeemed(svc, scope).await;
    svc.issue_tokens(&r, true, Some(NINETY_DAYS)).await.unwrap()
}

pub fn s256(challenge: &str) -> Pkce<'_> {
    Pkce {
        method: "S256",
        challenge,
    }
}
