//! An authorization request (IndieAuth §5.2) checked in the order that keeps the owner
//! safe: who the client is and where it wants the answer sent first — a refusal there
//! is an error page, never a redirect — then everything else, refused back to the
//! client as `error=…` on its (now trusted) redirect URI.

use url::Url;

use crate::auth::client::{ClientIdError, RedirectError, check_redirect_uri, parse_client_id};
use crate::auth::crypto::is_token_shaped;
use crate::auth::tokens::scope;

/// The query of `GET /auth/authorize`, first value of each parameter.
#[derive(Debug, Default, Clone)]
pub struct AuthzQuery {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub scope: Option<String>,
    pub me: Option<String>,
}

impl AuthzQuery {
    /// Reads a query string.
    pub fn parse(raw: &str) -> Self {
        let mut q = AuthzQuery::default();
        for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
            let slot = match k.as_ref() {
                "response_type" => &mut q.response_type,
                "client_id" => &mut q.client_id,
                "redirect_uri" => &mut q.redirect_uri,
                "state" => &mut q.state,
                "code_challenge" => &mut q.code_challenge,
                "code_challenge_method" => &mut q.code_challenge_method,
                "scope" => &mut q.scope,
                "me" => &mut q.me,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(v.into_owned());
            }
        }
        q
    }
}

/// The client and, when it is on the client's own origin, the redirect URI: what can
/// be decided without fetching anything.
#[derive(Debug, Clone)]
pub struct Identified {
    pub client_id: Url,
    /// `Err(NotListed)`: on another origin, to be checked against the fetched list.
    pub redirect: Result<Url, RedirectError>,
    /// The redirect URI as sent, for the list check.
    pub redirect_raw: String,
}

/// Why the request is refused with an error page (400) rather than a redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    ClientId(ClientIdError),
    Redirect(RedirectError),
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::ClientId(e) => e.fmt(f),
            PageError::Redirect(e) => e.fmt(f),
        }
    }
}

/// The pure first step: `client_id`, and `redirect_uri` as far as it can be judged
/// without the client's list.
pub fn identify(q: &AuthzQuery) -> Result<Identified, PageError> {
    let client_id =
        parse_client_id(q.client_id.as_deref().unwrap_or("")).map_err(PageError::ClientId)?;
    let raw = q.redirect_uri.clone().unwrap_or_default();
    let redirect = match check_redirect_uri(&client_id, &raw, &[]) {
        Err(RedirectError::NotListed) => Err(RedirectError::NotListed),
        Err(e) => return Err(PageError::Redirect(e)),
        Ok(u) => Ok(u),
    };
    Ok(Identified {
        client_id,
        redirect,
        redirect_raw: raw,
    })
}

/// A refusal sent back to the client on its redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    pub error: &'static str,
    pub description: &'static str,
}

/// What the rest of the request asks for, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub state: String,
    /// The S256 challenge; `None` only when PKCE is not required.
    pub challenge: Option<String>,
    pub scopes: Vec<String>,
}

/// The second step, once the redirect URI is trusted: response type, state, PKCE
/// (S256 only; none only when `require_pkce` is off) and scope.
pub fn check_rest(q: &AuthzQuery, require_pkce: bool) -> Result<Asked, ClientError> {
    let err = |error, description| ClientError { error, description };
    // `id` is what clients of the older specification send for sign-in; it is a code
    // by another name.
    match q.response_type.as_deref() {
        Some("code" | "id") => {}
        None | Some("") => {
            return Err(err(
                "invalid_request",
                "response_type is missing; send response_type=code.",
            ));
        }
        Some(_) => {
            return Err(err(
                "unsupported_response_type",
                "Only response_type=code is supported.",
            ));
        }
    }
    let state = match q.state.as_deref() {
        Some(s) if !s.is_empty() && s.len() <= 1024 => s.to_string(),
        Some(s) if !s.is_empty() => {
            return Err(err(
                "invalid_request",
                "state is too long (1024 characters at most).",
            ));
        }
        _ => return Err(err("invalid_request", "state is missing.")),
    };
    let method = q.code_challenge_method.as_deref().filter(|m| !m.is_empty());
    let challenge = q.code_challenge.as_deref().filter(|c| !c.is_empty());
    let challenge = match (challenge, method) {
        (Some(c), Some("S256")) if is_token_shaped(c) => Some(c.to_string()),
        (Some(_), Some("S256")) => {
            return Err(err(
                "invalid_request",
                "code_challenge must be an S256 challenge (43 base64url characters).",
            ));
        }
        (None, Some("S256")) => {
            return Err(err(
                "invalid_request",
                "code_challenge is missing; send it with code_challenge_method=S256.",
            ));
        }
        (_, Some(_)) => {
            return Err(err(
                "invalid_request",
                "Only code_challenge_method=S256 is supported.",
            ));
        }
        (Some(_), None) => {
            return Err(err(
                "invalid_request",
                "code_challenge_method is missing; send code_challenge_method=S256.",
            ));
        }
        (None, None) if require_pkce => {
            return Err(err(
                "invalid_request",
                "PKCE is required: send code_challenge with code_challenge_method=S256.",
            ));
        }
        (None, None) => None,
    };
    let scopes = scope::parse(q.scope.as_deref().unwrap_or(""))
        .map_err(|e| err("invalid_scope", e.description()))?;
    Ok(Asked {
        state,
        challenge,
        scopes,
    })
}

/// `redirect` with the answer's parameters appended (its own query kept), always with
/// `iss` (RFC 9207).
pub fn redirect_with(redirect: &Url, params: &[(&str, &str)], iss: &str) -> Url {
    let mut u = redirect.clone();
    {
        let mut q = u.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
        q.append_pair("iss", iss);
    }
    u
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
