//! `starpunk set-password` run as the real binary with piped standard input, checked
//! through the store the sign-in will use.

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use starpunk::auth::password;
use starpunk::auth::store::AuthStore;
use starpunk::db::Db;

use crate::cli::bin;

/// Runs `set-password` on `data` with `input` piped in.
fn set_password(data: &Path, input: &[u8]) -> Output {
    let mut child = bin()
        .current_dir(data)
        .env("DATA_PATH", data)
        .arg("set-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // the command may stop reading early (a too-long line): a broken pipe is fine
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

async fn open_store(data: &Path) -> (AuthStore, Db) {
    let db = Db::open(data).await.unwrap();
    (AuthStore::new(db.clone()), db)
}

#[tokio::test]
async fn a_piped_password_is_stored_as_an_argon2id_hash() {
    let dir = tempfile::tempdir().unwrap();
    let out = set_password(dir.path(), b"tr0ub4dor & 3 horses\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(stdout.trim().lines().count(), 1, "one line: {stdout}");
    assert!(stdout.contains("password set"), "{stdout}");
    assert!(!stdout.contains("tr0ub4dor") && !stderr.contains("tr0ub4dor"));

    let (store, db) = open_store(dir.path()).await;
    let stored = store.password_hash().await.unwrap().unwrap();
    assert!(stored.starts_with("$argon2id$v=19$"), "{stored}");
    assert!(!stored.contains("tr0ub4dor"));
    // the newline ended the input; it is not part of the password
    assert!(
        password::verify_password(&store, "tr0ub4dor & 3 horses")
            .await
            .unwrap()
    );
    assert!(
        !password::verify_password(&store, "tr0ub4dor & 3 horses\n")
            .await
            .unwrap()
    );
    assert!(
        !password::verify_password(&store, "Tr0ub4dor & 3 horses")
            .await
            .unwrap()
    );
    db.close().await;

    // running it again changes the password (CRLF from a Windows pipe works too)
    let again = set_password(dir.path(), b"a second passphrase\r\n");
    assert!(again.status.success());
    let (store, db) = open_store(dir.path()).await;
    assert!(
        password::verify_password(&store, "a second passphrase")
            .await
            .unwrap()
    );
    assert!(
        !password::verify_password(&store, "tr0ub4dor & 3 horses")
            .await
            .unwrap()
    );
    db.close().await;
}

#[tokio::test]
async fn a_refused_password_exits_1_with_the_reason_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (input, reason) in [
        (&b"sh0rt-pw\n"[..], "at least 10 characters"),
        (&b"\n"[..], "at least 10 characters"),
        (&[b'x'; 2000][..], "at most 1024 bytes"),
    ] {
        let out = set_password(dir.path(), input);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(reason), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(
            !stderr.contains("sh0rt-pw"),
            "echoes the password: {stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    let (store, db) = open_store(dir.path()).await;
    assert!(!password::has_password(&store).await.unwrap());
    db.close().await;
}
