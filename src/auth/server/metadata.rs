//! `GET /.well-known/oauth-authorization-server`: the server's metadata (RFC 8414 as
//! IndieAuth §4.1.1 uses it), from which clients learn every endpoint.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{AUTHORIZE_PATH, INTROSPECT_PATH, OwnServer, REVOKE_PATH, TOKEN_PATH, USERINFO_PATH};
use crate::app::AppState;

/// The scopes this server knows how to explain and honour.
pub const SCOPES_SUPPORTED: &[&str] = &[
    "create", "update", "delete", "undelete", "media", "profile", "email",
];

/// The metadata document. Shared caches may keep it five minutes.
pub async fn show(_own: OwnServer, State(s): State<AppState>) -> Response {
    let abs = |p: &str| s.config.abs(p);
    let doc = json!({
        "issuer": issuer(&s),
        "authorization_endpoint": abs(AUTHORIZE_PATH),
        "token_endpoint": abs(TOKEN_PATH),
        "introspection_endpoint": abs(INTROSPECT_PATH),
        "introspection_endpoint_auth_methods_supported": ["Bearer"],
        "revocation_endpoint": abs(REVOKE_PATH),
        "revocation_endpoint_auth_methods_supported": ["none"],
        "userinfo_endpoint": abs(USERINFO_PATH),
        "scopes_supported": SCOPES_SUPPORTED,
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
    });
    (
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        )],
        axum::Json(doc),
    )
        .into_response()
}

/// The `iss` of this server: `{SITE_URL}/` (the metadata's `issuer`, and the `iss`
/// parameter of every authorization response).
pub fn issuer(s: &AppState) -> String {
    s.config.abs("/")
}
