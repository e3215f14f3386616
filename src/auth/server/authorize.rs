//! The authorization endpoint's pages: `GET /auth/authorize` checks the request and
//! shows the consent page to the signed-in owner; `POST /auth/authorize/consent`
//! takes the owner's answer and sends the browser back to the application with a code
//! or `error=access_denied`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use url::Url;

use super::consent::{
    CONSENT_LIFETIME_SECS, ConsentPage, ScopeRow, Signed, data_url, describe, fetch_app,
};
use super::metadata::issuer;
use super::request::{AuthzQuery, ClientError, PageError, check_rest, identify, redirect_with};
use super::{CONSENT_PATH, OwnServer};
use crate::app::AppState;
use crate::auth::AdminSession;
use crate::auth::client::{ClientInfo, check_redirect_uri, is_unusual, parse_client_id};
use crate::auth::session::login_redirect;
use crate::auth::tokens::{GrantError, Pkce, scope};
use crate::db::clients::{KnownClient, remember};
use crate::domain::time::now;
use crate::error::{AppError, Result};
use crate::site::layout::Layout;

/// `GET /auth/authorize`.
pub async fn show(
    _own: OwnServer,
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
    session: Option<AdminSession>,
) -> Result<Response> {
    let raw = raw.unwrap_or_default();
    let q = AuthzQuery::parse(&raw);
    let id = identify(&q).map_err(refused)?;
    // Nothing is fetched for a stranger: sign in first, then come back here.
    let Some(session) = session else {
        return Ok(login_redirect(&format!("/auth/authorize?{raw}")));
    };
    let (info, logo) = fetch_app(&s, &id.client_id).await;
    let redirect = match id.redirect {
        Ok(u) => u,
        Err(_) => check_redirect_uri(&id.client_id, &id.redirect_raw, &info.redirect_uris)
            .map_err(|e| refused(PageError::Redirect(e)))?,
    };
    let asked = match check_rest(&q, s.config.indieauth_require_pkce) {
        Ok(a) => a,
        Err(e) => return Ok(back_to_client(&s, &redirect, &e, q.state.as_deref())),
    };
    let issued_at = now().timestamp();
    let requested_scope = scope::join(&asked.scopes);
    let code_challenge = asked.challenge.clone().unwrap_or_default();
    let signed = Signed {
        issued_at,
        client_id: id.client_id.as_str(),
        redirect_uri: redirect.as_str(),
        state: &asked.state,
        code_challenge: &code_challenge,
        requested_scope: &requested_scope,
    };
    let signature = signed.sign(s.auth.key(), session.token_hash());
    // Kept for the answer, so approving does not fetch the application again.
    s.tokens.hold_app(
        &signature,
        described(&id.client_id, &info, logo.clone()),
        issued_at.saturating_add(CONSENT_LIFETIME_SECS),
    );
    let app_name = info.name.clone();
    let page = ConsentPage {
        l: Layout::new(&s.site, "Allow an application?"),
        me: s.config.me(),
        app_named: app_name.is_some(),
        app_name: app_name.unwrap_or_else(|| host_of(&id.client_id)),
        app_url: info.url.to_string(),
        logo: logo.map(|(mime, bytes)| data_url(mime, &bytes)),
        client_id: id.client_id.to_string(),
        redirect_host: host_of(&redirect),
        unusual_redirect: is_unusual(&redirect, &id.client_id),
        redirect_uri: redirect.to_string(),
        scopes: asked
            .scopes
            .iter()
            .map(|name| ScopeRow {
                name: name.clone(),
                description: describe(name),
            })
            .collect(),
        no_pkce: asked.challenge.is_none(),
        state: asked.state,
        code_challenge,
        requested_scope,
        issued_at,
        signature,
        action: CONSENT_PATH,
        session,
    };
    let mut res = Html(page.render()?).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// `POST /auth/authorize/consent`: the owner's answer. Everything the form carries is
/// checked again: the CSRF token, the signature over the request (bound to this
/// session, at most half an hour old), the client and redirect rules, and that the
/// ticked scopes were all requested.
pub async fn decide(
    _own: OwnServer,
    State(s): State<AppState>,
    session: AdminSession,
    body: Bytes,
) -> Result<Response> {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    session.verify_csrf(Some(get("csrf_token")).filter(|t| !t.is_empty()))?;
    let signed = Signed {
        issued_at: get("issued_at").parse().unwrap_or(0),
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        state: get("state"),
        code_challenge: get("code_challenge"),
        requested_scope: get("requested_scope"),
    };
    if !signed.verify(
        s.auth.key(),
        session.token_hash(),
        get("signature"),
        now().timestamp(),
    ) {
        return Err(AppError::BadRequest(
            "This consent form is out of date or was changed, so nothing was granted. \
             Go back to the application and sign in again."
                .into(),
        ));
    }
    // Signed by us moments ago; checked again all the same.
    let client_id =
        parse_client_id(signed.client_id).map_err(|e| refused(PageError::ClientId(e)))?;
    let listed = Url::parse(signed.redirect_uri)
        .into_iter()
        .collect::<Vec<_>>();
    let redirect = check_redirect_uri(&client_id, signed.redirect_uri, &listed)
        .map_err(|e| refused(PageError::Redirect(e)))?;
    let approve = match get("decision") {
        "approve" => true,
        "deny" => false,
        _ => {
            return Err(AppError::BadRequest("Choose \"Allow\" or \"Deny\".".into()));
        }
    };
    let requested = scope::parse(signed.requested_scope).unwrap_or_default();
    let ticked: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.clone())
        .collect();
    if approve && !scope::within(&ticked, &requested) {
        return Err(AppError::BadRequest(
            "A permission the application did not ask for cannot be granted.".into(),
        ));
    }
    // Each form is answered once: posted again it would mint another code.
    let until = signed.issued_at.saturating_add(CONSENT_LIFETIME_SECS);
    if !s.tokens.spend_consent(get("signature"), until) {
        return Err(AppError::BadRequest(
            "This consent form was already answered, so nothing more was granted. \
             Go back to the application and sign in again if you need to."
                .into(),
        ));
    }
    if !approve {
        let to = redirect_with(
            &redirect,
            &[("error", "access_denied"), ("state", signed.state)],
            &issuer(&s),
        );
        return Ok(see_other(&to));
    }
    let pkce = (!signed.code_challenge.is_empty()).then_some(Pkce {
        method: "S256",
        challenge: signed.code_challenge,
    });
    let code = match s
        .tokens
        .issue_code(
            client_id.as_str(),
            redirect.as_str(),
            pkce,
            &ticked.join(" "),
            &s.config.me(),
        )
        .await
    {
        Ok(code) => code,
        Err(GrantError::Store(e)) => return Err(AppError::Internal(e.into())),
        Err(e) => {
            let err = ClientError {
                error: e.code(),
                description: e.description(),
            };
            return Ok(back_to_client(&s, &redirect, &err, Some(signed.state)));
        }
    };
    remember_app(&s, &client_id, s.tokens.take_app(get("signature"))).await;
    // Approvals are rare and human-paced: a fine moment to drop long-dead codes and
    // tokens, so the tables stay the size of what is live.
    if let Err(e) = s.tokens.purge_expired().await {
        tracing::warn!(error = %e, "could not purge expired codes and tokens");
    }
    let to = redirect_with(
        &redirect,
        &[("code", &code), ("state", signed.state)],
        &issuer(&s),
    );
    Ok(see_other(&to))
}

/// Keeps what the application says about itself for the admin's Apps page: as its
/// consent page held it, or (after a restart) fetched again. A failure costs only that
/// description, so it is logged and the approval goes on.
async fn remember_app(s: &AppState, client_id: &Url, held: Option<KnownClient>) {
    let known = match held.filter(|k| k.client_id == client_id.as_str()) {
        Some(k) => k,
        None => {
            let (info, logo) = fetch_app(s, client_id).await;
            described(client_id, &info, logo)
        }
    };
    if let Err(e) = remember(&s.db, &known, now()).await {
        tracing::warn!(error = %e, "could not save the application's description");
    }
}

/// An application's description as the Apps page keeps it.
fn described(
    client_id: &Url,
    info: &ClientInfo,
    logo: Option<(&'static str, Vec<u8>)>,
) -> KnownClient {
    let (logo_type, logo) = match logo {
        Some((mime, bytes)) => (Some(mime.to_string()), Some(bytes)),
        None => (None, None),
    };
    KnownClient {
        client_id: client_id.to_string(),
        name: info.name.clone(),
        url: Some(info.url.to_string()),
        logo_type,
        logo,
    }
}

/// The error page for a request whose client or redirect URI is not acceptable: the
/// browser stays here, since the address it would go to is the problem.
fn refused(e: PageError) -> AppError {
    tracing::info!(reason = %e, "authorization request refused");
    AppError::BadRequest(format!(
        "This sign-in request from an application cannot be accepted. {e} \
         Nothing was sent to the application; tell its developer, or go back to it."
    ))
}

/// A refusal sent back to the application, with its state and our `iss`.
fn back_to_client(s: &AppState, redirect: &Url, e: &ClientError, state: Option<&str>) -> Response {
    let mut params = vec![("error", e.error), ("error_description", e.description)];
    if let Some(st) = state.filter(|st| !st.is_empty()) {
        params.push(("state", st));
    }
    see_other(&redirect_with(redirect, &params, &issuer(s)))
}

/// A 303 to `to`, never cached.
fn see_other(to: &Url) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to.as_str()) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// A URL's host (with a non-default port), for showing.
fn host_of(u: &Url) -> String {
    match (u.host_str(), u.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => u.to_string(),
    }
}
