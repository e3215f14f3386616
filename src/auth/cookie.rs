//! Reading and writing the two cookies of sign-in.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};

/// The session cookie: an opaque random token, stored hashed on the server.
pub const SESSION: &str = "starpunk_session";
/// Ties a started sign-in to the browser that started it (scoped to `/auth`).
pub const BROWSER: &str = "starpunk_auth";

/// The value of cookie `name` in the request, if any.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().trim_matches('"'))
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, `Secure` on https.
pub fn set(name: &str, value: &str, path: &str, max_age: Duration, secure: bool) -> HeaderValue {
    let mut c = format!(
        "{name}={value}; Path={path}; Max-Age={}; HttpOnly; SameSite=Lax",
        max_age.as_secs()
    );
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c)
        .unwrap_or_else(|_| HeaderValue::from_static("starpunk_invalid=; Max-Age=0"))
}

/// A `Set-Cookie` value that deletes cookie `name`.
pub fn clear(name: &str, path: &str, secure: bool) -> HeaderValue {
    set(name, "", path, Duration::ZERO, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_among_several_cookies_and_headers() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; starpunk_sessionx=no"),
        );
        h.append(
            header::COOKIE,
            HeaderValue::from_static("b=2;starpunk_session=tok"),
        );
        assert_eq!(read(&h, SESSION), Some("tok"));
        assert_eq!(read(&h, "a"), Some("1"));
        assert_eq!(read(&h, "c"), None);
    }

    #[test]
    fn attributes() {
        let c = set(SESSION, "v", "/", Duration::from_secs(60), true);
        assert_eq!(
            c,
            "starpunk_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
        );
        assert_eq!(
            clear(BROWSER, "/auth", false),
            "starpunk_auth=; Path=/auth; Max-Age=0; HttpOnly; SameSite=Lax"
        );
    }
}
