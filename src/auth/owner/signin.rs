//! `/auth/login` in own-identity mode: the page (a passkey button and the password
//! form) and the password sign-in. Failed passwords are limited per client and across
//! all clients; every attempt is counted before the hash is computed (so parallel
//! guesses cannot slip past) and a right one is forgiven. A browser carrying the
//! owner's known-device cookie ([`device`]) skips the global limit: strangers guessing
//! from many addresses then delay only other strangers, never the owner's browser.

use std::time::Duration;

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::app::AppState;
use crate::auth::login::{param, see_other};
use crate::auth::owner::{GLOBAL_KEY, device, rp};
use crate::auth::password;
use crate::auth::ratelimit::ClientAddr;
use crate::auth::urls::{DEFAULT_NEXT, safe_next};
use crate::auth::views::OwnLoginPage;
use crate::auth::{purge_expired, session};
use crate::db::passkeys;
use crate::site::layout::Layout;

/// The sign-in page with `status` and an optional message about the last attempt.
pub async fn render(
    s: &AppState,
    next: Option<String>,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let webauthn = rp::webauthn(&s.config);
    let (has_password, passkey_count) = match tokio::try_join!(
        async {
            password::has_password(&s.auth.store)
                .await
                .map_err(|e| e.to_string())
        },
        async { passkeys::count(&s.db).await.map_err(|e| e.to_string()) },
    ) {
        Ok(x) => x,
        Err(e) => {
            return crate::error::AppError::Internal(anyhow::anyhow!("sign-in page: {e}"))
                .into_response();
        }
    };
    let page = OwnLoginPage {
        l: Layout::new(&s.site, "Sign in"),
        next,
        has_password,
        has_passkeys: passkey_count > 0 && webauthn.is_some(),
        no_credential: !has_password && passkey_count == 0,
        passkeys_unavailable: webauthn.is_none().then_some(rp::IP_HOST),
        error,
    };
    match page.render() {
        Ok(body) => {
            let mut res = (status, Html(body)).into_response();
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            res
        }
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

/// `POST /auth/login` in own-identity mode: form fields `password` and `next`.
/// Right → 303 to `next` with the session and known-device cookies; wrong → 401 page;
/// too many → 429.
pub async fn password(
    s: &AppState,
    addr: &ClientAddr,
    headers: &HeaderMap,
    form: &[u8],
) -> Response {
    let next = safe_next(param(form, "next").as_deref());
    if let Err(wait) = s.auth.limiter.check(&addr.0) {
        tracing::warn!("password sign-in rate limited for this client");
        let msg = format!(
            "Too many wrong passwords from your address. Wait {} seconds before trying the password again; a passkey still works.",
            wait.as_secs().max(1)
        );
        return limited(
            render(s, next, StatusCode::TOO_MANY_REQUESTS, Some(msg)).await,
            wait,
        );
    }
    let known = device::is_known(s, headers);
    if !known && let Err(wait) = s.auth.owner.global.check(GLOBAL_KEY) {
        s.auth.limiter.forgive(&addr.0);
        tracing::warn!("password sign-in rate limited for all clients");
        let msg = format!(
            "Too many wrong passwords were tried on this site in the last minute. Wait {} seconds before trying the password again; a passkey still works.",
            wait.as_secs().max(1)
        );
        return limited(
            render(s, next, StatusCode::TOO_MANY_REQUESTS, Some(msg)).await,
            wait,
        );
    }
    let given = param(form, "password").unwrap_or_default();
    let verdict = match s.auth.owner.argon2.acquire().await {
        Ok(_permit) => password::verify_password(&s.auth.store, &given).await,
        Err(_) => Ok(false),
    };
    match verdict {
        Ok(true) => {
            s.auth.limiter.forgive(&addr.0);
            if !known {
                s.auth.owner.global.forgive(GLOBAL_KEY);
            }
            purge_expired(s).await;
            match session::create(s, &s.config.me()).await {
                Ok(cookie) => {
                    tracing::info!("signed in with the password");
                    let mut res = see_other(next.as_deref().unwrap_or(DEFAULT_NEXT));
                    res.headers_mut().append(header::SET_COOKIE, cookie);
                    res.headers_mut()
                        .append(header::SET_COOKIE, device::issue(s));
                    res
                }
                Err(e) => {
                    tracing::error!(error = %e, "password sign-in: session not stored");
                    render(
                        s,
                        next,
                        StatusCode::SERVICE_UNAVAILABLE,
                        Some("The sign-in could not be recorded. Try again in a moment.".into()),
                    )
                    .await
                }
            }
        }
        Ok(false) => {
            tracing::warn!("password sign-in refused: wrong password");
            render(
                s,
                next,
                StatusCode::UNAUTHORIZED,
                Some("That password is not right. Nobody was signed in.".into()),
            )
            .await
        }
        Err(e) => {
            tracing::error!(error = %e, "password sign-in failed");
            render(
                s,
                next,
                StatusCode::SERVICE_UNAVAILABLE,
                Some("The password could not be checked. Try again in a moment.".into()),
            )
            .await
        }
    }
}

fn limited(mut res: Response, wait: Duration) -> Response {
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}
