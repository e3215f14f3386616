//! Authorization codes: PKCE S256, binding to client and redirect URI, single use,
//! ten minutes.

use std::time::Duration;

use starpunk::auth::tokens::{GrantError, Pkce, TokenService};

use super::*;

fn code_of(e: GrantError) -> &'static str {
    e.code()
}

#[tokio::test]
async fn a_code_becomes_tokens_that_micropub_would_accept() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let (verifier, challenge) = pkce_pair();
    let code = svc
        .issue_code(
            CLIENT,
            REDIRECT,
            Some(s256(&challenge)),
            "create  update create",
            ME,
        )
        .await
        .unwrap();
    let r = svc
        .redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap();
    assert_eq!(r.me(), ME);
    assert_eq!(r.client_id(), CLIENT);
    assert_eq!(r.scopes(), ["create", "update"]);

    let issued = svc.issue_tokens(&r, true, Some(NINETY_DAYS)).await.unwrap();
    assert_eq!(issued.scope, "create update");
    assert_eq!(issued.expires_in, Some(90 * 24 * 3600));
    let refresh = issued.refresh_token.clone().expect("a refresh token");
    assert_ne!(refresh, issued.access_token);

    let grant = svc.check_access(&issued.access_token).await.unwrap();
    assert_eq!(grant.me, ME);
    assert_eq!(grant.client_id, CLIENT);
    assert_eq!(grant.scopes, ["create", "update"]);
    // A refresh token is good at the token endpoint only.
    assert!(svc.check_access(&refresh).await.is_none());
    assert!(svc.check_access("not a token").await.is_none());

    let seen = svc.introspect(&issued.access_token).await.unwrap().unwrap();
    assert!(seen.active);
    assert_eq!(
        (seen.me.as_str(), seen.scope.as_str()),
        (ME, "create update")
    );
    assert_eq!(seen.exp.unwrap() - seen.iat, 90 * 24 * 3600);
    let json = serde_json::to_value(&seen).unwrap();
    assert_eq!(json["active"], true);
    assert_eq!(json["client_id"], CLIENT);
}

#[tokio::test]
async fn a_wrong_verifier_is_refused_and_uses_the_code_up() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let (code, verifier) = code_for(&svc, "create").await;
    let (other, _) = pkce_pair();
    let e = svc
        .redeem_code(&code, CLIENT, REDIRECT, Some(&other))
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "invalid_grant");
    // One try only: whoever holds a stolen code cannot go on guessing.
    let e = svc
        .redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap_err();
    assert_eq!(e.description(), "The authorization code was already used.");
}

#[tokio::test]
async fn a_missing_verifier_is_refused() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let (_, challenge) = pkce_pair();
    let code = svc
        .issue_code(CLIENT, REDIRECT, Some(s256(&challenge)), "create", ME)
        .await
        .unwrap();
    let e = svc
        .redeem_code(&code, CLIENT, REDIRECT, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    assert!(e.description().contains("code_verifier is missing"), "{e}");
}

#[tokio::test]
async fn plain_or_missing_pkce_is_refused_when_the_code_is_asked_for() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let (verifier, challenge) = pkce_pair();
    let plain = Pkce {
        method: "plain",
        challenge: &verifier,
    };
    let e = svc
        .issue_code(CLIENT, REDIRECT, Some(plain), "create", ME)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_request");
    let e = svc
        .issue_code(CLIENT, REDIRECT, None, "create", ME)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_request");
    let short = s256(&challenge[..20]);
    let e = svc
        .issue_code(CLIENT, REDIRECT, Some(short), "create", ME)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_request");
    let e = svc
        .issue_code(CLIENT, REDIRECT, Some(s256(&challenge)), "bad\"scope", ME)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_scope");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM auth_codes")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0, "no refused request leaves a code behind");
}

#[tokio::test]
async fn older_apps_without_pkce_only_when_allowed() {
    let app = TestApp::new().await;
    let lax = TokenService::new(app.state.db.clone(), false);
    let code = lax
        .issue_code(CLIENT, REDIRECT, None, "create", ME)
        .await
        .unwrap();
    let r = lax
        .redeem_code(&code, CLIENT, REDIRECT, None)
        .await
        .unwrap();
    assert_eq!(r.scopes(), ["create"]);
    // A verifier for a code issued without a challenge means the request was altered.
    let code = lax
        .issue_code(CLIENT, REDIRECT, None, "create", ME)
        .await
        .unwrap();
    let (verifier, _) = pkce_pair();
    let e = lax
        .redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    // Plain stays refused even then.
    let plain = Pkce {
        method: "plain",
        challenge: &verifier,
    };
    assert!(
        lax.issue_code(CLIENT, REDIRECT, Some(plain), "create", ME)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_code_is_bound_to_its_client_and_redirect_uri() {
    let app = TestApp::new().await;
    let svc = service(&app);
    for (client, redirect) in [
        ("https://evil.example.test/", REDIRECT),
        (CLIENT, "https://app.example.test/other"),
    ] {
        let (code, verifier) = code_for(&svc, "create").await;
        let e = svc
            .redeem_code(&code, client, redirect, Some(&verifier))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "invalid_grant");
    }
    let e = svc
        .redeem_code(&random_token(), CLIENT, REDIRECT, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
}

#[tokio::test]
async fn a_code_used_twice_revokes_what_it_issued() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let (code, verifier) = code_for(&svc, "create").await;
    let r = svc
        .redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap();
    let issued = svc.issue_tokens(&r, true, Some(NINETY_DAYS)).await.unwrap();
    assert!(svc.check_access(&issued.access_token).await.is_some());

    let e = svc
        .redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    assert!(svc.check_access(&issued.access_token).await.is_none());
    let refresh = issued.refresh_token.unwrap();
    let e = svc.refresh(&refresh, CLIENT, None).await.unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    assert!(svc.list_apps().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_code_replayed_before_its_tokens_are_issued_gets_none() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let (code, verifier) = code_for(&svc, "create").await;
    let r = svc
        .redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap();
    assert!(
        svc.redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
            .await
            .is_err()
    );
    let e = svc
        .issue_tokens(&r, true, Some(NINETY_DAYS))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM issued_tokens")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = TestApp::new().await;
    let hands = Hands::at(starpunk::domain::time::now());
    let svc = hands.drive(service(&app));
    // Two codes for one PKCE pair: one redeemed just in time, one a second too late.
    let (verifier, challenge) = pkce_pair();
    let late = svc
        .issue_code(CLIENT, REDIRECT, Some(s256(&challenge)), "create", ME)
        .await
        .unwrap();
    let in_time = svc
        .issue_code(CLIENT, REDIRECT, Some(s256(&challenge)), "create", ME)
        .await
        .unwrap();
    hands.advance(Duration::from_secs(9 * 60 + 59));
    assert!(
        svc.redeem_code(&in_time, CLIENT, REDIRECT, Some(&verifier))
            .await
            .is_ok()
    );
    hands.advance(Duration::from_secs(1));
    let e = svc
        .redeem_code(&late, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    assert_eq!(e.description(), "The authorization code has expired.");
}

#[tokio::test]
async fn a_sign_in_only_code_gets_no_token() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let r = redeemed(&svc, "").await;
    assert!(r.scopes().is_empty());
    assert_eq!(r.me(), ME);
    let e = svc.issue_tokens(&r, true, None).await.unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
}
