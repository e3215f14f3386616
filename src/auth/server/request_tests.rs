use super::*;

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn query(extra: &str) -> AuthzQuery {
    AuthzQuery::parse(&format!(
        "response_type=code&client_id=https%3A%2F%2Fapp.example%2F&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s1{extra}"
    ))
}

#[test]
fn first_values_count() {
    let q = AuthzQuery::parse("state=a&state=b&scope=create+update");
    assert_eq!(q.state.as_deref(), Some("a"));
    assert_eq!(q.scope.as_deref(), Some("create update"));
}

#[test]
fn client_and_redirect_decide_the_error_page() {
    let ok = identify(&query("")).unwrap();
    assert_eq!(ok.redirect.unwrap().as_str(), "https://app.example/cb");
    let other = AuthzQuery {
        redirect_uri: Some("https://elsewhere.example/cb".into()),
        ..query("")
    };
    assert_eq!(
        identify(&other).unwrap().redirect,
        Err(RedirectError::NotListed)
    );
    let fragment = AuthzQuery {
        client_id: Some("https://app.example/#x".into()),
        ..query("")
    };
    assert!(matches!(identify(&fragment), Err(PageError::ClientId(_))));
    let js = AuthzQuery {
        redirect_uri: Some("javascript:alert(1)".into()),
        ..query("")
    };
    assert!(matches!(identify(&js), Err(PageError::Redirect(_))));
}

#[test]
fn pkce_rules() {
    let s256 = format!("&code_challenge={CHALLENGE}&code_challenge_method=S256");
    assert_eq!(
        check_rest(&query(&s256), true)
            .unwrap()
            .challenge
            .as_deref(),
        Some(CHALLENGE)
    );
    let plain = format!("&code_challenge={CHALLENGE}&code_challenge_method=plain");
    assert_eq!(
        check_rest(&query(&plain), false).unwrap_err().error,
        "invalid_request"
    );
    assert_eq!(
        check_rest(&query(""), true).unwrap_err().error,
        "invalid_request"
    );
    assert_eq!(check_rest(&query(""), false).unwrap().challenge, None);
    let no_method = format!("&code_challenge={CHALLENGE}");
    assert!(check_rest(&query(&no_method), false).is_err());
    assert!(
        check_rest(
            &query("&code_challenge=short&code_challenge_method=S256"),
            true
        )
        .is_err()
    );
}

#[test]
fn response_type_state_and_scope() {
    let s256 = format!("&code_challenge={CHALLENGE}&code_challenge_method=S256");
    let token = AuthzQuery {
        response_type: Some("token".into()),
        ..query(&s256)
    };
    assert_eq!(
        check_rest(&token, true).unwrap_err().error,
        "unsupported_response_type"
    );
    let no_state = AuthzQuery {
        state: None,
        ..query(&s256)
    };
    assert_eq!(
        check_rest(&no_state, true).unwrap_err().error,
        "invalid_request"
    );
    let scoped = check_rest(&query(&format!("{s256}&scope=create+create+media")), true).unwrap();
    assert_eq!(scoped.scopes, ["create", "media"]);
    let bad = check_rest(&query(&format!("{s256}&scope=a%22b")), true).unwrap_err();
    assert_eq!(bad.error, "invalid_scope");
}

#[test]
fn error_redirect_keeps_the_query() {
    let u = Url::parse("https://app.example/cb?x=1").unwrap();
    let r = redirect_with(
        &u,
        &[("error", "access_denied"), ("state", "a b")],
        "https://blog.example/",
    );
    assert_eq!(
        r.as_str(),
        "https://app.example/cb?x=1&error=access_denied&state=a+b&iss=https%3A%2F%2Fblog.example%2F"
    );
}

#[test]
fn a_method_without_a_challenge_says_the_challenge_is_missing() {
    let e = check_rest(&query("&code_challenge_method=S256"), false).unwrap_err();
    assert_eq!(e.error, "invalid_request");
    assert!(
        e.description.contains("code_challenge is missing"),
        "{}",
        e.description
    );
}
