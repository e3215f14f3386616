//! `GET /health`: a JSON status for monitors; `?detailed=true` adds figures for the
//! signed-in owner.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::auth::AdminSession;
use crate::auth::login::param;

/// `{"status":"ok","version":…,"database":"ok"}`; 503 when the database does not answer.
/// `?detailed=true` needs an admin session (without one: a redirect to sign-in) and adds
/// note counts and the database size.
pub async fn health(
    State(s): State<AppState>,
    RawQuery(q): RawQuery,
    session: Option<AdminSession>,
) -> Response {
    let detailed = param(q.unwrap_or_default().as_bytes(), "detailed")
        .is_some_and(|v| v == "true" || v == "1");
    if detailed && session.is_none() {
        return crate::auth::session::login_redirect("/health?detailed=true");
    }
    let db_ok = s.notes.ping().await;
    let status = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut body = serde_json::json!({
        "status": if db_ok { "ok" } else { "error" },
        "version": env!("CARGO_PKG_VERSION"),
        "database": if db_ok { "ok" } else { "unreachable" },
    });
    if detailed && db_ok {
        match s.notes.stats().await {
            Ok(stats) => body["details"] = serde_json::json!(stats),
            Err(e) => tracing::warn!(error = %e, "health details unavailable"),
        }
    }
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
