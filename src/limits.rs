//! Request limits, decided in one place: how long a handler may take, and what the
//! upload routes accept (their body size and their longer time limit). The upload
//! routes are the editor's and Micropub's ([`UPLOAD_ROUTES`]); each wears
//! [`UploadLimits::body_limit`].

use std::time::Duration;

use axum::extract::DefaultBodyLimit;

use crate::config::Config;

/// Longest a handler may take before the client gets a 503 page.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest a multipart upload to one of [`UPLOAD_ROUTES`] may take: 50 MB from a phone
/// on a slow uplink needs minutes, not seconds.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// Largest single file accepted whatever `MAX_CONTENT_LENGTH` says.
pub const MAX_UPLOAD: u64 = 50 * 1024 * 1024;

/// `/admin/new`: the editor's form for a new note.
pub const ADMIN_NEW: &str = "/admin/new";
/// `/admin/edit/{id}`: the editor's form for a stored note.
pub const ADMIN_EDIT: &str = "/admin/edit/{id}";
/// `/admin/preview`: the editor's preview (reads the same multipart form).
pub const ADMIN_PREVIEW: &str = "/admin/preview";

/// `/admin/profile`: the owner's profile form (it may carry a photo).
pub const ADMIN_PROFILE: &str = "/admin/profile";

/// `/micropub`: the Micropub endpoint (multipart posts carry photos).
pub const MICROPUB: &str = "/micropub";
/// `/micropub/media`: the Micropub media endpoint.
pub const MICROPUB_MEDIA: &str = "/micropub/media";

/// The routes that take uploads (as matched-path patterns). Only these get
/// [`UPLOAD_TIMEOUT`], and only for a multipart POST: a client cannot buy itself
/// minutes elsewhere by claiming to upload. Their handlers check the session (or, for
/// Micropub, the token) before reading the body.
pub const UPLOAD_ROUTES: &[&str] = &[
    ADMIN_NEW,
    ADMIN_EDIT,
    ADMIN_PREVIEW,
    ADMIN_PROFILE,
    MICROPUB,
    MICROPUB_MEDIA,
];

/// What an upload route accepts, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Largest request body: `MAX_CONTENT_LENGTH`.
    pub max_body: u64,
    /// Largest single file: the smaller of [`MAX_UPLOAD`] and `MAX_CONTENT_LENGTH`.
    pub max_file: u64,
    /// How long the upload may take.
    pub timeout: Duration,
}

impl UploadLimits {
    /// The limits of a running server.
    pub fn from_config(config: &Config) -> Self {
        UploadLimits {
            max_body: config.max_content_length,
            max_file: MAX_UPLOAD.min(config.max_content_length),
            timeout: UPLOAD_TIMEOUT,
        }
    }

    /// The body limit an upload router wears (a larger body is a 413).
    pub fn body_limit(&self) -> DefaultBodyLimit {
        DefaultBodyLimit::max(usize::try_from(self.max_body).unwrap_or(usize::MAX))
    }
}
