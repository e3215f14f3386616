//! The admin's Apps page (own-identity mode): every app holding a live token of this
//! site's own IndieAuth server, with its logo, permissions and dates, and a revoke
//! button (with a confirmation step). Two queries whatever the number of apps.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::AdminLayout;
use super::profile::OwnIdentity;
use crate::app::AppState;
use crate::auth::session::AdminSession;
use crate::db::clients::{self, KnownClient};
use crate::error::{AppError, Result};

mod view;

use view::AppView;

/// The Apps page's address.
pub const PATH: &str = "/admin/apps";
/// The revocation step's address (`?client_id=…` on the confirmation page).
pub const REVOKE: &str = "/admin/apps/revoke";

/// The Apps page's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(list))
        .route(REVOKE, get(confirm_revoke).post(revoke))
}

#[derive(Template)]
#[template(path = "admin/apps.html")]
struct AppsPage {
    a: AdminLayout,
    apps: Vec<AppView>,
    site_url: String,
}

#[derive(Template)]
#[template(path = "admin/apps_revoke.html")]
struct ConfirmPage {
    a: AdminLayout,
    app: AppView,
}

#[derive(Deserialize, Default)]
struct Query {
    done: Option<String>,
    client_id: Option<String>,
}

fn query(q: Option<&str>) -> Result<Query> {
    serde_urlencoded::from_str(q.unwrap_or(""))
        .map_err(|_| AppError::BadRequest("The query string could not be read.".into()))
}

/// The revoke form: without `confirm=yes` it leads to the confirmation step.
#[derive(Deserialize)]
struct RevokeForm {
    csrf_token: Option<String>,
    client_id: Option<String>,
    confirm: Option<String>,
}

/// Every app with a live token, joined with what the consent page saved about it.
async fn views(s: &AppState) -> Result<Vec<AppView>> {
    let apps = s.tokens.list_apps().await?;
    let known: Vec<KnownClient> = clients::all(&s.db).await?;
    Ok(apps
        .iter()
        .map(|app| view::app_view(app, known.iter().find(|k| k.client_id == app.client_id)))
        .collect())
}

fn no_such_app() -> AppError {
    AppError::NotFound(
        "No app holds access by this address: it may have been revoked already.".into(),
    )
}

/// `GET /admin/apps`.
async fn list(
    _: OwnIdentity,
    State(s): State<AppState>,
    session: AdminSession,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let q = query(q.as_deref())?;
    let mut a = AdminLayout::new(&s.site, &session, "Apps");
    a.flash = (q.done.as_deref() == Some("revoked"))
        .then(|| "Access revoked: the app's tokens no longer work.".to_string());
    let tpl = AppsPage {
        a,
        apps: views(&s).await?,
        site_url: s.site.abs("/"),
    };
    Ok(Html(tpl.render()?).into_response())
}

/// `GET /admin/apps/revoke?client_id=…`: the confirmation step.
async fn confirm_revoke(
    _: OwnIdentity,
    State(s): State<AppState>,
    session: AdminSession,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let client_id = query(q.as_deref())?.client_id.ok_or_else(no_such_app)?;
    let app = views(&s)
        .await?
        .into_iter()
        .find(|a| a.client_id == client_id)
        .ok_or_else(no_such_app)?;
    let tpl = ConfirmPage {
        a: AdminLayout::new(&s.site, &session, "Revoke access"),
        app,
    };
    Ok(Html(tpl.render()?).into_response())
}

/// `POST /admin/apps/revoke`: ends every token the app holds, after the confirmation.
async fn revoke(
    _: OwnIdentity,
    State(s): State<AppState>,
    session: AdminSession,
    Form(f): Form<RevokeForm>,
) -> Result<Response> {
    session.verify_csrf(f.csrf_token.as_deref())?;
    let client_id = f
        .client_id
        .filter(|c| !c.is_empty())
        .ok_or_else(no_such_app)?;
    if f.confirm.as_deref() != Some("yes") {
        let q = serde_urlencoded::to_string([("client_id", &client_id)]).unwrap_or_default();
        return Ok(Redirect::to(&format!("{REVOKE}?{q}")).into_response());
    }
    let revoked = s
        .tokens
        .revoke_client(&client_id)
        .await
        .map_err(|e| anyhow::anyhow!("revoking an app's tokens: {e}"))?;
    if revoked == 0 {
        return Err(no_such_app());
    }
    tracing::info!(client_id = %client_id, tokens = revoked, "app access revoked by the owner");
    Ok(Redirect::to(&format!("{PATH}?done=revoked")).into_response())
}
