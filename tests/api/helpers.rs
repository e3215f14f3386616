//! Test harness: an app on a temp data dir, driven with `oneshot`, plus the parsers a
//! real client would use (mf2py for pages, feedparser for feeds).

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use starpunk::app::{AppState, build_router};
use starpunk::config::Config;
use starpunk::domain::{Note, NoteInput, Status, Tag};
use tempfile::TempDir;
use tower::ServiceExt;

pub const SITE: &str = "http://blog.example.test";

pub struct TestApp {
    pub dir: TempDir,
    pub state: AppState,
    router: Router,
}

pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Res {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// The variables every test app starts from.
pub fn base_vars(dir: &TempDir) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    vars.insert(
        "DATA_PATH".into(),
        dir.path().to_string_lossy().into_owned(),
    );
    vars.insert("SITE_URL".into(), SITE.into());
    vars.insert("SITE_NAME".into(), "Test Blog".into());
    vars.insert("ADMIN_ME".into(), "https://owner.example.test/".into());
    vars.insert("SITE_AUTHOR".into(), "Ada Owner".into());
    vars
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with(&[]).await
    }

    /// An app with extra configuration variables.
    pub async fn with(extra: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut vars = base_vars(&dir);
        for (k, v) in extra {
            vars.insert(k.to_string(), v.to_string());
        }
        let config = Config::from_vars(&vars).unwrap();
        let state = AppState::new(config).await.unwrap();
        let router = build_router(state.clone());
        TestApp { dir, state, router }
    }

    /// The app's `DATA_PATH`.
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub async fn request(&self, method: Method, path: &str, headers: &[(&str, &str)]) -> Res {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn get(&self, path: &str) -> Res {
        self.request(Method::GET, path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Res {
        self.request(Method::GET, path, headers).await
    }

    /// Creates a published note through the domain API.
    pub async fn note(&self, content: &str, tags: &[&str]) -> Note {
        self.note_with(NoteInput {
            content: content.into(),
            tags: tags.iter().map(|t| Tag::parse(t).unwrap()).collect(),
            ..Default::default()
        })
        .await
    }

    pub async fn draft(&self, content: &str) -> Note {
        self.note_with(NoteInput {
            content: content.into(),
            status: Some(Status::Draft),
            ..Default::default()
        })
        .await
    }

    /// Every note that is not deleted, drafts included (newest first, at most 100).
    pub async fn live_notes(&self) -> Vec<Note> {
        self.state
            .notes
            .all(starpunk::notes::Listing::Live, 100, 0)
            .await
            .unwrap()
    }

    pub async fn note_with(&self, input: NoteInput) -> Note {
        self.state.notes.create(input).await.unwrap()
    }

    /// Creates `n` published notes, one second apart in publication time, oldest first.
    pub async fn many(&self, n: usize, tags: &[&str]) -> Vec<Note> {
        let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let mut out = Vec::new();
        for i in 0..n {
            out.push(
                self.note_with(NoteInput {
                    content: format!("Note number {i} with a [link](/about) and words"),
                    tags: tags.iter().map(|t| Tag::parse(t).unwrap()).collect(),
                    published_at: Some(start + chrono::Duration::seconds(i as i64)),
                    ..Default::default()
                })
                .await,
            );
        }
        out
    }
}

/// The Python with feedparser and mf2py: `STARPUNK_TEST_PYTHON`, else the virtual
/// environment `scripts/setup.sh --test` makes, else `python3` on the PATH.
fn python() -> String {
    if let Ok(p) = std::env::var("STARPUNK_TEST_PYTHON") {
        return p;
    }
    let venv = format!(
        "{}/target/test-python/bin/python3",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::path::Path::new(&venv).exists() {
        venv
    } else {
        "python3".into()
    }
}

fn run_python(script: &str, args: &[&str], input: &[u8]) -> serde_json::Value {
    let path = format!("{}/tests/support/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(python())
        .arg(&path)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs (scripts/setup.sh --test installs mf2py and feedparser)");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Microformats2 parse of a page, as an IndieWeb client sees it.
pub fn mf2(html: &str, url: &str) -> serde_json::Value {
    run_python("mf2.py", &[url], html.as_bytes())
}

/// Feed parse, as a feed reader sees it. JSON Feed is recognised by its content type,
/// as a reader fetching it over HTTP would.
pub fn parse_feed(body: &str) -> serde_json::Value {
    let kind = if body.trim_start().starts_with('{') {
        "application/feed+json"
    } else {
        "application/xml"
    };
    run_python("feed.py", &[kind], body.as_bytes())
}

/// The number of entries a feed reader finds, in any of the three formats.
pub fn entry_count(body: &str) -> usize {
    feed_rs::parser::parse(body.as_bytes())
        .expect("a feed reader can parse it")
        .entries
        .len()
}

/// The first top-level item of the given mf2 type.
pub fn find_item<'a>(doc: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"].as_array().unwrap().iter().any(|t| t == kind))
        .unwrap_or_else(|| panic!("no {kind} in {doc}"))
}

/// A property's values as strings (for plain-text properties).
pub fn strings(item: &serde_json::Value, prop: &str) -> Vec<String> {
    item["properties"][prop]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl TestApp {
    /// Sends a fully built request (body, extensions such as `ConnectInfo`) to the app.
    /// The router, for a request sent from another task.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

/// The app served over real TCP on `127.0.0.1:0` by `app::serve`, as in production
/// (peer addresses, connection handling); stopped gracefully when dropped.
pub struct TestServer {
    pub addr: std::net::SocketAddr,
    /// The served app's state (its notes service, database, config), for checks a
    /// client cannot make: what was stored and what was not.
    pub state: AppState,
    /// Kept so the data folder lives as long as the server.
    _dir: TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    /// Serves an app with extra configuration variables.
    pub async fn start(extra: &[(&str, &str)]) -> Self {
        Self::start_with(extra, starpunk::server::Limits::default()).await
    }

    /// Serves an app with chosen connection limits.
    pub async fn start_with(extra: &[(&str, &str)], limits: starpunk::server::Limits) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut vars = base_vars(&dir);
        for (k, v) in extra {
            vars.insert(k.to_string(), v.to_string());
        }
        let config = Config::from_vars(&vars).unwrap();
        let state = AppState::new(config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(starpunk::app::serve_with(
            listener,
            state.clone(),
            limits,
            async move {
                let _ = stopped.await;
            },
        ));
        TestServer {
            addr,
            state,
            _dir: dir,
            stop: Some(stop),
        }
    }

    /// `http://127.0.0.1:port` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The served app's `DATA_PATH`.
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// An HTTP client that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
