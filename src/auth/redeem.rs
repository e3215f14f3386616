//! Redeeming an authorization code at the authorization endpoint (IndieAuth §5.3.3
//! "profile URL" response): a form POST asking for JSON, while still understanding the
//! form-encoded answer of older providers.

use std::time::Duration;

use reqwest::Client;
use reqwest::header::ACCEPT;
use url::Url;

use crate::auth::fetch::{FetchError, redact, send_capped};

/// What the provider answered to a redemption.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Answer {
    pub me: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Why a code could not be redeemed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RedeemError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{endpoint} refused the code (HTTP {status}){}", refusal(.error, .description))]
    Refused {
        endpoint: String,
        status: u16,
        error: Option<String>,
        description: Option<String>,
    },
    #[error("{0} confirmed the code but named no profile URL (`me`)")]
    NoMe(String),
}

fn refusal(error: &Option<String>, description: &Option<String>) -> String {
    match (error, description) {
        (Some(e), Some(d)) => format!(": {e} ({d})"),
        (Some(e), None) => format!(": {e}"),
        (None, Some(d)) => format!(": {d}"),
        (None, None) => String::new(),
    }
}

/// The parameters of a redemption.
#[derive(Debug)]
pub struct Redemption<'a> {
    pub endpoint: &'a Url,
    pub code: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub verifier: &'a str,
}

/// POSTs the code and returns the `me` the provider vouches for.
pub async fn redeem(
    client: &Client,
    r: &Redemption<'_>,
    dev_mode: bool,
    timeout: Duration,
) -> Result<String, RedeemError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", r.code),
        ("client_id", r.client_id),
        ("redirect_uri", r.redirect_uri),
        ("code_verifier", r.verifier),
    ];
    let req = client
        .post(r.endpoint.clone())
        .header(ACCEPT, "application/json")
        .form(&form);
    let res = send_capped(req, r.endpoint, dev_mode, timeout, false).await?;
    let content_type = res
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let answer = parse_answer(content_type, &res.body);
    let endpoint = redact(r.endpoint);
    if !(200..300).contains(&res.status) || answer.error.is_some() {
        return Err(RedeemError::Refused {
            endpoint,
            status: res.status,
            error: answer.error.map(|e| clip(&e)),
            description: answer.error_description.map(|d| clip(&d)),
        });
    }
    answer.me.ok_or(RedeemError::NoMe(endpoint))
}

/// Reads a JSON or form-encoded answer; anything else yields an empty [`Answer`].
pub fn parse_answer(content_type: Option<&str>, body: &[u8]) -> Answer {
    let ct = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let looks_json =
        ct.ends_with("json") || body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if looks_json {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
            return Answer::default();
        };
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        return Answer {
            me: field("me"),
            error: field("error"),
            error_description: field("error_description"),
        };
    }
    let mut a = Answer::default();
    for (k, v) in url::form_urlencoded::parse(body) {
        let slot = match k.as_ref() {
            "me" => &mut a.me,
            "error" => &mut a.error,
            "error_description" => &mut a.error_description,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(v.into_owned());
        }
    }
    a
}

/// Provider text shown to the owner is kept short.
fn clip(s: &str) -> String {
    s.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_answers() {
        let a = parse_answer(
            Some("application/json; charset=utf-8"),
            br#"{"me":"https://ada.example/","profile":{}}"#,
        );
        assert_eq!(a.me.as_deref(), Some("https://ada.example/"));
        let a = parse_answer(
            None,
            br#" {"error":"invalid_grant","error_description":"expired"}"#,
        );
        assert_eq!(a.error.as_deref(), Some("invalid_grant"));
        assert_eq!(a.error_description.as_deref(), Some("expired"));
        assert_eq!(
            parse_answer(Some("application/json"), b"not json"),
            Answer::default()
        );
    }

    #[test]
    fn form_answers_from_older_providers() {
        let a = parse_answer(
            Some("application/x-www-form-urlencoded"),
            b"me=https%3A%2F%2Fada.example%2F&scope=",
        );
        assert_eq!(a.me.as_deref(), Some("https://ada.example/"));
        let a = parse_answer(Some("text/plain"), b"error=invalid_request");
        assert_eq!(a.error.as_deref(), Some("invalid_request"));
    }

    #[test]
    fn refusal_wording() {
        let e = RedeemError::Refused {
            endpoint: "https://a.example/auth".into(),
            status: 400,
            error: Some("invalid_grant".into()),
            description: None,
        };
        assert_eq!(
            e.to_string(),
            "https://a.example/auth refused the code (HTTP 400): invalid_grant"
        );
    }
}
