//! Parsing and checking single values; every error names its variable.

use url::Url;

use super::ConfigError;

/// `ADMIN_ME`: the owner's profile page. Published in every page's `Link` header and
/// `<link rel="me">`, so user info (a password) is refused, and so are fragments and
/// other schemes. The error never repeats the value, which may hold a secret.
pub(super) fn parse_admin_me(v: &str) -> Result<Url, ConfigError> {
    let err = |what: &str| Err(ConfigError(format!("ADMIN_ME {what}")));
    let Ok(url) = Url::parse(v) else {
        return err("must be an absolute http(s) URL, like https://example.com/");
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return err("must be an absolute http(s) URL, like https://example.com/");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return err("must not contain a user name or password (user:password@); remove them");
    }
    if url.fragment().is_some() {
        return err("must not have a fragment (#...); remove it");
    }
    Ok(url)
}

pub(super) fn parse_site_url(v: &str) -> Result<String, ConfigError> {
    let url = parse_http_url("SITE_URL", v)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError(
            "SITE_URL must not have a query or fragment (?... or #...); remove it".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

pub(super) fn parse_http_url(name: &str, v: &str) -> Result<Url, ConfigError> {
    let bad = || {
        // A value with `@` may carry a password: name the variable, never echo it.
        if v.contains('@') {
            ConfigError(format!("{name} must be an absolute http(s) URL"))
        } else {
            ConfigError(format!("{name} must be an absolute http(s) URL, got {v:?}"))
        }
    };
    let url = Url::parse(v).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad());
    }
    // Every URL setting ends up published (feeds, links): a password never belongs there.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError(format!(
            "{name} must not contain a user name or password (user:password@); remove them"
        )));
    }
    Ok(url)
}

pub(super) fn parse_bool(v: Option<&str>, name: &str, default: bool) -> Result<bool, ConfigError> {
    match v.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError(format!(
            "{name} must be true or false, got {other:?}"
        ))),
    }
}

pub(super) fn parse_num(
    v: Option<&str>,
    name: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    let Some(v) = v else { return Ok(default) };
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ConfigError(format!(
            "{name} must be a whole number from {min} to {max}, got {v:?}"
        ))),
    }
}
