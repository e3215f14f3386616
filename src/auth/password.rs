//! The owner's password, the fallback beside passkeys when the blog is its own
//! IndieAuth server. Only an Argon2id hash is stored (a PHC string carrying its salt
//! and parameters); the password itself never reaches the database or a log.
//!
//! Hashing is deliberately slow, so it runs in `spawn_blocking` and never stalls the
//! async workers that serve pages.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use unicode_normalization::UnicodeNormalization;

use super::store::AuthStore;
use crate::domain::time::now;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 10;
/// Most bytes a password may have (UTF-8): enough for any passphrase, and a bound on
/// the work a sign-in form can ask of the server.
pub const MAX_BYTES: usize = 1024;

/// Argon2id memory cost in KiB (64 MiB), time cost 3, one lane: RFC 9106's second
/// recommended option with one lane, as the `argon2` crate computes lanes one after
/// another anyway. One verify on the 2-core development machine, argon2 0.6 built
/// optimised: 122 ms (best of 7; mean 129 ms) lightly loaded, 150 ms (median 180 ms) with
/// other builds keeping both cores busy: under the 250 ms a sign-in may take. The dev
/// and test profiles build argon2 optimised too, so
/// `cargo test --lib password_cost -- --ignored --nocapture` re-measures (add
/// `--release` for the whole program optimised). Each verify at once holds 64 MiB; the
/// sign-in handlers let at most [`crate::auth::owner::ARGON2_AT_ONCE`] run together. Changing these only affects
/// new hashes: a stored hash carries its own parameters.
pub const M_COST_KIB: u32 = 64 * 1024;
/// Argon2id passes over the memory.
pub const T_COST: u32 = 3;
/// Argon2id lanes.
pub const P_COST: u32 = 1;

/// Why a password was not set or could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Refused: shorter than [`MIN_CHARS`].
    #[error("the password is too short: it needs at least {MIN_CHARS} characters")]
    TooShort,
    /// Refused: longer than [`MAX_BYTES`].
    #[error("the password is too long: it may have at most {MAX_BYTES} bytes")]
    TooLong,
    /// The stored hash is not a PHC string this program can verify.
    #[error("the stored password hash cannot be read: {0}")]
    BadHash(argon2::password_hash::Error),
    /// Hashing failed (the system's random source, for the salt).
    #[error("hashing the password failed: {0}")]
    Hash(argon2::password_hash::Error),
    /// The hashing task was cancelled or panicked.
    #[error("the password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The database.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl PasswordError {
    /// Whether the password itself was refused (the person can try another), rather
    /// than something going wrong inside.
    pub fn is_refusal(&self) -> bool {
        matches!(self, PasswordError::TooShort | PasswordError::TooLong)
    }
}

/// Hashes `password` and stores it as the owner's password, replacing any earlier one.
/// Refuses passwords outside [`MIN_CHARS`]..=[`MAX_BYTES`].
pub async fn set_password(store: &AuthStore, password: &str) -> Result<(), PasswordError> {
    let hash = hash_new(password).await?;
    store.store_password_hash(&hash, now()).await?;
    Ok(())
}

/// The stored form (a PHC string) of a new password, checked against the length rules
/// but not stored: for callers that store it inside a transaction of their own.
pub async fn hash_new(password: &str) -> Result<String, PasswordError> {
    let password = normalise(password);
    check(&password)?;
    blocking(move || hash(&password)).await?
}

/// Whether `password` is the owner's password; `false` when none is set. The
/// comparison is argon2's (constant-time over the hash output).
pub async fn verify_password(store: &AuthStore, password: &str) -> Result<bool, PasswordError> {
    // Too long to have been set: answered without the work of hashing it.
    if password.len() > MAX_BYTES {
        return Ok(false);
    }
    let Some(stored) = store.password_hash().await? else {
        return Ok(false);
    };
    let password = normalise(password);
    blocking(move || verify(&password, &stored)).await?
}

/// Checks a new password against the length rules without storing anything (so a
/// form can refuse it before spending a set-up link).
pub fn check_new(password: &str) -> Result<(), PasswordError> {
    check(&normalise(password))
}

/// Whether the owner has set a password.
pub async fn has_password(store: &AuthStore) -> Result<bool, PasswordError> {
    Ok(store.password_hash().await?.is_some())
}

/// Checks the length rules on an already normalised password.
fn check(password: &str) -> Result<(), PasswordError> {
    if password.len() > MAX_BYTES {
        Err(PasswordError::TooLong)
    } else if password.chars().count() < MIN_CHARS {
        Err(PasswordError::TooShort)
    } else {
        Ok(())
    }
}

/// NFC, so the same password typed on systems that compose accents differently (macOS
/// keyboards send decomposed forms) is the same bytes (as RFC 8265 does for passwords).
fn normalise(password: &str) -> String {
    password.nfc().collect()
}

/// The hasher with this program's parameters.
fn argon2() -> Argon2<'static> {
    // The constants are within argon2's bounds; a failure would be a programming error
    // caught by the tests, so fall back to the crate's defaults rather than panic.
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` with a fresh random salt from the OS.
fn hash(password: &str) -> Result<String, PasswordError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(PasswordError::Hash)
}

/// Verifies `password` against a PHC string, using the parameters stored in it.
fn verify(password: &str, stored: &str) -> Result<bool, PasswordError> {
    use argon2::password_hash::Error;
    match argon2().verify_password(password.as_bytes(), stored) {
        Ok(()) => Ok(true),
        Err(Error::PasswordInvalid) => Ok(false),
        Err(e) => Err(PasswordError::BadHash(e)),
    }
}

/// Runs CPU-heavy work off the async workers, inside the caller's tracing span.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(work)).await
}

#[cfg(test)]
#[path = "password_tests.rs"]
mod tests;
