//! The owner's Profile and Apps pages (own-identity mode), over real HTTP: what the
//! form accepts and refuses, what pages and feeds then show, and revoking an app.

mod apps;
mod form;
mod pages;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE};

use crate::admin::{BOUNDARY, Part, hidden_value, multipart};
use crate::helpers::TestServer;

/// A signed-in owner of a blog that is its own identity, served over TCP.
pub struct Owner {
    pub server: TestServer,
    pub cookie: String,
    pub csrf: String,
    pub http: reqwest::Client,
}

/// A response read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn read(res: reqwest::Response) -> Page {
    Page {
        status: res.status(),
        headers: res.headers().clone(),
        body: res.text().await.unwrap(),
    }
}

impl Owner {
    /// Own-identity mode (`ADMIN_ME` empty), signed in, with the CSRF token of the
    /// Profile page's form.
    pub async fn start() -> Self {
        Self::start_with(&[("ADMIN_ME", "")]).await
    }

    pub async fn start_with(vars: &[(&str, &str)]) -> Self {
        let server = TestServer::start(vars).await;
        let me = server.state.config.me();
        let set = starpunk::auth::session::create(&server.state, &me)
            .await
            .unwrap();
        let cookie = set.to_str().unwrap().split(';').next().unwrap().to_string();
        let http = server.client();
        let mut owner = Owner {
            server,
            cookie,
            csrf: String::new(),
            http,
        };
        let page = owner.get("/admin/").await;
        assert_eq!(page.status, StatusCode::OK, "signed in");
        owner.csrf = hidden_value(&page.body, "csrf_token");
        owner
    }

    /// GET as the owner.
    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .http
            .get(self.server.url(path))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        read(res).await
    }

    /// GET as a stranger (no cookie).
    pub async fn public(&self, path: &str) -> Page {
        read(self.http.get(self.server.url(path)).send().await.unwrap()).await
    }

    pub async fn post_multipart(&self, path: &str, parts: &[Part<'_>]) -> Page {
        let res = self
            .http
            .post(self.server.url(path))
            .header(COOKIE, &self.cookie)
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(parts))
            .send()
            .await
            .unwrap();
        read(res).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self
            .http
            .post(self.server.url(path))
            .header(COOKIE, &self.cookie)
            .form(fields)
            .send()
            .await
            .unwrap();
        read(res).await
    }

    /// Submits the Profile form with the token and `fields` (name, value).
    pub async fn save_profile(&self, fields: &[(&str, &str)]) -> Page {
        let mut parts = vec![Part::Text("csrf_token", &self.csrf)];
        parts.extend(fields.iter().map(|(n, v)| Part::Text(n, v)));
        self.post_multipart("/admin/profile", &parts).await
    }

    /// The saved profile, straight from the store.
    pub async fn saved(&self) -> Option<starpunk::domain::profile::Profile> {
        starpunk::db::profile::load(&self.server.state.db)
            .await
            .unwrap()
    }
}
