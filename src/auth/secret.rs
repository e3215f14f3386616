//! `SESSION_SECRET`: the key for CSRF tokens. When it is not configured, one is
//! generated once into `DATA_PATH/session_secret` (mode 0600) and reused after that, so
//! tokens survive a restart without the owner having to invent a secret.

use std::io::{self, Write};
use std::path::Path;

use crate::auth::crypto::random_token;
use crate::config::Config;

/// File name of the generated secret inside `DATA_PATH`.
pub const FILE_NAME: &str = "session_secret";

/// The configured secret, or the one stored in `DATA_PATH` (created when missing).
pub fn load_or_create(config: &Config) -> io::Result<Vec<u8>> {
    if let Some(s) = &config.session_secret {
        return Ok(s.0.as_bytes().to_vec());
    }
    load_or_create_in(&config.data_path)
}

fn load_or_create_in(dir: &Path) -> io::Result<Vec<u8>> {
    let path = dir.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => return Ok(s.trim().as_bytes().to_vec()),
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} is shorter than 32 characters; delete it to generate a new one",
                    path.display()
                ),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::create_dir_all(dir)?;
    let secret = random_token();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(&path) {
        Ok(mut f) => {
            f.write_all(secret.as_bytes())?;
            f.sync_all()?;
            tracing::info!(path = %path.display(), "generated a session secret");
            Ok(secret.into_bytes())
        }
        // Another process won the race: use its secret.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => load_or_create_in(dir),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create_in(dir.path()).unwrap();
        let b = load_or_create_in(dir.path()).unwrap();
        assert_eq!(a, b);
        assert!(a.len() >= 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_truncated_file_is_an_error_not_a_weak_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "short").unwrap();
        assert!(load_or_create_in(dir.path()).is_err());
    }
}
