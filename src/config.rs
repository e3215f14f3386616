//! Typed configuration: every variable of docs/CONFIG.md, read from the environment and an
//! optional `.env` file (the environment wins). A bad value is one clear line naming the
//! variable and what is allowed.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use url::Url;

mod parse;
mod proxies;

pub use proxies::TrustedProxies;

use crate::auth::urls::same_profile;
use parse::{parse_admin_me, parse_bool, parse_http_url, parse_num, parse_site_url};

/// A configuration value that failed validation; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// A secret string whose `Debug` never shows its value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The whole configuration of a running StarPunk.
#[derive(Debug, Clone)]
pub struct Config {
    /// Public base URL without a trailing slash, e.g. `https://example.com`.
    pub site_url: String,
    pub site_name: String,
    pub site_author: String,
    pub site_description: String,
    /// The owner's identity URL at an outside IndieAuth provider. `None` (unset, or
    /// equal to `{SITE_URL}/`): the blog is the owner's identity and its own IndieAuth
    /// server; see [`Config::own_identity`].
    pub admin_me: Option<Url>,
    /// Explicit key for cookies and CSRF; `None` means "generate once into `DATA_PATH`".
    pub session_secret: Option<Secret>,
    pub data_path: PathBuf,
    pub host: String,
    pub port: u16,
    pub dev_mode: bool,
    pub log_level: String,
    pub feed_max_items: u32,
    pub feed_cache_enabled: bool,
    pub feed_cache_seconds: u64,
    pub feed_cache_max_size: usize,
    pub max_content_length: u64,
    pub debug_save_failed_uploads: bool,
    pub debug_file_max_age_days: u64,
    pub debug_file_max_size_mb: u64,
    pub about_url: Option<String>,
    /// Reverse proxies whose forwarding headers are believed (`TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    /// `INDIEAUTH_REQUIRE_PKCE`: the own IndieAuth server refuses apps without PKCE S256.
    pub indieauth_require_pkce: bool,
    /// `TOKEN_LIFETIME_DAYS`: access tokens of the own IndieAuth server; 0 = until revoked.
    pub token_lifetime_days: u64,
    /// Warnings found while reading (deprecated or unknown names), logged at start-up.
    pub warnings: Vec<String>,
}

/// Every variable this program reads; anything else starting with `STARPUNK_` is warned about.
const KNOWN: &[&str] = &[
    "SITE_URL",
    "SITE_NAME",
    "SITE_AUTHOR",
    "SITE_DESCRIPTION",
    "ADMIN_ME",
    "SESSION_SECRET",
    "DATA_PATH",
    "HOST",
    "PORT",
    "DEV_MODE",
    "LOG_LEVEL",
    "FEED_MAX_ITEMS",
    "FEED_CACHE_ENABLED",
    "FEED_CACHE_SECONDS",
    "FEED_CACHE_MAX_SIZE",
    "MAX_CONTENT_LENGTH",
    "DEBUG_SAVE_FAILED_UPLOADS",
    "DEBUG_FILE_MAX_AGE_DAYS",
    "DEBUG_FILE_MAX_SIZE_MB",
    "STARPUNK_ABOUT_URL",
    "TRUSTED_PROXIES",
    "INDIEAUTH_REQUIRE_PKCE",
    "TOKEN_LIFETIME_DAYS",
];

impl Config {
    /// Reads `.env` (if present in the working directory) overlaid by the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut vars: HashMap<String, String> = HashMap::new();
        if let Ok(iter) = dotenvy::from_path_iter(".env") {
            for item in iter {
                let (k, v) =
                    item.map_err(|e| ConfigError(format!(".env could not be read: {e}")))?;
                vars.insert(k, v);
            }
        }
        vars.extend(std::env::vars());
        Self::from_vars(&vars)
    }

    /// Builds a configuration from a map of variables (the testable core of `from_env`).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |k: &str| vars.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());

        let site_url = parse_site_url(get("SITE_URL").unwrap_or("http://localhost:5000"))?;
        let admin_me = match get("ADMIN_ME") {
            None => None,
            Some(v) => Some(parse_admin_me(v)?),
        };
        // `ADMIN_ME` naming this very site means "the blog is my identity": the same as
        // leaving it unset.
        let admin_me = admin_me.filter(|me| !same_profile(me.as_str(), &format!("{site_url}/")));
        let site_author = match get("SITE_AUTHOR") {
            Some(v) => v.to_string(),
            None => admin_me
                .as_ref()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| "StarPunk".to_string()),
        };
        let log_level = get("LOG_LEVEL").unwrap_or("info").to_ascii_lowercase();
        if !["trace", "debug", "info", "warn", "error"].contains(&log_level.as_str()) {
            return Err(ConfigError(format!(
                "LOG_LEVEL must be one of trace, debug, info, warn, error, got {:?}",
                log_level
            )));
        }
        let session_secret = match get("SESSION_SECRET") {
            None => None,
            Some(v) if v.len() < 16 => {
                return Err(ConfigError(
                    "SESSION_SECRET must be at least 16 characters long".to_string(),
                ));
            }
            Some(v) => Some(Secret(v.to_string())),
        };
        let about_url = match get("STARPUNK_ABOUT_URL") {
            None => None,
            Some(v) => Some(parse_http_url("STARPUNK_ABOUT_URL", v)?.to_string()),
        };

        let mut warnings = Vec::new();
        for old in ["INDIELOGIN_URL", "TOKEN_ENDPOINT"] {
            if get(old).is_some() {
                warnings.push(format!(
                    "{old} is no longer used: endpoints are discovered from ADMIN_ME; remove it"
                ));
            }
        }
        let mut unknown: Vec<&String> = vars
            .keys()
            .filter(|k| k.starts_with("STARPUNK_") && !KNOWN.contains(&k.as_str()))
            .collect();
        unknown.sort();
        for k in unknown {
            warnings.push(format!("{k} is not a StarPunk setting and is ignored"));
        }

        Ok(Config {
            site_url,
            site_name: get("SITE_NAME").unwrap_or("StarPunk").to_string(),
            site_author,
            site_description: get("SITE_DESCRIPTION").unwrap_or("").to_string(),
            admin_me,
            session_secret,
            data_path: PathBuf::from(get("DATA_PATH").unwrap_or("./data")),
            host: get("HOST").unwrap_or("127.0.0.1").to_string(),
            port: parse_num(get("PORT"), "PORT", 5000, 1, 65535)? as u16,
            dev_mode: parse_bool(get("DEV_MODE"), "DEV_MODE", false)?,
            log_level,
            feed_max_items: parse_num(get("FEED_MAX_ITEMS"), "FEED_MAX_ITEMS", 50, 1, 1000)? as u32,
            feed_cache_enabled: parse_bool(get("FEED_CACHE_ENABLED"), "FEED_CACHE_ENABLED", true)?,
            feed_cache_seconds: parse_num(
                get("FEED_CACHE_SECONDS"),
                "FEED_CACHE_SECONDS",
                300,
                0,
                86_400,
            )?,
            feed_cache_max_size: parse_num(
                get("FEED_CACHE_MAX_SIZE"),
                "FEED_CACHE_MAX_SIZE",
                50,
                1,
                10_000,
            )? as usize,
            max_content_length: parse_num(
                get("MAX_CONTENT_LENGTH"),
                "MAX_CONTENT_LENGTH",
                52_428_800,
                1024,
                1 << 34,
            )?,
            debug_save_failed_uploads: parse_bool(
                get("DEBUG_SAVE_FAILED_UPLOADS"),
                "DEBUG_SAVE_FAILED_UPLOADS",
                false,
            )?,
            debug_file_max_age_days: parse_num(
                get("DEBUG_FILE_MAX_AGE_DAYS"),
                "DEBUG_FILE_MAX_AGE_DAYS",
                7,
                0,
                3650,
            )?,
            debug_file_max_size_mb: parse_num(
                get("DEBUG_FILE_MAX_SIZE_MB"),
                "DEBUG_FILE_MAX_SIZE_MB",
                100,
                0,
                1_000_000,
            )?,
            about_url,
            trusted_proxies: TrustedProxies::parse(get("TRUSTED_PROXIES").unwrap_or(""))?,
            indieauth_require_pkce: parse_bool(
                get("INDIEAUTH_REQUIRE_PKCE"),
                "INDIEAUTH_REQUIRE_PKCE",
                true,
            )?,
            token_lifetime_days: parse_num(
                get("TOKEN_LIFETIME_DAYS"),
                "TOKEN_LIFETIME_DAYS",
                90,
                0,
                36_500,
            )?,
            warnings,
        })
    }

    /// Whether the site is served over https (cookies get `Secure`).
    pub fn is_https(&self) -> bool {
        self.site_url.starts_with("https://")
    }

    /// An absolute URL on this site for a path that starts with `/`.
    pub fn abs(&self, path: &str) -> String {
        format!("{}{}", self.site_url, path)
    }

    /// Whether the blog is the owner's identity and its own IndieAuth server
    /// (`ADMIN_ME` unset or equal to `{SITE_URL}/`), rather than a client of the
    /// provider discovered from `ADMIN_ME`.
    pub fn own_identity(&self) -> bool {
        self.admin_me.is_none()
    }

    /// The owner's identity URL: `ADMIN_ME`, or `{SITE_URL}/` in own-identity mode.
    pub fn me(&self) -> String {
        match &self.admin_me {
            Some(me) => me.to_string(),
            None => self.abs("/"),
        }
    }

    /// How access tokens of the own IndieAuth server live: `None` = until revoked.
    pub fn token_lifetime(&self) -> Option<std::time::Duration> {
        (self.token_lifetime_days > 0)
            .then(|| std::time::Duration::from_secs(self.token_lifetime_days * 86_400))
    }

    /// One line saying who signs the owner in, for `check-config` and the start-up log.
    pub fn identity_mode(&self) -> String {
        match &self.admin_me {
            Some(me) => format!(
                "identity: {me} (sign-in and Micropub tokens through the IndieAuth provider it names)"
            ),
            None => format!(
                "identity: {} (this blog is its own IndieAuth server: passkey or password sign-in)",
                self.me()
            ),
        }
    }
}

#[cfg(test)]
mod tests;
