//! Guessers are stopped before they cost the store anything.

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
