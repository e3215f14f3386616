//! `starpunk set-password`: the owner's password from standard input into the database.
//!
//! On a terminal the password is asked for twice without echo (a typo would otherwise
//! lock the owner out); piped, the first line is the password (`echo … |`, a password
//! manager's CLI, a deployment script). It is never printed, not even on a refusal.

use std::io::{BufRead, IsTerminal, Read};
use std::process::ExitCode;

use anyhow::Context;

use crate::auth::password::{self, MAX_BYTES};
use crate::auth::store::AuthStore;
use crate::config::Config;
use crate::db::Db;

/// Reads the password, stores its hash, prints one line. A refused password is exit
/// code 1 with the reason on standard error.
pub async fn set_password_command(config: Config) -> anyhow::Result<ExitCode> {
    // Read before opening the database, so a mistyped confirmation creates nothing.
    let input = tokio::task::spawn_blocking(read_password).await?;
    let password = match input {
        Ok(p) => p,
        Err(reason) => return Ok(refuse(&reason)),
    };
    let db = Db::open(&config.data_path).await?;
    let store = AuthStore::new(db.clone());
    let outcome = password::set_password(&store, &password).await;
    db.close().await;
    match outcome {
        Ok(()) => {
            println!(
                "password set for {} in {}",
                config.site_url,
                config.data_path.join("starpunk.db").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_refusal() => Ok(refuse(&e.to_string())),
        Err(e) => Err(e).context("setting the password"),
    }
}

fn refuse(reason: &str) -> ExitCode {
    eprintln!("starpunk: {reason}; the password was not set");
    ExitCode::FAILURE
}

/// The password from the terminal (asked twice) or from piped standard input; `Err`
/// carries a reason to show.
fn read_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Once more: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        Ok(first)
    } else {
        // A little more than the longest password plus "\r\n", so an endless pipe is
        // not read to the end just to be refused.
        let mut limited = std::io::stdin().lock().take(MAX_BYTES as u64 + 3);
        let mut line = Vec::new();
        limited
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("reading standard input: {e}"))?;
        first_line(line)
    }
}

/// The first line of piped input, without its line ending.
fn first_line(mut line: Vec<u8>) -> Result<String, String> {
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    if line.len() > MAX_BYTES {
        // the password's own message, before a cut-off UTF-8 character could hide it
        return Err(password::PasswordError::TooLong.to_string());
    }
    String::from_utf8(line).map_err(|_| "the password is not UTF-8 text".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_ending_is_not_part_of_the_password() {
        assert_eq!(
            first_line(b"secret pass\n".to_vec()).unwrap(),
            "secret pass"
        );
        assert_eq!(
            first_line(b"secret pass\r\n".to_vec()).unwrap(),
            "secret pass"
        );
        assert_eq!(first_line(b"secret pass".to_vec()).unwrap(), "secret pass");
        // inner and leading spaces are the owner's choice
        assert_eq!(first_line(b" a b \n".to_vec()).unwrap(), " a b ");
    }

    #[test]
    fn too_long_or_not_text_is_refused() {
        let long = vec![b'a'; MAX_BYTES + 1];
        assert!(first_line(long).unwrap_err().contains("too long"));
        assert!(first_line(vec![b'a'; MAX_BYTES]).is_ok());
        // cut inside a two-byte character by the read limit: still "too long"
        let mut cut = "é".repeat(MAX_BYTES / 2 + 1).into_bytes();
        cut.truncate(MAX_BYTES + 1);
        assert!(first_line(cut).unwrap_err().contains("too long"));
        assert!(first_line(vec![0xff; 12]).unwrap_err().contains("UTF-8"));
    }
}
