//! URL rules of sign-in: profile URL normalisation, which endpoints may be used, and
//! which `next` targets a sign-in may return to.

use std::net::IpAddr;

use url::{Host, Url};

/// Parses a profile URL (`me`) into its normal form for comparison: scheme and host
/// lowercased, default port dropped, an empty path becomes `/`, fragment removed.
///
/// `None` for anything that is not an absolute http(s) URL with a host and no
/// user name or password.
pub fn normalize_profile_url(s: &str) -> Option<Url> {
    // `Url::parse` already lowercases scheme and host, drops default ports and gives
    // special schemes an empty path of `/`; what is left is refusing odd shapes.
    let mut url = Url::parse(s.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    if !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

/// Whether two profile URLs name the same person after normalisation.
pub fn same_profile(a: &str, b: &str) -> bool {
    match (normalize_profile_url(a), normalize_profile_url(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Whether a host is loopback: `localhost` (and its subdomains), 127.0.0.0/8 or `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.');
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// The endpoint policy (docs/URLS.md, "Sign-in"): https, except loopback hosts and `DEV_MODE`
/// (which also allows plain http). Anything but http(s) is always refused.
pub fn endpoint_allowed(url: &Url, dev_mode: bool) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => url.host().is_some() && (dev_mode || is_loopback(url)),
        _ => false,
    }
}

/// Where sign-in returns when no (acceptable) `next` was given.
pub const DEFAULT_NEXT: &str = "/admin/";

/// Accepts `next` only as a same-site absolute path (`/admin/edit/3?x=1`), so a link
/// to the sign-in page can never send the owner to another site afterwards.
///
/// The check is made on the normal form a browser would reach: dot segments (also
/// percent-encoded ones, `%2e%2e`) are resolved first, then the result must be a path
/// whose first segment is not empty, so `/..//evil.example` (which resolves to
/// `//evil.example`, another site) is refused rather than passed on. Backslashes
/// (raw or `%5C`), control characters (tabs, which browsers drop) and anything with a
/// scheme or authority are refused outright. What is returned is the normal form.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    if next.is_empty() || next.len() > 2048 || !next.starts_with('/') {
        return None;
    }
    // `//host` and `/\host` are read by browsers as another site; browsers drop tabs
    // and newlines anywhere in a URL, so `/\t/host` is `//host` too.
    if next.starts_with("//")
        || next.contains('\\')
        || next.to_ascii_lowercase().contains("%5c")
        || next.chars().any(char::is_control)
    {
        return None;
    }
    let base = Url::parse("http://starpunk.invalid/").ok()?;
    let joined = base.join(next).ok()?;
    if joined.origin() != base.origin() {
        return None;
    }
    let path = joined.path();
    if !path.starts_with('/') || path.starts_with("//") || path.starts_with("/\\") {
        return None;
    }
    let mut out = path.to_string();
    if let Some(q) = joined.query() {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Option<String> {
        normalize_profile_url(s).map(|u| u.to_string())
    }

    #[test]
    fn normalisation_handles_case_port_and_slash() {
        assert_eq!(
            norm("HTTPS://Example.COM").as_deref(),
            Some("https://example.com/")
        );
        assert_eq!(
            norm("https://example.com:443/").as_deref(),
            Some("https://example.com/")
        );
        assert_eq!(
            norm("http://example.com:80").as_deref(),
            Some("http://example.com/")
        );
        assert_eq!(
            norm("http://example.com:8080").as_deref(),
            Some("http://example.com:8080/")
        );
        assert_eq!(
            norm("https://example.com/~ada/").as_deref(),
            Some("https://example.com/~ada/")
        );
        assert_eq!(
            norm("https://example.com/#me").as_deref(),
            Some("https://example.com/")
        );
    }

    #[test]
    fn normalisation_refuses_odd_urls() {
        assert_eq!(norm("mailto:ada@example.com"), None);
        assert_eq!(norm("https://ada:pw@example.com/"), None);
        assert_eq!(norm("/relative"), None);
        assert_eq!(norm(""), None);
    }

    #[test]
    fn same_profile_compares_normal_forms() {
        assert!(same_profile(
            "https://Example.com",
            "https://example.com:443/"
        ));
        assert!(!same_profile("https://example.com/", "http://example.com/"));
        assert!(!same_profile(
            "https://example.com/a",
            "https://example.com/"
        ));
        assert!(!same_profile(
            "https://evil.example/",
            "https://example.com/"
        ));
        assert!(!same_profile("nonsense", "nonsense"));
    }

    #[test]
    fn plain_http_only_on_loopback_or_in_dev_mode() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(endpoint_allowed(&u("https://auth.example.com/auth"), false));
        assert!(!endpoint_allowed(&u("http://auth.example.com/auth"), false));
        assert!(endpoint_allowed(&u("http://auth.example.com/auth"), true));
        assert!(endpoint_allowed(&u("http://127.0.0.1:8080/auth"), false));
        assert!(endpoint_allowed(&u("http://127.8.9.1/auth"), false));
        assert!(endpoint_allowed(&u("http://[::1]:9/auth"), false));
        assert!(endpoint_allowed(&u("http://localhost:9/auth"), false));
        assert!(!endpoint_allowed(
            &u("http://localhost.example.com/auth"),
            false
        ));
        assert!(!endpoint_allowed(&u("http://128.0.0.1/auth"), false));
        assert!(!endpoint_allowed(&u("ftp://127.0.0.1/auth"), true));
    }

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(
            safe_next(Some("/admin/edit/3?x=1")).as_deref(),
            Some("/admin/edit/3?x=1")
        );
        assert_eq!(
            safe_next(Some("/health?detailed=true")).as_deref(),
            Some("/health?detailed=true")
        );
        assert_eq!(safe_next(Some("//evil.example/")), None);
        assert_eq!(safe_next(Some("/\\evil.example/")), None);
        assert_eq!(safe_next(Some("https://evil.example/")), None);
        assert_eq!(safe_next(Some("javascript:alert(1)")), None);
        assert_eq!(safe_next(Some("/a\nb")), None);
        assert_eq!(safe_next(Some("")), None);
        assert_eq!(safe_next(None), None);
        assert_eq!(safe_next(Some("/../../etc")).as_deref(), Some("/etc"));
        assert_eq!(safe_next(Some("/a/./b/../c")).as_deref(), Some("/a/c"));
        assert_eq!(
            safe_next(Some("/%2e%2e/admin/")).as_deref(),
            Some("/admin/")
        );
    }

    #[test]
    fn next_is_checked_after_dot_segments_are_resolved() {
        for bad in [
            "/..//evil.example",
            "/.//evil.example",
            "/x/..//evil.example",
            "/a/../..//evil.example",
            "/%2e%2e//evil.example",
            "/%2E%2E//evil.example",
            "/.%2e//evil.example",
            "/%2e//evil.example",
            "/..%2f/evil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/..\\evil.example",
            "/\t/evil.example",
            "/\t\\evil.example",
            " //evil.example",
            "///evil",
            "http://evil.example/",
            "https:evil.example",
            "https:/evil.example",
        ] {
            let got = safe_next(Some(bad));
            assert!(
                got.as_deref().is_none_or(|p| p.starts_with('/')
                    && !p.starts_with("//")
                    && !p.starts_with("/\\")),
                "{bad:?} gave {got:?}"
            );
        }
        assert_eq!(safe_next(Some("/..//evil.example")), None);
        assert_eq!(safe_next(Some("/%2e%2e//evil.example")), None);
    }
}
