//! What the token service refuses, as OAuth 2.0 error codes (RFC 6749 §5.2) with a
//! description a developer can act on. The token endpoint answers these as JSON with
//! status 400; [`GrantError::Store`] is a server fault (500, logged, never described).

/// Why a code, token or request was refused.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    /// The code or refresh token is unknown, expired, used, revoked, or bound to
    /// another client, redirect URI or PKCE verifier.
    #[error("invalid_grant: {0}")]
    InvalidGrant(&'static str),
    /// A parameter is missing or malformed (e.g. PKCE other than S256).
    #[error("invalid_request: {0}")]
    InvalidRequest(&'static str),
    /// A scope is malformed, or wider than the grant.
    #[error("invalid_scope: {0}")]
    InvalidScope(&'static str),
    /// A `grant_type` other than `authorization_code` and `refresh_token`.
    #[error("unsupported_grant_type")]
    UnsupportedGrantType,
    /// The database failed; the details are for the log only.
    #[error("the token store failed: {0}")]
    Store(#[from] sqlx::Error),
}

impl GrantError {
    /// The OAuth `error` code.
    pub fn code(&self) -> &'static str {
        match self {
            GrantError::InvalidGrant(_) => "invalid_grant",
            GrantError::InvalidRequest(_) => "invalid_request",
            GrantError::InvalidScope(_) => "invalid_scope",
            GrantError::UnsupportedGrantType => "unsupported_grant_type",
            GrantError::Store(_) => "server_error",
        }
    }

    /// The OAuth `error_description`: safe to show to the client.
    pub fn description(&self) -> &'static str {
        match self {
            GrantError::InvalidGrant(d)
            | GrantError::InvalidRequest(d)
            | GrantError::InvalidScope(d) => d,
            GrantError::UnsupportedGrantType => {
                "Only the authorization_code and refresh_token grant types are supported."
            }
            GrantError::Store(_) => "The server could not complete the request; try again.",
        }
    }
}

/// The grant types of the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
}

impl GrantType {
    /// Reads `grant_type`; anything else is [`GrantError::UnsupportedGrantType`].
    pub fn parse(s: &str) -> Result<Self, GrantError> {
        match s {
            "authorization_code" => Ok(GrantType::AuthorizationCode),
            "refresh_token" => Ok(GrantType::RefreshToken),
            _ => Err(GrantError::UnsupportedGrantType),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_oauth_codes() {
        assert_eq!(GrantError::InvalidGrant("x").code(), "invalid_grant");
        assert_eq!(GrantError::InvalidGrant("x").description(), "x");
        assert_eq!(GrantError::InvalidScope("y").code(), "invalid_scope");
        assert_eq!(GrantError::InvalidRequest("z").code(), "invalid_request");
        let store = GrantError::Store(sqlx::Error::RowNotFound);
        assert_eq!(store.code(), "server_error");
        assert!(!store.description().contains("RowNotFound"));
    }

    #[test]
    fn grant_types() {
        assert_eq!(
            GrantType::parse("refresh_token").unwrap(),
            GrantType::RefreshToken
        );
        assert_eq!(
            GrantType::parse("password").unwrap_err().code(),
            "unsupported_grant_type"
        );
        assert!(GrantType::parse("").is_err());
    }
}
