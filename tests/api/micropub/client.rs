//! The harness every Micropub test stands on: the app served over real TCP with
//! `ADMIN_ME` at a fake token endpoint, and a client speaking Micropub to it (form,
//! JSON, multipart, queries), as Quill or micropub.rocks would.

use axum::http::StatusCode;
use serde_json::Value;

use super::token_endpoint::{Advert, TokenEndpoint};
use crate::helpers::{Res, SITE, TestServer};

/// Every scope a client may hold.
pub const ALL_SCOPES: &str = "create update delete undelete media";

/// micropub.rocks's photo URLs (never fetched: an outside photo is hotlinked).
pub const SUNSET: &str = "https://micropub.rocks/media/sunset.jpg";
pub const CITY: &str = "https://micropub.rocks/media/city-at-night.jpg";

/// The status of `insufficient_scope`. The contract follows RFC 6750 §3.1 (403); the
/// W3C Micropub Recommendation's error table and micropub.rocks's 804 checker say 401.
pub const INSUFFICIENT_SCOPE_STATUS: StatusCode = StatusCode::FORBIDDEN;

const BOUNDARY: &str = "----micropub-test-boundary-7MA4YWxkTrZu0gW";

/// A running blog whose owner is the fake token endpoint's profile.
pub struct Blog {
    pub server: TestServer,
    pub tokens: TokenEndpoint,
    /// A token with every scope, granted at start.
    pub token: String,
    http: reqwest::Client,
}

/// One multipart part: a text field, or a file (name, file name, type, bytes).
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a str, Vec<u8>),
}

impl Blog {
    /// A blog with the endpoints advertised as HTML `<link>`s.
    pub async fn start() -> Self {
        Self::start_with(Advert::HtmlLink, &[]).await
    }

    /// A blog with the endpoints advertised as `advert` and extra variables.
    pub async fn start_with(advert: Advert, extra: &[(&str, &str)]) -> Self {
        let tokens = TokenEndpoint::start(advert).await;
        Self::serve(tokens, extra).await
    }

    /// Serves the app for an already running (and possibly re-pointed) endpoint.
    pub async fn serve(tokens: TokenEndpoint, extra: &[(&str, &str)]) -> Self {
        let me = tokens.me();
        let mut vars: Vec<(&str, &str)> = vec![("ADMIN_ME", &me)];
        vars.extend_from_slice(extra);
        let server = TestServer::start(&vars).await;
        let token = "full-token-0f1e2d3c".to_string();
        tokens.grant(&token, ALL_SCOPES);
        Blog {
            server,
            tokens,
            token,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A hanging app fails the test instead of hanging the suite.
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .unwrap(),
        }
    }

    /// Grants a new token with `scope` and returns it.
    pub fn token_with(&self, scope: &str) -> String {
        let token = format!("tok-{}", uuid::Uuid::new_v4().simple());
        self.tokens.grant(&token, scope);
        token
    }

    /// `http://127.0.0.1:port{path}`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// Sends a request to the app: `path` is a path, or a `{SITE_URL}/…` URL as the app
    /// hands out (Location headers), which is mapped to the served address.
    pub async fn send(&self, method: reqwest::Method, path: &str, req: Req<'_>) -> Res {
        let path = local(path);
        let mut r = self.http.request(method, self.url(&path));
        if let Some(t) = req.bearer {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        if let Some(ct) = req.content_type {
            r = r.header("content-type", ct);
        }
        for (k, v) in req.headers {
            r = r.header(*k, *v);
        }
        let res = r.body(req.body).send().await.expect("the app answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.unwrap();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// `GET path` without credentials.
    pub async fn get(&self, path: &str) -> Res {
        self.send(reqwest::Method::GET, path, Req::default()).await
    }

    /// `GET path` with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Res {
        let req = Req {
            headers,
            ..Req::default()
        };
        self.send(reqwest::Method::GET, path, req).await
    }

    /// `GET path` with a bearer token.
    pub async fn get_as(&self, path: &str, token: &str) -> Res {
        let req = Req {
            bearer: Some(token),
            headers: &[("accept", "application/json")],
            ..Req::default()
        };
        self.send(reqwest::Method::GET, path, req).await
    }

    /// `POST /micropub` form-encoded (the body as written, already encoded).
    pub async fn form(&self, token: Option<&str>, body: &str) -> Res {
        self.post(
            token,
            "application/x-www-form-urlencoded",
            body.as_bytes().to_vec(),
        )
        .await
    }

    /// `POST /micropub` with a JSON body.
    pub async fn json(&self, token: Option<&str>, body: &Value) -> Res {
        self.post(token, "application/json", body.to_string().into_bytes())
            .await
    }

    /// `POST /micropub` with a body of any type.
    pub async fn post(&self, token: Option<&str>, content_type: &str, body: Vec<u8>) -> Res {
        self.post_to("/micropub", token, content_type, body).await
    }

    pub async fn post_to(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Res {
        let req = Req {
            bearer: token,
            content_type: Some(content_type),
            headers: &[("accept", "application/json")],
            body,
        };
        self.send(reqwest::Method::POST, path, req).await
    }

    /// `POST path` as multipart/form-data.
    pub async fn multipart(&self, path: &str, token: Option<&str>, parts: &[Part<'_>]) -> Res {
        self.post_to(path, token, &multipart_type(), multipart(parts))
            .await
    }

    /// `POST path` handed to the app's router in process (`oneshot`), for bodies over
    /// the limits: over TCP a server may answer 413 and close before the client has
    /// sent everything, and the client then sees a reset instead of the answer.
    pub async fn post_in_process(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Res {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let mut req = axum::http::Request::builder()
            .method("POST")
            .uri(path)
            .header("content-type", content_type)
            .header("content-length", body.len());
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = req.body(axum::body::Body::from(body)).unwrap();
        let router = starpunk::app::build_router(self.server.state.clone());
        let res = router.oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Creates with the full token and returns the Location (asserting 201).
    pub async fn create_form(&self, body: &str) -> String {
        created(&self.form(Some(&self.token), body).await)
    }

    pub async fn create_json(&self, body: &Value) -> String {
        created(&self.json(Some(&self.token), body).await)
    }

    /// `q=source&url=…` for one post, as parsed JSON (asserting 200 JSON).
    pub async fn source(&self, url: &str) -> Value {
        let q = format!("/micropub?q=source&url={}", enc(url));
        json_ok(&self.get_as(&q, &self.token).await)
    }

    /// Fetches a permalink (a Location URL or a path) as a reader would.
    pub async fn page(&self, url: &str) -> Res {
        self.get(url).await
    }

    /// The note URLs of the home page's h-feed, as mf2 sees them.
    pub async fn home_entries(&self) -> Vec<String> {
        let home = self.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        let doc = crate::helpers::mf2(&home.body, &format!("{SITE}/"));
        let mut out = Vec::new();
        collect_entry_urls(&doc["items"], &mut out);
        out
    }

    /// Live (not deleted) notes, drafts included: what the store holds.
    pub async fn live_notes(&self) -> Vec<starpunk::domain::Note> {
        self.server
            .state
            .notes
            .all(starpunk::notes::Listing::Live, 100, 0)
            .await
            .unwrap()
    }

    /// Files under `DATA_PATH/media` (staging excluded).
    pub fn media_files(&self) -> Vec<String> {
        crate::admin::media_files(self.server.data_dir())
    }

    /// The store holds no note and no media file.
    pub async fn assert_nothing_stored(&self) {
        let notes = self.live_notes().await;
        assert!(
            notes.is_empty(),
            "no note: {:?}",
            notes.iter().map(|n| &n.content).collect::<Vec<_>>()
        );
        let files = self.media_files();
        assert!(files.is_empty(), "no media file: {files:?}");
    }
}

/// What a request carries besides its method and path.
#[derive(Default)]
pub struct Req<'a> {
    pub bearer: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Vec<u8>,
}

fn collect_entry_urls(items: &Value, out: &mut Vec<String>) {
    for item in items.as_array().into_iter().flatten() {
        let types = item["type"].as_array().cloned().unwrap_or_default();
        if types.iter().any(|t| t == "h-entry")
            && let Some(u) = item["properties"]["url"][0].as_str()
        {
            out.push(u.to_string());
        }
        collect_entry_urls(&item["children"], out);
    }
}

/// `{SITE_URL}/note/x` → `/note/x`; a path stays as it is.
pub fn local(url: &str) -> String {
    url.strip_prefix(SITE).unwrap_or(url).to_string()
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A create answer: 201 with an absolute `{SITE_URL}/note/{slug}` Location.
pub fn created(res: &Res) -> String {
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let loc = res.header("location").to_string();
    assert!(
        loc.starts_with(&format!("{SITE}/note/")),
        "Location is absolute on SITE_URL: {loc:?}"
    );
    let slug = &loc[format!("{SITE}/note/").len()..];
    assert!(
        !slug.is_empty()
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{loc}"
    );
    loc
}

/// A 200 JSON answer, parsed.
pub fn json_ok(res: &Res) -> Value {
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.header("content-type").starts_with("application/json"),
        "{:?}",
        res.header("content-type")
    );
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

/// A Micropub error: this status, JSON `{"error": code, "error_description": text}`.
pub fn assert_error(res: &Res, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status, status, "{}", res.body);
    assert!(
        res.header("content-type").starts_with("application/json"),
        "errors are JSON, never HTML: {:?} {}",
        res.header("content-type"),
        res.body
    );
    let v: Value = serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body));
    assert_eq!(v["error"], code, "{v}");
    let desc = v["error_description"].as_str().unwrap_or("");
    assert!(!desc.trim().is_empty(), "a description: {v}");
    v
}

/// The `Content-Type` of a body built by [`multipart`].
pub fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Builds a multipart/form-data body.
pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            ),
            Part::File(name, file, mime, bytes) => {
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {mime}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(bytes);
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// A JPEG of `w`×`h`.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    crate::admin::image_bytes(image::ImageFormat::Jpeg, w, h)
}

/// The values of `prop` in an mf2 / Micropub properties object, as strings.
pub fn values(props: &Value, prop: &str) -> Vec<String> {
    props[prop]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The h-entry of a permalink page, parsed as a microformats consumer does.
pub fn page_entry(page: &Res, url: &str) -> Value {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let doc = crate::helpers::mf2(&page.body, url);
    crate::helpers::find_item(&doc, "h-entry").clone()
}
