use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

const ID: &str = "https://app.example/client.json";

fn meta(json: &str) -> Result<ClientInfo, InfoError> {
    parse_metadata(json.as_bytes(), &url(ID), &url(ID))
}

#[test]
fn metadata_document_gives_name_logo_url_and_redirects() {
    let info = meta(
        r#"{"client_id": "https://app.example/client.json",
            "client_name": "  Quill\n Writer ",
            "client_uri": "https://app.example/",
            "logo_uri": "/logo.png",
            "redirect_uris": ["https://app.example/cb", "com.example.app:/auth", "/relative", 7]}"#,
    )
    .unwrap();
    assert_eq!(info.name.as_deref(), Some("Quill Writer"));
    assert_eq!(info.logo, Some(url("https://app.example/logo.png")));
    assert_eq!(info.url, url("https://app.example/"));
    assert_eq!(
        info.redirect_uris,
        [
            url("https://app.example/cb"),
            url("com.example.app:/auth"),
            url("https://app.example/relative")
        ]
    );
}

#[test]
fn metadata_for_another_client_is_refused() {
    for json in [
        r#"{"client_id": "https://evil.example/client.json", "client_name": "Evil"}"#,
        r#"{"client_id": "https://app.example/other.json"}"#,
        r#"{"client_name": "No id"}"#,
        r#"{"client_id": 5}"#,
    ] {
        assert_eq!(meta(json), Err(InfoError::OtherClient), "{json}");
    }
    // The same address written differently is the same client.
    assert!(meta(r#"{"client_id": "HTTPS://App.Example:443/client.json"}"#).is_ok());
}

#[test]
fn metadata_that_is_not_an_object_is_refused() {
    assert_eq!(meta("[1, 2]"), Err(InfoError::NotJson));
    assert_eq!(meta("{nope"), Err(InfoError::NotJson));
    assert_eq!(meta(""), Err(InfoError::NotJson));
}

#[test]
fn client_uri_must_be_a_prefix_of_the_client_id_on_its_origin() {
    let with_uri = |u: &str| {
        let json = format!(r#"{{"client_id": "{ID}", "client_uri": "{u}"}}"#);
        meta(&json).unwrap().url.to_string()
    };
    assert_eq!(with_uri("https://app.example"), "https://app.example/");
    assert_eq!(with_uri("https://evil.example/"), ID);
    // A string prefix on another host is still another site.
    let id = "https://app.example.evil/client.json";
    let json = format!(r#"{{"client_id": "{id}", "client_uri": "https://app.example"}}"#);
    let info = parse_metadata(json.as_bytes(), &url(id), &url(id)).unwrap();
    assert_eq!(info.url.as_str(), id);
    assert_eq!(with_uri("https://app.example/elsewhere/"), ID);
    assert_eq!(with_uri("http://app.example/"), ID);
}

#[test]
fn metadata_drops_odd_names_and_logos_and_bounds_lists() {
    let uris: Vec<String> = (0..50)
        .map(|i| format!("\"https://app.example/{i}\""))
        .collect();
    let json = format!(
        r#"{{"client_id": "{ID}", "client_name": "   ", "logo_uri": "javascript:alert(1)",
            "redirect_uris": [{}]}}"#,
        uris.join(",")
    );
    let info = meta(&json).unwrap();
    assert_eq!(info.name, None);
    assert_eq!(info.logo, None);
    assert_eq!(info.redirect_uris.len(), 20);
    let long = format!(
        r#"{{"client_id": "{ID}", "client_name": "{}"}}"#,
        "é".repeat(500)
    );
    assert_eq!(meta(&long).unwrap().name.unwrap().chars().count(), 100);
}

const PAGE: &str = "https://app.example/";

fn page(html: &str, links: &[&str]) -> ClientInfo {
    parse_h_app(html, &url(PAGE), links.iter().copied(), &url(PAGE))
}

#[test]
fn h_app_gives_name_logo_and_url() {
    let info = page(
        r#"<html><head><link rel="redirect_uri" href="/auth/cb"></head><body>
        <div class="h-app"><img class="u-logo" src="/logo.png" alt="">
        <a class="u-url p-name" href="/">Quill</a></div></body></html>"#,
        &[],
    );
    assert_eq!(info.name.as_deref(), Some("Quill"));
    assert_eq!(info.logo, Some(url("https://app.example/logo.png")));
    assert_eq!(info.url, url(PAGE));
    assert_eq!(info.redirect_uris, [url("https://app.example/auth/cb")]);
}

#[test]
fn h_x_app_and_implied_name_are_read() {
    let info = page(r#"<p class="h-x-app">  Indigenous   app </p>"#, &[]);
    assert_eq!(info.name.as_deref(), Some("Indigenous app"));
    assert_eq!(info.logo, None);
}

#[test]
fn h_app_on_the_clients_origin_wins_and_foreign_urls_are_not_shown() {
    let info = page(
        r#"<div class="h-app"><a class="u-url p-name" href="https://evil.example/">Evil</a></div>
        <div class="h-app"><a class="u-url p-name" href="/about">Real</a></div>"#,
        &[],
    );
    assert_eq!(info.name.as_deref(), Some("Real"));
    assert_eq!(info.url, url("https://app.example/about"));
    let only_foreign = page(
        r#"<div class="h-app"><a class="u-url p-name" href="https://evil.example/">Evil</a></div>"#,
        &[],
    );
    assert_eq!(
        only_foreign.url,
        url(PAGE),
        "another site's URL is never shown"
    );
}

#[test]
fn redirect_uris_come_from_link_headers_then_the_page() {
    let info = page(
        r#"<base href="https://cdn.example/x/"><link rel="redirect_uri" href="cb">
        <a rel="nofollow redirect_uri" href="https://app.example/a"></a>
        <link rel="redirect_uri" href="https://app.example/h">"#,
        &[
            r#"<https://app.example/h>; rel="redirect_uri", </l>; rel=other"#,
            "</r2>; rel=redirect_uri",
        ],
    );
    assert_eq!(
        info.redirect_uris,
        [
            url("https://app.example/h"),
            url("https://app.example/r2"),
            url("https://cdn.example/x/cb"),
            url("https://app.example/a"),
        ]
    );
}

#[test]
fn a_page_without_h_app_gives_the_bare_address() {
    let info = page("<title>Hello</title><p>nothing here</p>", &[]);
    assert_eq!(info, ClientInfo::bare(&url(PAGE)));
}

#[test]
fn content_type_chooses_the_parser() {
    let id = url(ID);
    let json = format!(r#"{{"client_id": "{ID}", "client_name": "J"}}"#);
    let html = r#"<div class="h-app"><span class="p-name">H</span></div>"#;
    let parse = |ct: Option<&str>, body: &str| {
        parse_client_info(ct, body.as_bytes(), &id, std::iter::empty(), &id)
    };
    let name = |r: Result<ClientInfo, InfoError>| r.unwrap().name.unwrap();
    assert_eq!(
        name(parse(Some("application/json; charset=utf-8"), &json)),
        "J"
    );
    assert_eq!(name(parse(Some("application/ld+json"), &json)), "J");
    assert_eq!(name(parse(None, &format!("  {json}"))), "J");
    assert_eq!(name(parse(Some("text/plain"), &json)), "J");
    assert_eq!(name(parse(Some("text/html"), html)), "H");
    assert_eq!(name(parse(None, html)), "H");
    assert_eq!(
        parse(Some("application/json"), html),
        Err(InfoError::NotJson)
    );
}
