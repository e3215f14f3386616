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
