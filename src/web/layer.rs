//! The site layer: the one hand-written tower layer every request crosses, inside the
//! `TraceLayer` span. It does five jobs that were five layers before (each `Router`
//! layer costs a boxed service clone, a boxed future and a copy of that future per
//! request, about a fifth of the CPU of a cached `304`):
//!
//! 1. refuses over-long request targets (414) without calling a handler;
//! 2. gives the request a session [`Slot`] and applies it to the response
//!    (`private, no-store` when the handler looked at the session, refreshed cookie);
//! 3. turns a panicking handler into a 500 page (logged), never a dropped connection;
//! 4. limits how long a handler may take (503 page after [`REQUEST_TIMEOUT`], or
//!    [`UPLOAD_TIMEOUT`] for a multipart POST to an upload route, from a phone on a slow
//!    link). The timer is armed only when the handler first has to wait, so a response
//!    served from cache, which is ready at once, never touches the timer wheel;
//! 5. renders any response carrying an [`crate::error::ErrorPage`] as the HTML error
//!    page, and adds the `Link` and security headers.

use std::convert::Infallible;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service};

use crate::app::AppState;
use crate::auth::session::Slot;
use crate::error::AppError;
use crate::limits::{REQUEST_TIMEOUT, UPLOAD_ROUTES, UPLOAD_TIMEOUT};
use crate::web::{errors, headers};

/// Builds [`SiteService`]s; see the module documentation.
#[derive(Clone)]
pub struct SiteLayer {
    state: AppState,
    timeout: Duration,
    upload_timeout: Duration,
}

impl SiteLayer {
    /// The layer with the standard time limits ([`crate::limits`]).
    pub fn new(state: AppState) -> Self {
        Self::with_timeouts(state, REQUEST_TIMEOUT, UPLOAD_TIMEOUT)
    }

    /// The layer with other time limits (tests).
    pub fn with_timeouts(state: AppState, timeout: Duration, upload_timeout: Duration) -> Self {
        SiteLayer {
            state,
            timeout,
            upload_timeout,
        }
    }
}

impl<S> Layer<S> for SiteLayer {
    type Service = SiteService<S>;

    fn layer(&self, inner: S) -> SiteService<S> {
        SiteService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service made by [`SiteLayer`].
#[derive(Clone)]
pub struct SiteService<S> {
    inner: S,
    layer: SiteLayer,
}

impl<S> Service<Request> for SiteService<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = SiteFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let state = self.layer.state.clone();
        let slot = Slot::attach(&mut req);
        // API and Micropub clients get JSON errors, whatever the layer itself answers.
        let path = req.uri().path();
        let json =
            path.starts_with("/api/") || path == "/micropub" || path.starts_with("/micropub/");
        if headers::uri_too_long(req.uri()) {
            let res = AppError::UriTooLong.into_response();
            return SiteFuture::answered(state, slot, json, res);
        }
        let limit = if is_upload(&req) {
            self.layer.upload_timeout
        } else {
            self.layer.timeout
        };
        let inner = &mut self.inner;
        match catch_unwind(AssertUnwindSafe(|| inner.call(req))) {
            Ok(fut) => SiteFuture {
                state,
                slot,
                json,
                handler: Some(fut),
                answer: None,
                deadline: Instant::now() + limit,
                timer: None,
            },
            Err(panic) => SiteFuture::answered(state, slot, json, errors::panic_response(panic)),
        }
    }
}

/// A multipart POST to an upload route, which gets the longer time limit.
fn is_upload(req: &Request) -> bool {
    const MULTIPART: &[u8] = b"multipart/";
    req.method() == Method::POST
        && req
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|m| UPLOAD_ROUTES.contains(&m.as_str()))
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.as_bytes().get(..MULTIPART.len()))
            .is_some_and(|v| v.eq_ignore_ascii_case(MULTIPART))
}

/// The response future of [`SiteService`].
pub struct SiteFuture<F> {
    state: AppState,
    slot: Slot,
    /// Errors are rendered as JSON (`/api/…`) rather than as the HTML page.
    json: bool,
    /// The handler, until it answers (`None` when the layer answered by itself).
    handler: Option<F>,
    /// An answer given without the handler, waiting to be finished.
    answer: Option<Response>,
    deadline: Instant,
    /// Armed on the handler's first `Pending` only.
    timer: Option<Pin<Box<Sleep>>>,
}

impl<F> SiteFuture<F> {
    fn answered(state: AppState, slot: Slot, json: bool, res: Response) -> Self {
        SiteFuture {
            state,
            slot,
            json,
            handler: None,
            answer: Some(res),
            deadline: Instant::now(),
            timer: None,
        }
    }

    /// The way out: error page, session marking, site headers. A panic in there (or in
    /// dropping the handler's future) still ends as a 500, never a dropped connection.
    fn finish(&mut self, res: Response) -> Poll<Result<Response, Infallible>> {
        let res = catch_unwind(AssertUnwindSafe(|| {
            self.handler = None;
            self.timer = None;
            let mut res = if self.json {
                errors::render_error_json(res)
            } else {
                errors::render_error_page(&self.state, res)
            };
            self.slot.apply(&mut res);
            res
        }))
        .unwrap_or_else(|_| {
            tracing::error!("panic while finishing a response");
            let mut res =
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            res
        });
        let mut res = res;
        headers::add_site_headers(&self.state.site, &mut res);
        Poll::Ready(Ok(res))
    }
}

impl<F> Future for SiteFuture<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is Unpin (the handler future by the bound, the timer boxed).
        let this = self.get_mut();
        if let Some(res) = this.answer.take() {
            return this.finish(res);
        }
        let Some(handler) = this.handler.as_mut() else {
            // Polled after completion: a contract breach by the caller, not a client.
            return this
                .finish(AppError::Internal(anyhow::anyhow!("polled twice")).into_response());
        };
        match catch_unwind(AssertUnwindSafe(|| Pin::new(handler).poll(cx))) {
            Ok(Poll::Ready(Ok(res))) => return this.finish(res),
            Ok(Poll::Ready(Err(never))) => match never {},
            Ok(Poll::Pending) => {}
            Err(panic) => return this.finish(errors::panic_response(panic)),
        }
        let deadline = this.deadline;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if timer.as_mut().poll(cx).is_ready() {
            tracing::warn!("request timed out");
            return this.finish(AppError::TimedOut.into_response());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::body::Body;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;
    use crate::auth::AdminSession;
    use crate::config::Config;

    const SHORT: Duration = Duration::from_secs(2);
    const LONG: Duration = Duration::from_secs(20);

    /// A router with test handlers behind the site layer, on a fresh temp `DATA_PATH`
    /// (kept alive by the returned directory). `calls` counts `/plain`'s runs.
    async fn app(calls: Arc<AtomicUsize>) -> (tempfile::TempDir, Router) {
        let dir = tempfile::tempdir().unwrap();
        // ADMIN_ME set: the site then advertises rel=me and rel=micropub in `Link`.
        let vars: HashMap<String, String> = [
            (
                "DATA_PATH".to_string(),
                dir.path().to_string_lossy().into_owned(),
            ),
            ("ADMIN_ME".to_string(), "https://owner.example/".to_string()),
        ]
        .into_iter()
        .collect();
        let s = AppState::new(Config::from_vars(&vars).unwrap())
            .await
            .unwrap();
        let slow = || async {
            tokio::time::sleep(SHORT * 3).await;
            "slow but done"
        };
        let router = Router::new()
            .route(
                "/panics",
                get(|| async {
                    if true {
                        panic!("boom");
                    }
                    "never"
                }),
            )
            .route("/slow", get(slow).post(slow))
            .route(
                "/looks",
                get(|session: Option<AdminSession>| async move {
                    format!("signed in: {}", session.is_some())
                }),
            )
            .route(
                "/plain",
                get(move || async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    ([(header::CACHE_CONTROL, "public, max-age=60")], "hello")
                }),
            )
            .route("/admin/new", post(slow))
            .layer(SiteLayer::with_timeouts(s.clone(), SHORT, LONG))
            .with_state(s);
        (dir, router)
    }

    async fn send(app: &Router, req: axum::http::Request<Body>) -> (StatusCode, HeaderMap, String) {
        let res = app.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        (
            parts.status,
            parts.headers,
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    fn get_req(uri: &str) -> axum::http::Request<Body> {
        axum::http::Request::get(uri).body(Body::empty()).unwrap()
    }

    fn has_site_headers(h: &HeaderMap) -> bool {
        h.get(header::X_FRAME_OPTIONS).is_some_and(|v| v == "DENY")
            && h.contains_key(header::CONTENT_SECURITY_POLICY)
            && h.contains_key(header::LINK)
    }

    #[tokio::test]
    async fn a_panicking_handler_is_a_500_page_with_the_site_headers() {
        let (_dir, app) = app(Arc::default()).await;
        let (status, h, body) = send(&app, get_req("/panics")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            h[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(body.contains("Something went wrong"), "{body}");
        assert!(!body.contains("boom"), "the panic message stays in the log");
        assert!(has_site_headers(&h));
    }

    #[tokio::test]
    async fn a_slow_handler_gets_a_503_page_but_an_upload_gets_longer() {
        let (_dir, app) = app(Arc::default()).await;
        // Paused once the store is open: the clock then jumps to each timer.
        tokio::time::pause();
        let (status, h, body) = send(&app, get_req("/slow")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("took too long"), "{body}");
        assert!(has_site_headers(&h));

        let upload = |uri: &str| {
            axum::http::Request::post(uri)
                .header(header::CONTENT_TYPE, "Multipart/Form-Data; boundary=x")
                .body(Body::empty())
                .unwrap()
        };
        let (status, _, body) = send(&app, upload("/admin/new")).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "an upload route gets the long limit"
        );
        assert_eq!(body, "slow but done");
        let (status, _, _) = send(&app, upload("/slow")).await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "claiming to upload elsewhere buys no time"
        );
    }

    #[tokio::test]
    async fn responses_that_looked_at_the_session_are_private() {
        let (_dir, app) = app(Arc::default()).await;
        let (status, h, body) = send(&app, get_req("/looks")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "signed in: false");
        assert_eq!(h[header::CACHE_CONTROL], "private, no-store");
        let (_, h, _) = send(&app, get_req("/plain")).await;
        assert_eq!(h[header::CACHE_CONTROL], "public, max-age=60");
        assert!(has_site_headers(&h));
    }

    #[tokio::test]
    async fn an_over_long_address_is_refused_before_the_handler_runs() {
        let calls = Arc::new(AtomicUsize::new(0));
        let (_dir, app) = app(calls.clone()).await;
        let long = format!("/plain?q={}", "a".repeat(headers::MAX_URI_LEN));
        let (status, h, body) = send(&app, get_req(&long)).await;
        assert_eq!(status, StatusCode::URI_TOO_LONG);
        assert!(body.contains("too long"), "{body}");
        assert!(has_site_headers(&h));
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(send(&app, get_req("/plain")).await.0, StatusCode::OK);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
