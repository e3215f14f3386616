//! Scope strings (RFC 6749 §3.3): space-separated tokens of printable ASCII without
//! `"` or `\`. Stored normalised (each scope once, in the order first given), so the
//! "never wider" check of a refresh is a set comparison.

use super::GrantError;

/// Reads a scope string into its scopes, each once. An empty string is no scope.
pub fn parse(s: &str) -> Result<Vec<String>, GrantError> {
    let mut out: Vec<String> = Vec::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        if !word
            .bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5b | 0x5d..=0x7e))
        {
            return Err(GrantError::InvalidScope(
                "A scope may only hold printable ASCII other than '\"' and '\\', separated by spaces.",
            ));
        }
        if !out.iter().any(|x| x == word) {
            out.push(word.to_string());
        }
    }
    Ok(out)
}

/// The stored form of a set of scopes.
pub fn join(scopes: &[String]) -> String {
    scopes.join(" ")
}

/// Whether every scope of `asked` is in `granted`.
pub fn within(asked: &[String], granted: &[String]) -> bool {
    asked.iter().all(|a| granted.contains(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_and_checked() {
        assert_eq!(
            parse("create  update create").unwrap(),
            ["create", "update"]
        );
        assert!(parse("").unwrap().is_empty());
        assert!(parse("  ").unwrap().is_empty());
        assert_eq!(parse("a\"b").unwrap_err().code(), "invalid_scope");
        assert!(parse("a\\b").is_err());
        assert!(parse("tab\there").is_err());
        assert!(parse("caf\u{e9}").is_err());
    }

    #[test]
    fn narrowing_only() {
        let granted = parse("create update media").unwrap();
        assert!(within(&parse("create").unwrap(), &granted));
        assert!(within(&[], &granted));
        assert!(!within(&parse("create delete").unwrap(), &granted));
    }
}
