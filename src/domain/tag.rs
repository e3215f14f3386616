//! Tags: normalised (lowercase) for matching and URLs, with the display form kept.

/// Longest tag accepted, in characters.
pub const MAX_LEN: usize = 100;

/// A tag as written by the author (`display`) and as matched (`name`, lowercase).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tag {
    pub name: String,
    pub display: String,
}

/// Why a tag was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("a tag cannot be empty")]
    Empty,
    #[error("a tag is at most {MAX_LEN} characters")]
    TooLong,
    #[error("a tag cannot contain '/', '?', '#' or control characters")]
    Invalid,
}

impl Tag {
    /// Parses one tag: trims, drops a leading `#`, collapses inner whitespace.
    pub fn parse(input: &str) -> Result<Self, TagError> {
        let trimmed = input.trim().trim_start_matches('#').trim();
        let display = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
        if display.is_empty() {
            return Err(TagError::Empty);
        }
        if display.chars().count() > MAX_LEN {
            return Err(TagError::TooLong);
        }
        if display
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '?' | '#' | '\\'))
        {
            return Err(TagError::Invalid);
        }
        Ok(Tag {
            name: display.to_lowercase(),
            display,
        })
    }

    /// Parses a comma-separated list, dropping empties and duplicates (first display wins).
    pub fn parse_list(input: &str) -> Result<Vec<Tag>, TagError> {
        Self::dedupe(
            input
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(Tag::parse),
        )
    }

    /// Keeps the first of each normalised name, preserving order.
    pub fn dedupe(
        tags: impl IntoIterator<Item = Result<Tag, TagError>>,
    ) -> Result<Vec<Tag>, TagError> {
        let mut out: Vec<Tag> = Vec::new();
        for t in tags {
            let t = t?;
            if !out.iter().any(|o| o.name == t.name) {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// The path of this tag's archive, percent-encoded.
    pub fn path(&self) -> String {
        tag_path(&self.name)
    }
}

/// The archive path for a normalised tag name.
pub fn tag_path(name: &str) -> String {
    format!(
        "/tag/{}",
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_but_keeps_display() {
        let t = Tag::parse("  #IndieWeb ").unwrap();
        assert_eq!(t.name, "indieweb");
        assert_eq!(t.display, "IndieWeb");
    }

    #[test]
    fn list_dedupes_case_insensitively() {
        let tags = Tag::parse_list("Rust, rust ,, IndieWeb").unwrap();
        assert_eq!(
            tags.iter().map(|t| t.display.as_str()).collect::<Vec<_>>(),
            ["Rust", "IndieWeb"]
        );
    }

    #[test]
    fn refuses_bad_tags() {
        assert_eq!(Tag::parse("  "), Err(TagError::Empty));
        assert_eq!(Tag::parse("a/b"), Err(TagError::Invalid));
        assert_eq!(Tag::parse(&"x".repeat(101)), Err(TagError::TooLong));
    }

    #[test]
    fn path_is_encoded() {
        assert_eq!(
            Tag::parse("café au lait").unwrap().path(),
            "/tag/caf%C3%A9%20au%20lait"
        );
    }
}
