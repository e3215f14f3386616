//! The "known device" cookie: every successful sign-in of the owner (password, passkey
//! or set-up) leaves `starpunk_device` in the browser for a year, a random id with an
//! HMAC under the session key. It proves nothing on its own and opens nothing; it only
//! tells the limits apart from strangers: a browser carrying a valid one is exempt from
//! the global password limit (still held to the per-client one) and starts passkey
//! ceremonies in a small pool strangers cannot fill. So nobody guessing from many
//! addresses can lock the owner's own browser out.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};

use crate::app::AppState;
use crate::auth::cookie;
use crate::auth::crypto::{ct_eq, hmac_b64, is_token_shaped, random_token};

/// The cookie's name.
pub const COOKIE: &str = "starpunk_device";
/// How long a browser stays known after its last sign-in.
pub const LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// The MAC of a device id under `key` (domain-separated from the CSRF tokens).
fn mac(key: &[u8], id: &str) -> String {
    hmac_b64(key, format!("device:{id}").as_bytes())
}

/// A fresh cookie value: `id.mac`.
fn value(key: &[u8]) -> String {
    let id = random_token();
    let mac = mac(key, &id);
    format!("{id}.{mac}")
}

/// Whether `value` was made by [`value`] under `key`.
fn valid(key: &[u8], value: &str) -> bool {
    let Some((id, given)) = value.split_once('.') else {
        return false;
    };
    is_token_shaped(id) && ct_eq(given.as_bytes(), mac(key, id).as_bytes())
}

/// The `Set-Cookie` value that marks this browser as the owner's (a new id each time).
pub fn issue(s: &AppState) -> HeaderValue {
    cookie::set(
        COOKIE,
        &value(s.auth.key()),
        "/",
        LIFETIME,
        s.config.is_https(),
    )
}

/// Whether the request comes from a browser the owner signed in with before.
pub fn is_known(s: &AppState, headers: &HeaderMap) -> bool {
    cookie::read(headers, COOKIE).is_some_and(|v| valid(s.auth.key(), v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_values_made_under_the_key_are_valid() {
        let key = b"a key of some length, for the test";
        let v = value(key);
        assert!(valid(key, &v));
        assert!(!valid(b"another key entirely, for the test", &v));
        let (id, _) = v.split_once('.').unwrap();
        assert!(!valid(key, &format!("{id}.forged")));
        assert!(!valid(key, id));
        assert!(!valid(key, ""));
        assert_ne!(value(key), v, "a new id each time");
    }
}
