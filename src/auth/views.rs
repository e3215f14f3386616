//! Templates of the sign-in pages.

use askama::Template;

use crate::site::layout::Layout;

/// `GET /auth/login`: who the blog belongs to, and one button.
#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub l: Layout,
    pub owner: String,
    pub owner_host: String,
    pub author_name: String,
    pub next: Option<String>,
}

/// A sign-in that did not work: what happened and what to do.
#[derive(Template)]
#[template(path = "auth/failed.html")]
pub struct FailedPage {
    pub l: Layout,
    pub heading: String,
    pub message: String,
    pub hint: Option<String>,
    pub retry: bool,
}

/// `GET /auth/login` in own-identity mode: a passkey button and the password form.
#[derive(Template)]
#[template(path = "auth/own_login.html")]
pub struct OwnLoginPage {
    pub l: Layout,
    pub next: Option<String>,
    /// The owner has set a password: the password form is shown.
    pub has_password: bool,
    /// The owner has a passkey and this site can use them: the passkey button is shown.
    pub has_passkeys: bool,
    /// Neither: the page says how to set one up.
    pub no_credential: bool,
    /// Why passkeys cannot work on this site, if they cannot.
    pub passkeys_unavailable: Option<&'static str>,
    /// What went wrong with the last attempt.
    pub error: Option<String>,
}

/// `GET /auth/setup?token=…`: the first-run page.
#[derive(Template)]
#[template(path = "auth/setup.html")]
pub struct SetupPage {
    pub l: Layout,
    pub token: String,
    pub min_chars: usize,
    pub passkeys_unavailable: Option<&'static str>,
    pub error: Option<String>,
}
