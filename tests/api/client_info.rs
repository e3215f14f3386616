//! Client identification for the coming authorization endpoint: fetching a client's
//! metadata document, h-app page and logo from a fake client site on 127.0.0.1, and
//! the address policy (private addresses never fetched, loopback allowed).

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use starpunk::auth::client::{
    ClientFetchError, ClientInfo, InfoError, fetch_client_info, fetch_logo, guard::MAX_LOGO,
    guarded_client,
};
use starpunk::auth::fetch::FetchError;
use url::Url;

const TIMEOUT: Duration = Duration::from_secs(5);

/// A tiny PNG header is enough: the logo is checked by its first bytes, not decoded.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// The address this request was sent to, as the client wrote it (`Host`), so a
/// document names the client_id it was fetched as.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    format!("http://{host}")
}

async fn metadata(headers: HeaderMap) -> Response {
    let o = origin(&headers);
    let body = serde_json::json!({
        "client_id": format!("{o}/client.json"),
        "client_name": "Fake Quill",
        "client_uri": format!("{o}/"),
        "logo_uri": "/logo.png",
        "redirect_uris": [format!("{o}/cb"), "https://elsewhere.example/cb"],
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn other_client() -> Response {
    let body = r#"{"client_id": "https://evil.example/client.json", "client_name": "Evil"}"#;
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn h_app() -> Response {
    let html = r#"<!doctype html><html><head><title>App</title>
        <link rel="redirect_uri" href="/html-cb"></head><body>
        <div class="h-app"><img class="u-logo" src="/logo.png" alt="">
        <a class="u-url p-name" href="/">Fake Indigenous</a></div></body></html>"#;
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::LINK, "</header-cb>; rel=\"redirect_uri\""),
        ],
        html,
    )
        .into_response()
}

async fn big() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html")],
        vec![b' '; 2 * 1024 * 1024],
    )
        .into_response()
}

/// The same size, streamed without a Content-Length: only the read cap stops it.
async fn big_stream() -> Response {
    let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(vec![b' '; 32 * 1024]));
    let body = Body::from_stream(futures_util::stream::iter(chunks));
    ([(header::CONTENT_TYPE, "text/html")], body).into_response()
}

/// Never answers: the fetch must give up at its timeout.
async fn slow() -> &'static str {
    std::future::pending::<()>().await;
    ""
}

fn image(ct: &'static str, bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, ct)], bytes).into_response()
}

async fn start_site() -> String {
    let app = Router::new()
        .route("/client.json", get(metadata))
        .route("/other.json", get(other_client))
        .route("/app", get(h_app))
        .route("/big", get(big))
        .route("/big-stream", get(big_stream))
        .route("/slow", get(slow))
        .route(
            "/to-private",
            get(|| async { Redirect::temporary("https://10.0.0.1/") }),
        )
        .route(
            "/to-json",
            get(|| async { Redirect::temporary("/client.json") }),
        )
        .route(
            "/logo.png",
            get(|| async { image("image/png", PNG.to_vec()) }),
        )
        .route(
            "/mislabelled.png",
            get(|| async { image("image/png", b"<html>".to_vec()) }),
        )
        .route(
            "/logo.svg",
            get(|| async { image("image/svg+xml", b"<svg><script/></svg>".to_vec()) }),
        )
        .route(
            "/huge.png",
            get(|| async {
                let mut bytes = PNG.to_vec();
                bytes.resize(MAX_LOGO + 1, 0);
                image("image/png", bytes)
            }),
        )
        .route(
            "/html-logo",
            get(|| async { image("text/html", PNG.to_vec()) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

async fn info(id: &str, timeout: Duration) -> Result<ClientInfo, ClientFetchError> {
    let client = guarded_client("http://blog.example.test", false).unwrap();
    fetch_client_info(&client, &url(id), false, timeout).await
}

#[tokio::test]
async fn a_metadata_document_describes_the_client() {
    let site = start_site().await;
    let got = info(&format!("{site}/client.json"), TIMEOUT).await.unwrap();
    assert_eq!(got.name.as_deref(), Some("Fake Quill"));
    assert_eq!(got.url, url(&format!("{site}/")));
    assert_eq!(got.logo, Some(url(&format!("{site}/logo.png"))));
    assert_eq!(
        got.redirect_uris,
        [
            url(&format!("{site}/cb")),
            url("https://elsewhere.example/cb")
        ]
    );
}

#[tokio::test]
async fn localhost_is_a_loopback_name_and_may_be_fetched() {
    let site = start_site().await;
    let port = url(&site).port().unwrap();
    let id = format!("http://localhost:{port}/client.json");
    let got = info(&id, TIMEOUT).await.unwrap();
    assert_eq!(got.name.as_deref(), Some("Fake Quill"));
}

#[tokio::test]
async fn an_h_app_page_describes_the_client() {
    let site = start_site().await;
    let got = info(&format!("{site}/app"), TIMEOUT).await.unwrap();
    assert_eq!(got.name.as_deref(), Some("Fake Indigenous"));
    assert_eq!(got.url, url(&format!("{site}/")));
    assert_eq!(got.logo, Some(url(&format!("{site}/logo.png"))));
    assert_eq!(
        got.redirect_uris,
        [
            url(&format!("{site}/header-cb")),
            url(&format!("{site}/html-cb"))
        ]
    );
}

#[tokio::test]
async fn a_document_for_another_client_is_not_used() {
    let site = start_site().await;
    let err = info(&format!("{site}/other.json"), TIMEOUT)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientFetchError::Unusable(_, InfoError::OtherClient)),
        "{err:?}"
    );
    // Redirected to a document that names the redirect's target, not this client_id.
    let err = info(&format!("{site}/to-json"), TIMEOUT).await.unwrap_err();
    assert!(
        matches!(err, ClientFetchError::Unusable(_, InfoError::OtherClient)),
        "{err:?}"
    );
}

#[tokio::test]
async fn too_large_pages_are_refused() {
    let site = start_site().await;
    for path in ["/big", "/big-stream"] {
        let err = info(&format!("{site}{path}"), TIMEOUT).await.unwrap_err();
        assert!(
            matches!(err, ClientFetchError::Fetch(FetchError::TooLarge(..))),
            "{path}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_slow_client_times_out() {
    let site = start_site().await;
    let err = info(&format!("{site}/slow"), Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientFetchError::Fetch(FetchError::Timeout(..))),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_missing_page_is_a_status_error() {
    let site = start_site().await;
    let err = info(&format!("{site}/nothing"), TIMEOUT).await.unwrap_err();
    assert!(
        matches!(err, ClientFetchError::Fetch(FetchError::Status(_, 404))),
        "{err:?}"
    );
}

#[tokio::test]
async fn private_addresses_are_never_fetched() {
    let site = start_site().await;
    let port = url(&site).port().unwrap();
    let client = guarded_client("http://blog.example.test", true).unwrap();
    for id in [
        "https://10.0.0.1/".to_string(),
        "https://192.168.0.1/client.json".to_string(),
        "https://169.254.169.254/latest/meta-data/".to_string(),
        "https://[fd00::1]/".to_string(),
        "https://[::ffff:10.0.0.1]/".to_string(),
        // 0.0.0.0 reaches this machine's services on Linux: the fake site would answer.
        format!("http://0.0.0.0:{port}/client.json"),
        format!("http://[::]:{port}/client.json"),
    ] {
        // DEV_MODE lets plain http through the scheme policy: the address policy still holds.
        let err = fetch_client_info(&client, &url(&id), true, TIMEOUT)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ClientFetchError::PrivateAddress(_)),
            "{id}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_redirect_to_a_private_address_is_not_followed() {
    let site = start_site().await;
    let err = info(&format!("{site}/to-private"), TIMEOUT)
        .await
        .unwrap_err();
    match err {
        ClientFetchError::Fetch(FetchError::Redirect(_, why)) => {
            assert!(why.contains("private"), "{why}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn plain_http_clients_on_public_hosts_are_not_fetched() {
    for id in ["http://app.example/", "http://10.0.0.1/"] {
        let err = info(id, TIMEOUT).await.unwrap_err();
        assert!(
            matches!(err, ClientFetchError::Fetch(FetchError::Insecure(_))),
            "{id}: {err:?}"
        );
    }
}

async fn logo(path: &str) -> Option<(&'static str, Vec<u8>)> {
    let site = start_site().await;
    let client = guarded_client("http://blog.example.test", false).unwrap();
    fetch_logo(&client, &url(&format!("{site}{path}")), TIMEOUT).await
}

#[tokio::test]
async fn a_raster_logo_is_fetched_with_its_type() {
    let (mime, bytes) = logo("/logo.png").await.unwrap();
    assert_eq!(mime, "image/png");
    assert_eq!(bytes, PNG);
}

#[tokio::test]
async fn svg_oversized_and_mislabelled_logos_are_refused() {
    for path in [
        "/logo.svg",
        "/huge.png",
        "/mislabelled.png",
        "/html-logo",
        "/nothing",
        "/to-private",
    ] {
        assert_eq!(logo(path).await, None, "{path}");
    }
    let client = guarded_client("http://blog.example.test", false).unwrap();
    for u in [
        "https://10.0.0.1/logo.png",
        "data:image/png;base64,AAAA",
        "ftp://127.0.0.1/x.png",
    ] {
        assert_eq!(fetch_logo(&client, &url(u), TIMEOUT).await, None, "{u}");
    }
}
