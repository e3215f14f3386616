//! Tests of reading the configuration.

use super::*;

fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_vars(&vars)
}

#[test]
fn defaults_match_design() {
    let c = cfg(&[]).unwrap();
    assert_eq!(c.site_url, "http://localhost:5000");
    assert_eq!(c.port, 5000);
    assert_eq!(c.host, "127.0.0.1");
    assert_eq!(c.feed_max_items, 50);
    assert_eq!(c.feed_cache_seconds, 300);
    assert_eq!(c.max_content_length, 52_428_800);
    assert!(c.admin_me.is_none());
    assert!(!c.dev_mode);
}

#[test]
fn bad_site_url_names_the_variable() {
    let e = cfg(&[("SITE_URL", "ftp://x")]).unwrap_err();
    assert_eq!(
        e.0,
        r#"SITE_URL must be an absolute http(s) URL, got "ftp://x""#
    );
}

#[test]
fn trailing_slash_is_removed() {
    assert_eq!(
        cfg(&[("SITE_URL", "https://ex.com/")]).unwrap().site_url,
        "https://ex.com"
    );
}

#[test]
fn bad_numbers_and_bools_are_refused() {
    assert!(cfg(&[("PORT", "99999")]).unwrap_err().0.starts_with("PORT"));
    assert!(
        cfg(&[("FEED_MAX_ITEMS", "abc")])
            .unwrap_err()
            .0
            .starts_with("FEED_MAX_ITEMS")
    );
    assert!(
        cfg(&[("DEV_MODE", "maybe")])
            .unwrap_err()
            .0
            .starts_with("DEV_MODE")
    );
    assert!(
        cfg(&[("LOG_LEVEL", "loud")])
            .unwrap_err()
            .0
            .starts_with("LOG_LEVEL")
    );
}

#[test]
fn admin_me_with_secrets_fragment_or_odd_scheme_is_refused_without_echo() {
    for (v, why) in [
        (
            "https://ada:hunter2secret@me.example.org/",
            "user name or password",
        ),
        (
            "https://hunter2secret@me.example.org/",
            "user name or password",
        ),
        ("https://me.example.org/#hunter2secret", "fragment"),
        ("ftp://ada:hunter2secret@me.example.org/", "http(s)"),
        ("mailto:hunter2secret@me.example.org", "http(s)"),
        ("javascript:hunter2secret", "http(s)"),
        ("me.example.org/hunter2secret", "http(s)"),
    ] {
        let e = cfg(&[("ADMIN_ME", v)]).unwrap_err().0;
        assert!(e.starts_with("ADMIN_ME "), "{v}: {e}");
        assert!(e.contains(why), "{v}: {e}");
        assert!(!e.contains("hunter2secret"), "{v} is echoed: {e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
    assert!(cfg(&[("ADMIN_ME", "https://me.example.org/~ada/")]).is_ok());
}

#[test]
fn other_urls_with_user_info_are_not_echoed() {
    let e = cfg(&[("SITE_URL", "ftp://ada:hunter2secret@x/")])
        .unwrap_err()
        .0;
    assert!(e.starts_with("SITE_URL"), "{e}");
    assert!(!e.contains("hunter2secret"), "{e}");
    // valid http(s) URLs with credentials are refused too: both are published
    for name in ["SITE_URL", "STARPUNK_ABOUT_URL"] {
        let e = cfg(&[(name, "https://ada:hunter2secret@blog.example/")])
            .unwrap_err()
            .0;
        assert!(
            e.starts_with(name) && e.contains("user name or password"),
            "{e}"
        );
        assert!(!e.contains("hunter2secret"), "{e}");
    }
    let e = cfg(&[("SITE_URL", "https://blog.example/?token=hunter2secret")])
        .unwrap_err()
        .0;
    assert!(!e.contains("hunter2secret"), "{e}");
}

#[test]
fn admin_me_naming_the_site_is_own_identity() {
    let c = cfg(&[]).unwrap();
    assert!(c.own_identity());
    assert_eq!(c.me(), "http://localhost:5000/");
    for me in [
        "https://blog.example",
        "https://blog.example/",
        "HTTPS://Blog.Example/",
    ] {
        let c = cfg(&[("SITE_URL", "https://blog.example"), ("ADMIN_ME", me)]).unwrap();
        assert!(c.own_identity(), "{me}");
        assert_eq!(c.me(), "https://blog.example/");
        assert!(c.identity_mode().contains("its own IndieAuth server"));
    }
    let c = cfg(&[
        ("SITE_URL", "https://blog.example"),
        ("ADMIN_ME", "https://me.example/"),
    ])
    .unwrap();
    assert!(!c.own_identity());
    assert_eq!(c.me(), "https://me.example/");
    assert!(c.identity_mode().contains("provider"));
}

#[test]
fn token_lifetime_and_pkce() {
    let c = cfg(&[]).unwrap();
    assert_eq!(
        c.token_lifetime(),
        Some(std::time::Duration::from_secs(90 * 86_400))
    );
    assert!(c.indieauth_require_pkce);
    let c = cfg(&[
        ("TOKEN_LIFETIME_DAYS", "0"),
        ("INDIEAUTH_REQUIRE_PKCE", "false"),
    ])
    .unwrap();
    assert_eq!(c.token_lifetime(), None);
    assert!(!c.indieauth_require_pkce);
    assert!(
        cfg(&[("TOKEN_LIFETIME_DAYS", "-1")])
            .unwrap_err()
            .0
            .starts_with("TOKEN_LIFETIME_DAYS")
    );
}

#[test]
fn author_defaults_to_admin_host() {
    let c = cfg(&[("ADMIN_ME", "https://me.example.org/")]).unwrap();
    assert_eq!(c.site_author, "me.example.org");
}

#[test]
fn deprecated_and_unknown_names_warn() {
    let c = cfg(&[("INDIELOGIN_URL", "https://x"), ("STARPUNK_FOO", "1")]).unwrap();
    assert_eq!(c.warnings.len(), 2);
}

#[test]
fn secret_is_hidden_in_debug() {
    let c = cfg(&[("SESSION_SECRET", "abcdefghijklmnopqrstuvwxyz")]).unwrap();
    assert!(!format!("{c:?}").contains("abcdefghij"));
}
