//! Issued tokens: refresh with rotation, scope never widened, revocation, expiry,
//! "last used", the apps list, hashes only in the store, and Micropub's verifier.

use std::time::Duration;

use starpunk::auth::ratelimit::ClientAddr;
use starpunk::micropub::Tokens;
use starpunk::micropub::local::LocalVerifier;

use super::*;

#[tokio::test]
async fn a_refresh_rotates_and_the_old_refresh_token_fails() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let first = tokens(&svc, "create update").await;
    let old = first.refresh_token.clone().unwrap();

    let second = svc.refresh(&old, CLIENT, Some("create")).await.unwrap();
    assert_eq!(second.scope, "create");
    assert_eq!(second.expires_in, Some(NINETY_DAYS.as_secs()));
    let new = second.refresh_token.clone().unwrap();
    assert_ne!(new, old);
    let grant = svc.check_access(&second.access_token).await.unwrap();
    assert_eq!(grant.scopes, ["create"]);

    let e = svc.refresh(&old, CLIENT, None).await.unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    // A rotated token coming back was copied: the whole grant goes.
    assert!(svc.check_access(&second.access_token).await.is_none());
    assert!(svc.refresh(&new, CLIENT, None).await.is_err());
}

#[tokio::test]
async fn a_refresh_never_widens_the_scope() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let issued = tokens(&svc, "create").await;
    let refresh = issued.refresh_token.unwrap();
    let e = svc
        .refresh(&refresh, CLIENT, Some("create delete"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_scope");
    // Refused without using the token up.
    let narrowed = svc.refresh(&refresh, CLIENT, Some("create")).await.unwrap();
    let refresh = narrowed.refresh_token.unwrap();
    // Nor widened by another client, or with an access token in place of the
    // refresh token.
    let again = svc.refresh(&refresh, CLIENT, None).await.unwrap();
    assert_eq!(again.scope, "create");
    let refresh = again.refresh_token.unwrap();
    let e = svc
        .refresh(&refresh, "https://evil.example.test/", None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    let e = svc
        .refresh(&again.access_token, CLIENT, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    let e = svc
        .refresh(&random_token(), CLIENT, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let issued = tokens(&svc, "create").await;
    let other = tokens(&svc, "media").await;
    svc.revoke(&issued.access_token).await.unwrap();
    assert!(svc.check_access(&issued.access_token).await.is_none());
    assert!(
        svc.introspect(&issued.access_token)
            .await
            .unwrap()
            .is_none()
    );
    // The grant goes with it; another grant of the same app stays.
    assert!(
        svc.refresh(&issued.refresh_token.unwrap(), CLIENT, None)
            .await
            .is_err()
    );
    assert!(svc.check_access(&other.access_token).await.is_some());
    // RFC 7009: unknown and already revoked tokens are not errors.
    svc.revoke(&random_token()).await.unwrap();
    svc.revoke(&issued.access_token).await.unwrap();
    svc.revoke("").await.unwrap();
}

#[tokio::test]
async fn tokens_expire_and_last_use_is_written_once_a_minute() {
    let app = TestApp::new().await;
    let hands = Hands::at(starpunk::domain::time::now());
    let svc = hands.drive(service(&app));
    let r = redeemed(&svc, "create").await;
    let issued = svc
        .issue_tokens(&r, false, Some(Duration::from_secs(3600)))
        .await
        .unwrap();
    assert!(issued.refresh_token.is_none());
    assert_eq!(issued.expires_in, Some(3600));

    let last_used = || async { svc.list_apps().await.unwrap()[0].last_used_at };
    assert_eq!(last_used().await, None);
    let t0 = hands.now();
    svc.check_access(&issued.access_token).await.unwrap();
    assert_eq!(last_used().await, Some(t0));
    hands.advance(Duration::from_secs(30));
    svc.check_access(&issued.access_token).await.unwrap();
    assert_eq!(
        last_used().await,
        Some(t0),
        "not rewritten within the minute"
    );
    hands.advance(Duration::from_secs(31));
    svc.check_access(&issued.access_token).await.unwrap();
    assert_eq!(last_used().await, Some(hands.now()));

    hands.advance(Duration::from_secs(3600));
    assert!(svc.check_access(&issued.access_token).await.is_none());
    assert!(svc.list_apps().await.unwrap().is_empty());

    // TOKEN_LIFETIME_DAYS=0: until revoked.
    let r = redeemed(&svc, "create").await;
    let forever = svc.issue_tokens(&r, true, None).await.unwrap();
    assert_eq!(forever.expires_in, None);
    hands.advance(Duration::from_secs(10 * 365 * 24 * 3600));
    let seen = svc
        .introspect(&forever.access_token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.exp, None);
    assert!(!serde_json::to_string(&seen).unwrap().contains("exp"));
}

#[tokio::test]
async fn the_apps_list_and_revoking_an_app() {
    let app = TestApp::new().await;
    let svc = service(&app);
    tokens(&svc, "create media").await;
    tokens(&svc, "update create").await;
    let r = redeemed(&svc, "create").await;
    let other = svc.issue_tokens(&r, false, None).await.unwrap();
    let apps = svc.list_apps().await.unwrap();
    assert_eq!(apps.len(), 1, "{apps:?}");
    assert_eq!(apps[0].client_id, CLIENT);
    assert_eq!(apps[0].scopes, ["create", "media", "update"]);
    assert_eq!(
        apps[0].expires_at, None,
        "one of its grants lives until revoked"
    );

    assert_eq!(svc.revoke_client(CLIENT).await.unwrap(), 5);
    assert!(svc.list_apps().await.unwrap().is_empty());
    assert!(svc.check_access(&other.access_token).await.is_none());
}

#[tokio::test]
async fn codes_and_tokens_are_stored_only_as_hashes() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let (code, verifier) = code_for(&svc, "create").await;
    let r = svc
        .redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap();
    let first = svc.issue_tokens(&r, true, Some(NINETY_DAYS)).await.unwrap();
    let second = svc
        .refresh(first.refresh_token.as_deref().unwrap(), CLIENT, None)
        .await
        .unwrap();
    let secrets = [
        code.as_str(),
        verifier.as_str(),
        &first.access_token,
        first.refresh_token.as_deref().unwrap(),
        &second.access_token,
        second.refresh_token.as_deref().unwrap(),
    ];
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT code_hash || '|' || client_id || '|' || redirect_uri || '|' || coalesce(code_challenge, '') \
         || '|' || scope || '|' || me FROM auth_codes \
         UNION ALL SELECT token_hash || '|' || kind || '|' || client_id || '|' || scope || '|' || me \
         || '|' || from_code || '|' || coalesce(replaced_by, '') FROM issued_tokens",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 5);
    for row in &rows {
        for s in secrets {
            assert!(!row.contains(s), "{row} holds a secret in clear");
        }
    }
    // Nor anywhere in the database files (the WAL included).
    let mut bytes = Vec::new();
    for f in ["starpunk.db", "starpunk.db-wal"] {
        if let Ok(b) = std::fs::read(app.data_dir().join(f)) {
            bytes.extend(b);
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(&starpunk::auth::crypto::sha256_hex(&first.access_token)));
    for s in secrets {
        assert!(!text.contains(s));
    }
}

#[tokio::test]
async fn micropub_can_check_own_tokens_locally() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let micropub = Tokens::new(Box::new(LocalVerifier::new(svc.clone())));
    let client = ClientAddr("127.0.0.1".into());
    let issued = tokens(&svc, "create").await;

    let grant = micropub
        .check(&app.state, &issued.access_token, &client)
        .await
        .unwrap();
    assert_eq!(grant.me, ME);
    assert_eq!(grant.client_id.as_deref(), Some(CLIENT));
    assert!(grant.allows("media"));
    assert!(!grant.allows("update"));

    svc.revoke(&issued.access_token).await.unwrap();
    micropub.forget_all();
    let e = micropub
        .check(&app.state, &issued.access_token, &client)
        .await
        .unwrap_err();
    assert_eq!(e.code, "unauthorized");

    // A token of this server for somebody else is not the owner's.
    let (verifier, challenge) = pkce_pair();
    let code = svc
        .issue_code(
            CLIENT,
            REDIRECT,
            Some(s256(&challenge)),
            "create",
            "https://stranger.example.test/",
        )
        .await
        .unwrap();
    let r = svc
        .redeem_code(&code, CLIENT, REDIRECT, Some(&verifier))
        .await
        .unwrap();
    let theirs = svc.issue_tokens(&r, false, None).await.unwrap();
    let e = micropub
        .check(&app.state, &theirs.access_token, &client)
        .await
        .unwrap_err();
    assert_eq!(e.code, "forbidden");
}

#[tokio::test]
async fn one_redemption_gets_one_set_of_tokens() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let r = redeemed(&svc, "create").await;
    svc.issue_tokens(&r, true, None).await.unwrap();
    let e = svc.issue_tokens(&r, true, None).await.unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
}

#[tokio::test]
async fn old_codes_and_dead_tokens_are_purged() {
    let app = TestApp::new().await;
    let hands = Hands::at(starpunk::domain::time::now());
    let svc = hands.drive(service(&app));
    let revoked = tokens(&svc, "create").await;
    svc.revoke(&revoked.access_token).await.unwrap();
    let live = tokens(&svc, "create").await;
    let count = |sql: &'static str| {
        let pool = app.state.db.pool().clone();
        async move {
            let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
            n
        }
    };
    assert_eq!(svc.purge_expired().await.unwrap(), 0, "all too recent");
    hands.advance(Duration::from_secs(2 * 24 * 3600));
    assert_eq!(svc.purge_expired().await.unwrap(), 2, "the two codes");
    hands.advance(Duration::from_secs(30 * 24 * 3600));
    assert_eq!(svc.purge_expired().await.unwrap(), 2, "the revoked pair");
    assert_eq!(
        (
            count("SELECT count(*) FROM auth_codes").await,
            count("SELECT count(*) FROM issued_tokens").await
        ),
        (0, 2)
    );
    assert!(svc.check_access(&live.access_token).await.is_some());
}
