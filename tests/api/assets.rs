//! Static assets: every stylesheet, script and icon a page links to is served with the
//! type a browser accepts (a 404 answered as HTML is refused under `nosniff`), and the
//! site's Content-Security-Policy lets the page load them.

use axum::http::StatusCode;
use scraper::{Html, Selector};

use crate::admin::Admin;
use crate::helpers::{Res, SITE, TestApp};

/// The same-site addresses of the stylesheets, scripts and icons `html` loads.
fn subresources(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    let links = Selector::parse(r#"link[rel~="stylesheet"], link[rel~="icon"]"#).unwrap();
    let scripts = Selector::parse("script[src]").unwrap();
    let hrefs = doc
        .select(&links)
        .filter_map(|e| e.value().attr("href"))
        .chain(doc.select(&scripts).filter_map(|e| e.value().attr("src")));
    for href in hrefs {
        let path = href.strip_prefix(SITE).unwrap_or(href);
        assert!(path.starts_with('/'), "{href} is on this site");
        out.push(path.to_string());
    }
    out
}

/// Asserts `res` is a served asset with a content type the browser accepts for it.
fn assert_served(path: &str, res: &Res) {
    assert_eq!(res.status, StatusCode::OK, "{path}");
    let ct = res.header("content-type");
    let want = match path.rsplit('.').next() {
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        other => panic!("unexpected asset type {other:?} for {path}"),
    };
    assert!(ct.starts_with(want), "{path} is {ct}, want {want}");
    assert!(!res.body.is_empty(), "{path} has a body");
    assert!(!res.header("etag").is_empty(), "{path} has an ETag");
    assert!(res.header("cache-control").contains("max-age"), "{path}");
}

#[tokio::test]
async fn admin_stylesheet_and_script_are_served() {
    let app = TestApp::new().await;
    for path in ["/static/admin.css", "/static/admin.js"] {
        let res = app.get(path).await;
        assert_served(path, &res);
        let etag = res.header("etag").to_string();
        let again = app.get_with(path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
    }
    let js = app.get("/static/admin.js").await;
    assert!(
        js.body.contains("beforeunload"),
        "the unsaved-changes guard"
    );
    // tags follow the content, so a changed file is never served stale from a cache
    let css = app.get("/static/admin.css").await;
    let site = app.get("/static/style.css").await;
    assert_ne!(css.header("etag"), site.header("etag"));
    let stale = app
        .get_with(
            "/static/admin.css",
            &[("if-none-match", site.header("etag"))],
        )
        .await;
    assert_eq!(stale.status, StatusCode::OK);
}

#[tokio::test]
async fn every_asset_the_layouts_load_is_served_and_allowed() {
    let admin = Admin::new().await;
    admin.app.note("A note", &["alpha"]).await;
    let public = admin.app.get("/").await;
    let editor = admin.get("/admin/new").await;
    let dashboard = admin.get("/admin/").await;
    let mut seen = Vec::new();
    for (page, res) in [
        ("/", &public),
        ("/admin/new", &editor),
        ("/admin/", &dashboard),
    ] {
        assert_eq!(res.status, StatusCode::OK, "{page}");
        let csp = res.header("content-security-policy");
        assert!(
            csp.contains("style-src 'self'") && csp.contains("script-src 'self'"),
            "{page}: same-site styles and scripts are allowed: {csp}"
        );
        let assets = subresources(&res.body);
        assert!(!assets.is_empty(), "{page} loads assets");
        for path in assets {
            let asset = admin.app.get(&path).await;
            assert_served(&path, &asset);
            seen.push(path);
        }
    }
    for wanted in ["/static/style.css", "/static/admin.css", "/static/admin.js"] {
        assert!(
            seen.iter().any(|p| p == wanted),
            "{wanted} is linked: {seen:?}"
        );
    }
}
