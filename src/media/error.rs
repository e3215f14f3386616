//! Why an upload was refused or could not be stored. Refusals carry a message meant
//! for the person uploading; internal failures are logged where handled and shown as a
//! generic message.

/// The steps of a save at which tests can inject a failure (see
/// [`MediaStore::inject_failure`](super::MediaStore::inject_failure)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailAt {
    /// Decoding the upload.
    Decode,
    /// Encoding the stored image or a variant.
    Encode,
    /// Inserting the rows.
    Insert,
    /// Moving files into place (fails after the first file has moved).
    Move,
    /// Committing the transaction (after every file has moved).
    Commit,
}

/// Everything saving an upload can fail with.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Not an accepted format; the message says what it seems to be.
    #[error("{0}")]
    Unsupported(String),
    /// Bigger than the upload limit.
    #[error("The file is larger than {}, the largest upload accepted.", human_size(*limit))]
    TooLarge { limit: u64 },
    /// A file that ends before its image does.
    #[error("The image file is incomplete (the upload may have been cut off). Please try again.")]
    Truncated,
    /// Too many pixels, or a side over the limit (decompression bombs end here).
    #[error("{0}")]
    TooManyPixels(String),
    /// A recognised format whose data cannot be decoded.
    #[error("The image could not be read: {0}")]
    Corrupt(String),
    /// A failure injected by a test.
    #[error("injected failure at {0:?}")]
    Injected(FailAt),
    #[error("could not encode the image: {0}")]
    Encode(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("image processing stopped unexpectedly: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The upload stream broke off (the client went away).
    #[error("The upload was interrupted: {0}")]
    Stream(String),
}

/// `50 MB`, `512 KB`: sizes as a person reads them (binary units, rounded down).
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{} MB", b / (1024 * 1024)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} bytes"),
    }
}

impl MediaError {
    /// Whether the uploader is at fault (a 4xx), as opposed to the server (a 5xx).
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            MediaError::Unsupported(_)
                | MediaError::TooLarge { .. }
                | MediaError::Truncated
                | MediaError::TooManyPixels(_)
                | MediaError::Corrupt(_)
                | MediaError::Stream(_)
        )
    }
}

impl From<image::ImageError> for MediaError {
    fn from(e: image::ImageError) -> Self {
        use image::ImageError as E;
        match e {
            E::Limits(l) => MediaError::TooManyPixels(format!(
                "The image is too large to process ({l}). The largest accepted is 12000 pixels a side."
            )),
            E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                MediaError::Truncated
            }
            E::IoError(io) => MediaError::Io(io),
            E::Encoding(e) => MediaError::Encode(e.to_string()),
            other => MediaError::Corrupt(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_limit_reads_naturally() {
        let e = MediaError::TooLarge {
            limit: 50 * 1024 * 1024,
        };
        assert_eq!(
            e.to_string(),
            "The file is larger than 50 MB, the largest upload accepted."
        );
        assert!(
            MediaError::TooLarge { limit: 2048 }
                .to_string()
                .contains("2 KB")
        );
    }
}
