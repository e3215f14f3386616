//! Things that may happen once or a few times: a guesser is stopped before it costs the
//! store a read, and a consent form is answered once.

use reqwest::StatusCode;
use starpunk::auth::crypto::random_token;

use super::support::*;

#[tokio::test]
async fn a_blocked_micropub_client_costs_no_token_lookup() {
    let server = own_server().await;
    let limit = starpunk::micropub::token::CHECKS_PER_MINUTE as usize;
    let mut refused_cost = 0;
    for i in 0..limit {
        let before = server.state.db.query_count();
        let res = micropub_create(&server, &random_token(), "guess").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "guess {i}");
        refused_cost = server.state.db.query_count() - before;
    }
    assert!(refused_cost > 0, "a refusal reads the store");
    let before = server.state.db.query_count();
    let res = micropub_create(&server, &random_token(), "guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(
        server.state.db.query_count() - before,
        0,
        "a blocked client is answered before the token is looked up"
    );
}

#[tokio::test]
async fn a_consent_form_is_answered_once() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let cookie = sign_in(&server).await;
    let (q, _) = app.query("create", "st");
    let page = get_authorize(&server, Some(&cookie), &q).await;
    let consent = parse_consent(&page.text().await.unwrap());
    let res = post_consent(&server, &cookie, &consent, &["create"], "approve", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location_params(&res).1.contains_key("code"));
    for decision in ["approve", "deny"] {
        let res = post_consent(&server, &cookie, &consent, &["create"], decision, None).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{decision}");
        assert!(res.headers().get("location").is_none());
        let body = res.text().await.unwrap();
        assert!(body.contains("already answered"), "{body}");
    }
}
