use std::time::Instant;

use super::*;
use crate::db::Db;

async fn store() -> (AuthStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path()).await.unwrap();
    (AuthStore::new(db), dir)
}

#[test]
fn length_rules_count_characters_and_bytes() {
    assert!(matches!(check("123456789"), Err(PasswordError::TooShort)));
    assert!(check("1234567890").is_ok());
    // ten characters, more than ten bytes: characters are what a person counts
    assert!(check("ééééééééé").is_err());
    assert!(check("éééééééééé").is_ok());
    assert!(check(&"a".repeat(MAX_BYTES)).is_ok());
    assert!(matches!(
        check(&"a".repeat(MAX_BYTES + 1)),
        Err(PasswordError::TooLong)
    ));
    // 513 two-byte characters: few enough characters, too many bytes
    assert!(matches!(
        check(&"é".repeat(513)),
        Err(PasswordError::TooLong)
    ));
    assert!(PasswordError::TooShort.is_refusal());
    assert!(!PasswordError::Db(sqlx::Error::RowNotFound).is_refusal());
}

#[test]
fn hashes_are_argon2id_with_our_parameters_and_a_fresh_salt() {
    let a = hash("correct horse battery").unwrap();
    let b = hash("correct horse battery").unwrap();
    let expected = format!("$argon2id$v=19$m={M_COST_KIB},t={T_COST},p={P_COST}$");
    assert!(a.starts_with(&expected), "{a}");
    assert_ne!(a, b, "each hash has its own salt");
    assert!(!a.contains("correct horse battery"));
    assert!(verify("correct horse battery", &a).unwrap());
    assert!(!verify("correct horse batterY", &a).unwrap());
}

#[test]
fn a_hash_with_other_parameters_still_verifies() {
    // what an older (cheaper) setting stored must keep working after a change of cost
    let cheap = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(8 * 1024, 1, 1, None).unwrap(),
    );
    let stored = cheap
        .hash_password(b"an older password")
        .unwrap()
        .to_string();
    assert!(verify("an older password", &stored).unwrap());
    assert!(!verify("another password", &stored).unwrap());
}

#[test]
fn an_unreadable_stored_hash_is_an_error_not_a_mismatch() {
    assert!(matches!(
        verify("whatever it is", "not a phc string"),
        Err(PasswordError::BadHash(_))
    ));
}

#[tokio::test]
async fn set_then_verify_through_the_store() {
    let (store, _dir) = store().await;
    assert!(!has_password(&store).await.unwrap());
    assert!(!verify_password(&store, "anything at all").await.unwrap());

    set_password(&store, "first password").await.unwrap();
    assert!(has_password(&store).await.unwrap());
    let stored = store.password_hash().await.unwrap().unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(verify_password(&store, "first password").await.unwrap());
    assert!(!verify_password(&store, "first passwor").await.unwrap());
    assert!(
        !verify_password(&store, &"x".repeat(MAX_BYTES + 1))
            .await
            .unwrap()
    );
    let (created, changed) = store.password_times().await.unwrap().unwrap();
    assert_eq!(created, changed);

    // a new password replaces the old one; the first-set time stays
    set_password(&store, "second password").await.unwrap();
    assert!(verify_password(&store, "second password").await.unwrap());
    assert!(!verify_password(&store, "first password").await.unwrap());
    let (created_again, changed_again) = store.password_times().await.unwrap().unwrap();
    assert_eq!(created_again, created);
    assert!(changed_again >= changed);
}

#[tokio::test]
async fn refused_passwords_leave_the_stored_one_alone() {
    let (store, _dir) = store().await;
    set_password(&store, "kept password").await.unwrap();
    let err = set_password(&store, "short").await.unwrap_err();
    assert!(err.is_refusal());
    assert!(err.to_string().contains("at least 10 characters"), "{err}");
    let err = set_password(&store, &"y".repeat(MAX_BYTES + 1))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("at most 1024 bytes"), "{err}");
    assert!(verify_password(&store, "kept password").await.unwrap());
}

#[tokio::test]
async fn composed_and_decomposed_accents_are_the_same_password() {
    let (store, _dir) = store().await;
    set_password(&store, "caf\u{e9} au lait").await.unwrap();
    assert!(
        verify_password(&store, "cafe\u{301} au lait")
            .await
            .unwrap()
    );
}

/// The cost of one sign-in, for choosing [`M_COST_KIB`] / [`T_COST`]: run with
/// `cargo test --release --lib password_cost -- --ignored --nocapture`. It prints
/// rather than asserts, as timings belong to measurements, not to the test run.
#[test]
#[ignore]
fn password_cost() {
    let stored = hash("correct horse battery staple").unwrap();
    let mut times: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            assert!(verify("correct horse battery staple", &stored).unwrap());
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "argon2id m={M_COST_KIB} KiB t={T_COST} p={P_COST}: one verify best {:.1} ms, median {:.1} ms",
        times[0], times[3]
    );
}
