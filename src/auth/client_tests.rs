use super::*;

fn ok(s: &str) -> String {
    match parse_client_id(s) {
        Ok(u) => u.to_string(),
        Err(e) => panic!("{s:?} refused: {e}"),
    }
}

fn err(s: &str) -> ClientIdError {
    match parse_client_id(s) {
        Ok(u) => panic!("{s:?} accepted as {u}"),
        Err(e) => e,
    }
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn client_ids_the_spec_allows() {
    assert_eq!(ok("https://app.example/"), "https://app.example/");
    assert_eq!(ok("https://app.example"), "https://app.example/");
    assert_eq!(ok("http://app.example/"), "http://app.example/");
    assert_eq!(ok("HTTPS://App.Example/Path"), "https://app.example/Path");
    assert_eq!(ok("https://app.example:8443/"), "https://app.example:8443/");
    assert_eq!(
        ok("https://app.example/?a=1&b=/../x"),
        "https://app.example/?a=1&b=/../x"
    );
    assert_eq!(
        ok("https://app.example/c/client.json"),
        "https://app.example/c/client.json"
    );
    assert_eq!(
        ok("https://app.example/.well-known/x"),
        "https://app.example/.well-known/x"
    );
    assert_eq!(
        ok("https://app.example/a..b/...c"),
        "https://app.example/a..b/...c"
    );
    assert_eq!(ok("http://localhost/"), "http://localhost/");
    assert_eq!(ok("http://localhost:3000/cb"), "http://localhost:3000/cb");
    assert_eq!(ok("http://127.0.0.1/"), "http://127.0.0.1/");
    assert_eq!(ok("http://127.9.9.9:81/"), "http://127.9.9.9:81/");
    assert_eq!(ok("http://[::1]:8080/cb"), "http://[::1]:8080/cb");
    assert_eq!(ok("https://intranet/"), "https://intranet/");
}

#[test]
fn client_ids_with_fragments_or_credentials_are_refused() {
    assert_eq!(err("https://app.example/#x"), ClientIdError::Fragment);
    assert_eq!(err("https://app.example/#"), ClientIdError::Fragment);
    assert_eq!(err("https://app.example/?q#x"), ClientIdError::Fragment);
    assert_eq!(
        err("https://user:pw@app.example/"),
        ClientIdError::Credentials
    );
    assert_eq!(err("https://user@app.example/"), ClientIdError::Credentials);
    assert_eq!(err("https://:pw@app.example/"), ClientIdError::Credentials);
    assert_eq!(err("https://@app.example/"), ClientIdError::Credentials);
}

#[test]
fn client_ids_with_dot_segments_are_refused() {
    for s in [
        "https://app.example/a/../b",
        "https://app.example/./",
        "https://app.example/a/.",
        "https://app.example/..",
        "https://app.example/%2e/",
        "https://app.example/%2E%2e/b",
        "https://app.example/.%2e/b",
        "https://app.example/a/%2e%2E",
        "https://app.example/a/..?q=1",
    ] {
        assert_eq!(err(s), ClientIdError::DotSegment, "{s}");
    }
}

#[test]
fn client_ids_on_ip_addresses_other_than_loopback_are_refused() {
    for s in [
        "https://10.0.0.1/",
        "https://192.168.1.1/",
        "https://8.8.8.8/",
        "http://0.0.0.0/",
        "https://[2001:db8::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::]/",
        "https://[fe80::1]/",
        // Parsers read these as IPv4 addresses.
        "https://0x0a.0.0.1/",
        "https://167772161/",
    ] {
        assert_eq!(err(s), ClientIdError::IpAddress, "{s}");
    }
}

#[test]
fn client_ids_that_are_not_web_addresses_are_refused() {
    assert_eq!(err(""), ClientIdError::Missing);
    assert_eq!(
        err(&format!("https://app.example/{}", "a".repeat(MAX_URL_LEN))),
        ClientIdError::TooLong
    );
    assert_eq!(err("app.example"), ClientIdError::NotUrl);
    assert_eq!(err("/relative"), ClientIdError::NotUrl);
    assert_eq!(err("ftp://app.example/"), ClientIdError::Scheme);
    assert_eq!(err("javascript:alert(1)"), ClientIdError::Scheme);
    assert_eq!(err("com.example.app:/"), ClientIdError::Scheme);
    assert_eq!(err("https:app.example/"), ClientIdError::Scheme);
    assert_eq!(err("https:/app.example/"), ClientIdError::Scheme);
    assert_eq!(err(" https://app.example/"), ClientIdError::NotUrl);
    assert_eq!(err("https://app.example/a b"), ClientIdError::NotUrl);
    assert_eq!(err("https://app.example/a/.\t./b"), ClientIdError::NotUrl);
    assert_eq!(
        err("https://app.example\\@evil.example/"),
        ClientIdError::NotUrl
    );
    assert_eq!(err("https://app.example/a\\..\\b"), ClientIdError::NotUrl);
    assert_eq!(err("https:///"), ClientIdError::NotUrl);
    assert_eq!(err("https://app.example:99999/"), ClientIdError::NotUrl);
}

#[test]
fn every_refusal_is_a_sentence() {
    for s in [
        "",
        "ftp://x/",
        "https://a/#f",
        "https://u@a/",
        "https://a/../",
        "https://10.0.0.1/",
        "x",
    ] {
        let msg = err(s).to_string();
        assert!(msg.starts_with("The ") && msg.ends_with('.'), "{msg}");
    }
}

#[test]
fn redirect_on_the_clients_origin_is_fine() {
    let id = url("https://app.example/");
    let got = check_redirect_uri(&id, "https://app.example/callback?x=1", &[]).unwrap();
    assert_eq!(got.as_str(), "https://app.example/callback?x=1");
    assert!(check_redirect_uri(&id, "https://APP.example:443/cb", &[]).is_ok());
    let local = url("http://[::1]:8080/");
    assert!(check_redirect_uri(&local, "http://[::1]:8080/cb", &[]).is_ok());
}

#[test]
fn redirect_elsewhere_must_be_listed_exactly() {
    let id = url("https://app.example/");
    let listed = [
        url("https://other.example/cb"),
        url("com.example.app:/auth"),
    ];
    assert!(check_redirect_uri(&id, "https://other.example/cb", &listed).is_ok());
    assert!(check_redirect_uri(&id, "com.example.app:/auth", &listed).is_ok());
    for s in [
        "https://other.example/cb2",
        "https://other.example/cb?x=1",
        "https://evil.example/cb",
        "http://app.example/cb",
        "https://app.example:8443/cb",
        "https://sub.app.example/cb",
        "com.example.app:/other",
    ] {
        assert_eq!(
            check_redirect_uri(&id, s, &listed),
            Err(RedirectError::NotListed),
            "{s}"
        );
    }
}

#[test]
fn a_loopback_client_is_sent_back_only_to_this_computer() {
    for (id, same) in [
        ("http://127.0.0.1:4000/app", "http://127.0.0.1:5000/cb"),
        ("http://localhost:4000/app", "http://localhost/cb"),
        ("http://[::1]:4000/app", "http://[::1]:4001/cb"),
    ] {
        let id = url(id);
        let listed = [
            url(same),
            url("http://localhost:4000/cb"),
            url("https://attacker.example/steal"),
            url("http://192.168.1.2:4000/cb"),
            url("com.example.app:/auth"),
        ];
        assert!(check_redirect_uri(&id, same, &listed).is_ok(), "{id}");
        assert!(check_redirect_uri(&id, "http://localhost:4000/cb", &listed).is_ok());
        for other in [
            "https://attacker.example/steal",
            "http://192.168.1.2:4000/cb",
            "com.example.app:/auth",
        ] {
            assert_eq!(
                check_redirect_uri(&id, other, &listed),
                Err(RedirectError::LoopbackElsewhere),
                "{id} {other}"
            );
        }
    }
}

#[test]
fn redirect_shapes_are_checked_even_when_listed() {
    let id = url("https://app.example/");
    let listed = [url("https://app.example/cb#f"), url("javascript:alert(1)")];
    let refused = |s: &str| check_redirect_uri(&id, s, &listed).unwrap_err();
    assert_eq!(refused("https://app.example/cb#f"), RedirectError::Fragment);
    assert_eq!(
        refused("https://u:p@app.example/cb"),
        RedirectError::Credentials
    );
    assert_eq!(refused("javascript:alert(1)"), RedirectError::Scheme);
    assert_eq!(refused("data:text/html,hi"), RedirectError::Scheme);
    assert_eq!(refused("/cb"), RedirectError::NotUrl);
    assert_eq!(refused(""), RedirectError::Missing);
    assert_eq!(refused("https://app.example/c b"), RedirectError::NotUrl);
    assert_eq!(
        refused(&format!("https://app.example/{}", "a".repeat(MAX_URL_LEN))),
        RedirectError::TooLong
    );
    assert!(refused("x").to_string().ends_with('.'));
}

#[test]
fn unusual_redirects_are_flagged() {
    let id = url("https://app.example/");
    assert!(!is_unusual(&url("https://app.example/cb"), &id));
    assert!(is_unusual(&url("https://other.example/cb"), &id));
    assert!(is_unusual(&url("http://app.example/cb"), &id));
    assert!(is_unusual(&url("com.example.app:/cb"), &id));
    let local = url("http://localhost:3000/");
    assert!(!is_unusual(&url("http://localhost:3000/cb"), &local));
    assert!(is_unusual(&url("http://127.0.0.1:3000/cb"), &local));
    let plain = url("http://app.example/");
    assert!(is_unusual(&url("http://app.example/cb"), &plain));
}
