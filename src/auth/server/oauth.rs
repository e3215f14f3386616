//! The plumbing every machine-facing endpoint shares: OAuth 2.0 error answers as JSON
//! (RFC 6749 §5.2, RFC 6750 §3), request bodies read with a small cap (form-encoded,
//! or a JSON object), the bearer token of a request, and CORS.

use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::tokens::GrantError;

/// Largest request body the endpoints read: every parameter they take fits many
/// times over.
pub const MAX_BODY: usize = 16 * 1024;

/// An OAuth error answer: `{"error", "error_description"}`, never cached.
#[derive(Debug, Clone)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: &'static str,
    /// `Retry-After` seconds, for 429.
    pub retry_after: Option<u64>,
}

impl OAuthError {
    /// A 400 with `error` and a description.
    pub fn bad(error: &'static str, description: &'static str) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            error,
            description,
            retry_after: None,
        }
    }

    /// 400 `invalid_request`.
    pub fn invalid_request(description: &'static str) -> Self {
        Self::bad("invalid_request", description)
    }

    /// 401 `invalid_token` (RFC 6750): no bearer token, or not a live one of ours.
    pub fn invalid_token(description: &'static str) -> Self {
        OAuthError {
            status: StatusCode::UNAUTHORIZED,
            ..Self::bad("invalid_token", description)
        }
    }

    /// 403 `insufficient_scope` (RFC 6750).
    pub fn insufficient_scope(description: &'static str) -> Self {
        OAuthError {
            status: StatusCode::FORBIDDEN,
            ..Self::bad("insufficient_scope", description)
        }
    }

    /// 404: the blog is not its own IndieAuth server.
    pub fn not_found() -> Self {
        OAuthError {
            status: StatusCode::NOT_FOUND,
            ..Self::bad(
                "not_found",
                "This blog does not run its own IndieAuth server; its owner signs in elsewhere.",
            )
        }
    }

    /// 429 after too many failures from one address.
    pub fn too_many(wait: Duration) -> Self {
        OAuthError {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(wait.as_secs().max(1)),
            ..Self::bad(
                "slow_down",
                "Too many failed attempts from this address; wait before trying again.",
            )
        }
    }

    /// Whether this answer counts as a failed attempt for the rate limit.
    pub fn is_failure(&self) -> bool {
        self.status.is_client_error() && self.status != StatusCode::TOO_MANY_REQUESTS
    }
}

impl From<GrantError> for OAuthError {
    fn from(e: GrantError) -> Self {
        if let GrantError::Store(err) = &e {
            tracing::error!(error = %err, "the token store failed");
            return OAuthError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                ..Self::bad(e.code(), e.description())
            };
        }
        Self::bad(e.code(), e.description())
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(e: sqlx::Error) -> Self {
        GrantError::Store(e).into()
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        let mut res = (self.status, no_store(), axum::Json(body)).into_response();
        let h = res.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED || self.status == StatusCode::FORBIDDEN {
            let v = format!("Bearer error=\"{}\"", self.error);
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.insert(header::WWW_AUTHENTICATE, v);
            }
        }
        if let Some(secs) = self.retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// `Cache-Control: no-store` and `Pragma: no-cache`, as RFC 6749 §5.1 asks of every
/// answer carrying tokens.
pub fn no_store() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}

/// A JSON answer that must not be cached.
pub fn json_no_store(value: serde_json::Value) -> Response {
    (no_store(), axum::Json(value)).into_response()
}

/// The parameters of a request body, in order. A parameter sent twice is refused
/// (RFC 6749 §3.1), so no two readers can disagree about which value counts.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Reads form-encoded parameters.
    pub fn from_form(raw: &[u8]) -> Result<Self, OAuthError> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self::checked(pairs)
    }

    /// Reads a JSON object of strings (other values are refused).
    pub fn from_json(raw: &[u8]) -> Result<Self, OAuthError> {
        let bad = || OAuthError::invalid_request("The body must be a JSON object of strings.");
        let value: serde_json::Value = serde_json::from_slice(raw).map_err(|_| bad())?;
        let obj = value.as_object().ok_or_else(bad)?;
        let mut pairs = Vec::with_capacity(obj.len());
        for (k, v) in obj {
            pairs.push((k.clone(), v.as_str().ok_or_else(bad)?.to_string()));
        }
        Self::checked(pairs)
    }

    fn checked(pairs: Vec<(String, String)>) -> Result<Self, OAuthError> {
        for (i, (k, _)) in pairs.iter().enumerate() {
            if pairs[..i].iter().any(|(seen, _)| seen == k) {
                return Err(OAuthError::invalid_request(
                    "A parameter was sent more than once.",
                ));
            }
        }
        Ok(Params(pairs))
    }

    /// The value of `name`, when sent and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The value of `name`, or `invalid_request` naming it.
    pub fn require(&self, name: &str, missing: &'static str) -> Result<&str, OAuthError> {
        self.get(name).ok_or(OAuthError::invalid_request(missing))
    }
}

/// Reads a request's body (at most [`MAX_BODY`] bytes) as form-encoded parameters,
/// or as JSON when it says so.
pub async fn read_params(req: Request) -> Result<(HeaderMap, Params), OAuthError> {
    let (parts, body) = req.into_parts();
    let raw = to_bytes(Body::new(body), MAX_BODY)
        .await
        .map_err(|_| OAuthError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            ..OAuthError::invalid_request("The request body is too large.")
        })?;
    let json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(crate::auth::discovery::media_type)
        .is_some_and(|t| t == "application/json");
    let params = if json {
        Params::from_json(&raw)?
    } else {
        Params::from_form(&raw)?
    };
    Ok((parts.headers, params))
}

/// The bearer token of the `Authorization` header: `Ok(None)` without one, an error
/// for any other kind of authorization.
pub fn bearer(headers: &HeaderMap) -> Result<Option<String>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .map(Some)
        .ok_or(OAuthError::invalid_token(
            "Send the access token as \"Authorization: Bearer <token>\".",
        ))
}

/// The live access token of the `Authorization` header and what it allows; 401
/// `invalid_token` without one, or when it is unknown, expired or revoked.
pub async fn bearer_grant(
    s: &crate::app::AppState,
    headers: &HeaderMap,
) -> Result<crate::auth::tokens::AccessGrant, OAuthError> {
    let token = bearer(headers)?.ok_or(OAuthError::invalid_token(
        "Send the access token as \"Authorization: Bearer <token>\".",
    ))?;
    s.tokens
        .try_check_access(&token)
        .await?
        .ok_or(OAuthError::invalid_token(
            "The access token is not valid: unknown, expired or revoked.",
        ))
}

/// The answer to a CORS preflight: any origin may send a bearer token and a body. It
/// carries `Allow-Origin` itself, since `/auth/authorize` (code redemption) shares its
/// route with the consent page and so sits outside the [`cors`] layer.
pub async fn preflight(_own: super::OwnServer) -> Response {
    let mut res = (
        StatusCode::NO_CONTENT,
        [
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("Authorization, Content-Type, Accept"),
            ),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            ),
        ],
    )
        .into_response();
    add_cors(&mut res);
    res
}

/// CORS on every answer of the machine-facing endpoints, errors included. No
/// `Allow-Credentials`: cookies are neither sent along nor looked at.
pub async fn cors(mut res: Response) -> Response {
    add_cors(&mut res);
    res
}

/// Adds the CORS headers to one answer.
pub fn add_cors(res: &mut Response) {
    let h = res.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("WWW-Authenticate, Retry-After"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_refuse_repeats_and_read_json() {
        let p = Params::from_form(b"a=1&b=&c=x%20y").unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("x y"));
        assert!(Params::from_form(b"a=1&a=2").is_err());
        let j = Params::from_json(br#"{"code":"x","client_id":"y"}"#).unwrap();
        assert_eq!(j.get("code"), Some("x"));
        assert!(Params::from_json(br#"{"code":1}"#).is_err());
        assert!(Params::from_json(b"[1]").is_err());
    }

    #[test]
    fn bearer_header() {
        let mut h = HeaderMap::new();
        assert!(bearer(&h).unwrap().is_none());
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&h).unwrap().as_deref(), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(bearer(&h).is_err());
    }
}
