//! `GET /health`: a JSON status for monitors.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;

/// `{"status":"ok","version":…,"database":"ok"}`; 503 when the database does not answer.
pub async fn health(State(s): State<AppState>) -> Response {
    let db_ok = s.db.ping().await;
    let status = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({
        "status": if db_ok { "ok" } else { "error" },
        "version": env!("CARGO_PKG_VERSION"),
        "database": if db_ok { "ok" } else { "unreachable" },
    });
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
