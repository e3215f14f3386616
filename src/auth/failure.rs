//! Every way sign-in can fail, as a page that says what happened and what to do. Each
//! failure is logged once, here, without codes, states or tokens.

use std::time::Duration;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::app::AppState;
use crate::auth::endpoints::DiscoveryError;
use crate::auth::fetch::FetchError;
use crate::auth::redeem::RedeemError;
use crate::auth::views::FailedPage;
use crate::site::layout::Layout;

/// Why a sign-in did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AuthFailure {
    #[error("ADMIN_ME is not configured")]
    NotConfigured,
    #[error("discovery failed: {0}")]
    Discovery(#[from] DiscoveryError),
    #[error("rate limited")]
    RateLimited(Duration),
    #[error("callback without state")]
    StateMissing,
    #[error("callback with an unknown state")]
    StateUnknown,
    #[error("callback with a state already used")]
    StateReused,
    #[error("callback with an expired state")]
    StateExpired,
    #[error("callback in a browser other than the one that started")]
    ForeignBrowser,
    #[error("iss {got:?} is not the discovered issuer {expected:?}")]
    IssuerMismatch { expected: String, got: String },
    #[error("callback without iss, which the provider's metadata promises (RFC 9207)")]
    IssuerMissing,
    #[error("provider said access_denied")]
    AccessDenied,
    #[error("provider said {error}")]
    Provider {
        error: String,
        description: Option<String>,
    },
    #[error("callback without code")]
    NoCode,
    #[error("redemption failed: {0}")]
    Redeem(#[from] RedeemError),
    #[error("signed in as {got}, not the owner")]
    WrongUser { got: String, owner: String },
    #[error("storage failed: {0}")]
    Storage(#[from] sqlx::Error),
}

struct Wording {
    status: StatusCode,
    heading: &'static str,
    message: String,
    hint: Option<String>,
}

fn fetch_status(e: &FetchError) -> StatusCode {
    match e {
        FetchError::Timeout(..) => StatusCode::GATEWAY_TIMEOUT,
        _ => StatusCode::BAD_GATEWAY,
    }
}

impl AuthFailure {
    fn wording(&self) -> Wording {
        use AuthFailure::*;
        let w = |status, heading, message: String, hint: Option<&str>| Wording {
            status,
            heading,
            message,
            hint: hint.map(str::to_string),
        };
        match self {
            NotConfigured => w(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sign-in is not configured",
                "This blog has no owner set (ADMIN_ME is not configured), so nobody can sign in.".into(),
                Some("If this is your blog, set ADMIN_ME to your website's address and restart StarPunk."),
            ),
            Discovery(DiscoveryError::NoEndpoint(me)) => w(
                StatusCode::BAD_GATEWAY,
                "No sign-in service found at your website",
                format!("{me} does not name an IndieAuth sign-in service."),
                Some(
                    "Add an HTTP Link header or a <link> element with rel=\"indieauth-metadata\" or \
                     rel=\"authorization_endpoint\" to that page, then try again.",
                ),
            ),
            Discovery(DiscoveryError::Fetch(e)) => w(
                fetch_status(e),
                "Your website could not be read",
                format!("Looking for your sign-in service failed: {e}."),
                Some("Check that the address in ADMIN_ME answers, then try again."),
            ),
            Discovery(e @ DiscoveryError::Metadata(..)) => w(
                StatusCode::BAD_GATEWAY,
                "Your sign-in service's metadata is unusable",
                format!("{e}."),
                None,
            ),
            RateLimited(wait) => w(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many sign-in attempts",
                format!("Sign-in was tried too often from your address. Wait {} seconds.", wait.as_secs().max(1)),
                None,
            ),
            StateMissing => w(
                StatusCode::BAD_REQUEST,
                "This is not the end of a sign-in",
                "The address carried no state, so it cannot belong to a sign-in started here.".into(),
                None,
            ),
            StateUnknown => w(
                StatusCode::BAD_REQUEST,
                "Unknown sign-in",
                "This answer does not belong to any sign-in started here (or it is too old).".into(),
                None,
            ),
            StateReused => w(
                StatusCode::BAD_REQUEST,
                "This sign-in was already used",
                "Each sign-in can finish only once, and this one already has.".into(),
                None,
            ),
            StateExpired => w(
                StatusCode::BAD_REQUEST,
                "This sign-in expired",
                "A sign-in must be finished within 5 minutes of starting it.".into(),
                None,
            ),
            ForeignBrowser => w(
                StatusCode::BAD_REQUEST,
                "This sign-in was started in another browser",
                "For your safety, a sign-in must finish in the browser that started it (with cookies on).".into(),
                None,
            ),
            IssuerMismatch { expected, got } => w(
                StatusCode::BAD_REQUEST,
                "The answer came from the wrong sign-in service",
                format!("It says it came from {got}, but your sign-in service is {expected}. Nobody was signed in."),
                None,
            ),
            IssuerMissing => w(
                StatusCode::BAD_REQUEST,
                "The answer did not say where it came from",
                "Your sign-in service promises to name itself in its answer, and this answer did not. It may not have come from your sign-in service. Nobody was signed in.".to_string(),
                None,
            ),
            AccessDenied => w(
                StatusCode::FORBIDDEN,
                "Sign-in was not approved",
                "Your sign-in service answered access_denied: the sign-in was cancelled or refused.".into(),
                None,
            ),
            Provider { error, description } => w(
                StatusCode::BAD_GATEWAY,
                "Your sign-in service reported an error",
                match description {
                    Some(d) => format!("It answered {error}: {d}."),
                    None => format!("It answered {error}."),
                },
                None,
            ),
            NoCode => w(
                StatusCode::BAD_GATEWAY,
                "Your sign-in service sent no code",
                "The answer had neither a code nor an error, so the sign-in cannot be checked.".into(),
                None,
            ),
            Redeem(e) => w(
                match e {
                    RedeemError::Fetch(f) => fetch_status(f),
                    _ => StatusCode::BAD_GATEWAY,
                },
                "Your sign-in service did not confirm the sign-in",
                format!("{e}."),
                None,
            ),
            WrongUser { got, owner } => w(
                StatusCode::FORBIDDEN,
                "Signed in as someone else",
                format!("You signed in as {got}, but this blog belongs to {owner}. Nobody was signed in."),
                None,
            ),
            Storage(_) => w(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sign-in could not be recorded",
                "The database did not answer, so nobody was signed in. Try again in a moment.".into(),
                None,
            ),
        }
    }

    /// Logs the failure (once) and renders its page; never cached.
    pub fn respond(self, state: &AppState) -> Response {
        let wording = self.wording();
        match &self {
            AuthFailure::Storage(e) => tracing::error!(error = %e, "sign-in failed"),
            AuthFailure::RateLimited(_) => tracing::warn!("sign-in rate limited"),
            other => tracing::warn!(reason = %other, "sign-in failed"),
        }
        let page = FailedPage {
            l: Layout::new(&state.site, wording.heading),
            heading: wording.heading.to_string(),
            message: wording.message,
            hint: wording.hint,
            retry: !matches!(self, AuthFailure::NotConfigured),
        };
        let body = page
            .render()
            .unwrap_or_else(|_| wording.heading.to_string());
        let mut res = (wording.status, Html(body)).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        if let AuthFailure::RateLimited(wait) = self
            && let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
        {
            h.insert(header::RETRY_AFTER, v);
        }
        res
    }
}
