//! A narrowed refresh keeps the grant, and revoking an app spends its pending codes.

use super::*;

#[tokio::test]
async fn a_narrowed_refresh_keeps_the_whole_grant_in_its_refresh_token() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let first = tokens(&svc, "create update").await;
    let narrowed = svc
        .refresh(
            first.refresh_token.as_deref().unwrap(),
            CLIENT,
            Some("create"),
        )
        .await
        .unwrap();
    assert_eq!(narrowed.scope, "create");
    let grant = svc.check_access(&narrowed.access_token).await.unwrap();
    assert_eq!(grant.scopes, ["create"]);
    // RFC 6749 §6: the new refresh token carries the original grant's scope.
    let again = svc
        .refresh(narrowed.refresh_token.as_deref().unwrap(), CLIENT, None)
        .await
        .unwrap();
    assert_eq!(again.scope, "create update");
    let grant = svc.check_access(&again.access_token).await.unwrap();
    assert_eq!(grant.scopes, ["create", "update"]);
}

#[tokio::test]
async fn revoking_an_app_spends_its_unredeemed_codes() {
    let app = TestApp::new().await;
    let svc = service(&app);
    let (code, verifier) = code_for(&svc, "create").await;
    svc.revoke_client(CLIENT).await.unwrap();
    let e = svc
        .exchange_code(&code, CLIENT, REDIRECT, Some(&verifier), Some(NINETY_DAYS))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    assert!(svc.list_apps().await.unwrap().is_empty());
    // A code for another client is not touched.
    let (verifier2, challenge) = pkce_pair();
    let other = "https://other.example.test/";
    let code2 = svc
        .issue_code(
            other,
            "https://other.example.test/cb",
            Some(s256(&challenge)),
            "create",
            ME,
        )
        .await
        .unwrap();
    svc.revoke_client(CLIENT).await.unwrap();
    assert!(
        svc.redeem_code(
            &code2,
            other,
            "https://other.example.test/cb",
            Some(&verifier2)
        )
        .await
        .is_ok()
    );
}
