//! The owner's profile, as the admin's Profile page edits it (own-identity mode).

/// Who the owner is: the site's h-card, `rel=me` links, the feeds' author and the
/// IndieAuth `userinfo` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    /// Display name; empty: `SITE_AUTHOR`.
    pub name: String,
    /// Absolute URL of the owner's picture.
    pub photo: Option<String>,
    /// A short description, plain text.
    pub note: String,
    /// Given only to apps granted the `email` scope.
    pub email: Option<String>,
    /// `rel=me` links to the owner's other profiles, in order.
    pub links: Vec<String>,
}
