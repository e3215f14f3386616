//! IndieAuth sign-in against a fake provider on 127.0.0.1, sessions, CSRF, rate limits.

mod browser;
mod provider;
mod proxies;
mod redirects;
mod sessions;
mod signin;
