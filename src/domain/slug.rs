//! Slugs: the permanent last segment of a note's URL (`/note/{slug}`).
//!
//! Default slugs are the UTC publication time `YYYYMMDDHHMMSS`; custom slugs follow
//! `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, at most 200 characters, and are never reserved words.

use std::fmt;

use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;

/// Longest slug accepted.
pub const MAX_LEN: usize = 200;

/// Words that can never be a custom slug because they are, or were, routes.
pub const RESERVED: &[&str] = &[
    "api", "admin", "auth", "feed", "static", "notes", "note", "login", "logout", "settings",
    "micropub", "callback", "feed.xml", "rss", "atom", "index", "home", "about", "search", "media",
    "tag", "health",
];

/// A valid slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

/// Why a custom slug was refused, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("the slug is empty once reduced to letters, digits and hyphens")]
    Empty,
    #[error("the slug is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("\"{0}\" is a reserved word and cannot be a slug")]
    Reserved(String),
    #[error("a slug may only contain a-z, 0-9 and inner hyphens")]
    Invalid,
}

impl Slug {
    /// Accepts a slug exactly as stored in a URL: no normalisation, strict rules.
    /// Used for incoming `/note/{slug}` paths.
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > MAX_LEN {
            return Err(SlugError::TooLong);
        }
        let bytes = s.as_bytes();
        let ok_char = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-';
        if !bytes.iter().all(ok_char) || bytes[0] == b'-' || bytes[bytes.len() - 1] == b'-' {
            return Err(SlugError::Invalid);
        }
        Ok(Slug(s.to_string()))
    }

    /// Normalises what a person or client typed (NFKD, ASCII, lowercase, runs of other
    /// characters become one hyphen) and checks the rules, including reserved words.
    pub fn custom(input: &str) -> Result<Self, SlugError> {
        let raw = input.trim().to_ascii_lowercase();
        if RESERVED.contains(&raw.as_str()) {
            return Err(SlugError::Reserved(raw));
        }
        let mut out = String::with_capacity(input.len());
        let mut pending_hyphen = false;
        for c in input.nfkd() {
            if c.is_ascii_alphanumeric() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(c.to_ascii_lowercase());
            } else if c.is_ascii() {
                // spaces, punctuation and hyphens separate words
                pending_hyphen = true;
            }
            // non-ASCII remnants (combining accents) are dropped
        }
        if out.is_empty() {
            return Err(SlugError::Empty);
        }
        if out.len() > MAX_LEN {
            return Err(SlugError::TooLong);
        }
        if RESERVED.contains(&out.as_str()) {
            return Err(SlugError::Reserved(out));
        }
        Slug::parse(&out)
    }

    /// The default slug for a note published at `at`.
    pub fn from_time(at: DateTime<Utc>) -> Self {
        Slug(at.format("%Y%m%d%H%M%S").to_string())
    }

    /// The `n`th variant of this slug used when it is taken: `base-n`.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(MAX_LEN - suffix.len());
        let base = base.trim_end_matches('-');
        Slug(format!("{base}{suffix}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn default_slug_is_utc_timestamp() {
        let t = Utc.with_ymd_and_hms(2024, 3, 9, 7, 5, 1).unwrap();
        assert_eq!(Slug::from_time(t).as_str(), "20240309070501");
        assert_eq!(
            Slug::from_time(t).with_suffix(1).as_str(),
            "20240309070501-1"
        );
    }

    #[test]
    fn custom_slugs_are_normalised() {
        assert_eq!(
            Slug::custom("Hello, World!").unwrap().as_str(),
            "hello-world"
        );
        assert_eq!(
            Slug::custom("  Crème Brûlée  ").unwrap().as_str(),
            "creme-brulee"
        );
        assert_eq!(Slug::custom("a--b__c").unwrap().as_str(), "a-b-c");
        assert_eq!(Slug::custom("ＡＢＣ").unwrap().as_str(), "abc");
    }

    #[test]
    fn custom_slugs_refuse_reserved_and_empty() {
        assert_eq!(
            Slug::custom("Admin"),
            Err(SlugError::Reserved("admin".into()))
        );
        assert_eq!(
            Slug::custom("Feed.xml"),
            Err(SlugError::Reserved("feed.xml".into()))
        );
        assert_eq!(Slug::custom("!!!"), Err(SlugError::Empty));
        assert_eq!(Slug::custom("日本語"), Err(SlugError::Empty));
        assert_eq!(Slug::custom(&"a".repeat(201)), Err(SlugError::TooLong));
        assert!(Slug::custom(&"a".repeat(200)).is_ok());
    }

    #[test]
    fn strict_parse_for_paths() {
        assert!(Slug::parse("hello-world").is_ok());
        assert!(Slug::parse("Hello").is_err());
        assert!(Slug::parse("-a").is_err());
        assert!(Slug::parse("a-").is_err());
        assert!(Slug::parse("a/b").is_err());
        assert!(Slug::parse("..").is_err());
        assert!(Slug::parse("").is_err());
    }

    #[test]
    fn suffix_keeps_length_limit() {
        let long = Slug::parse(&"a".repeat(200)).unwrap();
        let s = long.with_suffix(12);
        assert!(s.as_str().len() <= MAX_LEN);
        assert!(s.as_str().ends_with("-12"));
    }
}
