//! Registering a passkey, shared by the first-run set-up page and the Security page:
//! start (a challenge excluding the passkeys already registered) and finish (check the
//! browser's attestation, then store the passkey under the owner's name for it). The
//! ceremony is bound to whoever started it (a session or a set-up token), so nobody
//! else can finish it.

use axum::http::StatusCode;
use axum::response::Response;
use webauthn_rs::prelude::{Passkey, RegisterPublicKeyCredential};

use crate::app::AppState;
use crate::auth::owner::ceremony::{Kind, Starter};
use crate::auth::owner::passkey::{busy, expired};
use crate::auth::owner::{json, rp};
use crate::auth::ratelimit::ClientAddr;
use crate::db::passkeys;
use crate::domain::time::now;

/// Longest passkey name, in characters.
pub const MAX_NAME_CHARS: usize = 60;

/// A passkey name as the owner typed it, trimmed; `Err` says what is wrong.
pub fn clean_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        Err("Give the passkey a name, such as “Phone” or “Laptop”.".into())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(format!(
            "A passkey name may have at most {MAX_NAME_CHARS} characters."
        ))
    } else if name.chars().any(char::is_control) {
        Err("A passkey name cannot contain control characters.".into())
    } else {
        Ok(name.to_string())
    }
}

/// Starts a registration for the holder of `bound_to` → JSON
/// `{"ceremony": id, "options": {"publicKey": …}}`.
pub async fn start(s: &AppState, addr: &ClientAddr, bound_to: String, raw_name: &str) -> Response {
    if let Err(wait) = s.auth.owner.ceremonies_started.check(&addr.0) {
        return json::rate_limited(
            wait,
            "Too many passkey requests from your address. Wait a little.",
        );
    }
    let name = match clean_name(raw_name) {
        Ok(n) => n,
        Err(m) => return json::error(StatusCode::BAD_REQUEST, "invalid_name", &m),
    };
    let Some(webauthn) = rp::webauthn(&s.config) else {
        return json::error(StatusCode::NOT_FOUND, "passkeys_unavailable", rp::IP_HOST);
    };
    let (existing, user) = match tokio::try_join!(rp::load(s), rp::user_handle(s)) {
        Ok(x) => x,
        Err(e) => return json::storage(&e),
    };
    let exclude = existing.iter().map(|(_, p)| p.cred_id().clone()).collect();
    let me = s.config.me();
    let display = s.site.author().name;
    let display = if display.trim().is_empty() {
        me.clone()
    } else {
        display
    };
    let (challenge, reg) =
        match webauthn.start_passkey_registration(user, &me, &display, Some(exclude)) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "passkey registration could not start");
                return json::error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "The passkey registration could not start.",
                );
            }
        };
    // Only the owner gets here (a session or a set-up link): the reserved pool.
    let kind = Kind::Register {
        reg,
        bound_to,
        name,
    };
    match s.auth.owner.ceremonies.start(kind, Starter::Owner) {
        Some(id) => json::ok(serde_json::json!({ "ceremony": id, "options": challenge })),
        None => busy(),
    }
}

/// Checks the browser's answer to ceremony `id` started by the holder of `bound_to`;
/// the verified passkey and its name. Nothing is stored yet.
pub fn finish(
    s: &AppState,
    id: &str,
    credential: &RegisterPublicKeyCredential,
    bound_to: &str,
) -> Result<(Passkey, String), json::Refusal> {
    let Some(webauthn) = rp::webauthn(&s.config) else {
        return Err(Box::new(json::error(
            StatusCode::NOT_FOUND,
            "passkeys_unavailable",
            rp::IP_HOST,
        )));
    };
    let Some(Kind::Register {
        reg,
        bound_to: holder,
        name,
    }) = s.auth.owner.ceremonies.take(id)
    else {
        return Err(Box::new(expired()));
    };
    if !crate::auth::crypto::ct_eq(holder.as_bytes(), bound_to.as_bytes()) {
        tracing::warn!("passkey registration finished by someone other than who started it");
        return Err(Box::new(expired()));
    }
    match webauthn.finish_passkey_registration(credential, &reg) {
        Ok(p) => Ok((p, name)),
        Err(e) => {
            tracing::warn!(error = %e, "passkey registration refused");
            Err(Box::new(json::error(
                StatusCode::BAD_REQUEST,
                "invalid_credential",
                "The passkey could not be registered: the authenticator's answer was not accepted.",
            )))
        }
    }
}

/// A passkey's credential id as stored: unpadded base64url.
pub fn credential_id(key: &Passkey) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.cred_id())
}

/// A verified passkey as stored: its id and its JSON.
pub fn stored_form(key: &Passkey) -> Result<(String, String), json::Refusal> {
    let credential = serde_json::to_string(key).map_err(|e| {
        tracing::error!(error = %e, "passkey cannot be serialised");
        Box::new(json::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "The passkey could not be stored.",
        ))
    })?;
    Ok((credential_id(key), credential))
}

/// The answer when a passkey with this id is already stored.
pub fn already_registered() -> json::Refusal {
    Box::new(json::error(
        StatusCode::CONFLICT,
        "already_registered",
        "This passkey is already registered.",
    ))
}

/// Stores a verified passkey.
pub async fn store(s: &AppState, key: &Passkey, name: &str) -> Result<(), json::Refusal> {
    let (id, credential) = stored_form(key)?;
    match passkeys::insert(&s.db, &id, name, &credential, now()).await {
        Ok(true) => {
            tracing::info!(passkey = %name, "passkey registered");
            Ok(())
        }
        Ok(false) => Err(already_registered()),
        Err(e) => Err(Box::new(json::storage(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn passkey_names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  Phone ").unwrap(), "Phone");
        assert!(clean_name("   ").is_err());
        assert!(clean_name(&"x".repeat(61)).is_err());
        assert_eq!(clean_name(&"é".repeat(60)).unwrap().chars().count(), 60);
        assert!(clean_name("a\nb").is_err());
    }
}
