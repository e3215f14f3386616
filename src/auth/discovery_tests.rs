use super::*;

fn base() -> Url {
    Url::parse("https://me.example.com/profile/").unwrap()
}

fn s(u: &Option<Url>) -> Option<&str> {
    u.as_ref().map(Url::as_str)
}

#[test]
fn link_header_with_several_links_and_rels() {
    let rels = parse_link_header(
        [
            r#"<https://auth.example.com/auth>; rel="authorization_endpoint", <https://auth.example.com/token>; rel=token_endpoint"#,
            r#"<https://me.example.com/micropub>; rel="micropub""#,
        ],
        &base(),
    );
    assert_eq!(
        s(&rels.authorization_endpoint),
        Some("https://auth.example.com/auth")
    );
    assert_eq!(
        s(&rels.token_endpoint),
        Some("https://auth.example.com/token")
    );
    assert_eq!(rels.metadata, None);
}

#[test]
fn link_header_quoted_rel_list_and_relative_target() {
    let rels = parse_link_header(
        [r#"</auth?a=1,2>; title="x; y, z"; rel="me authorization_endpoint Token_Endpoint""#],
        &base(),
    );
    assert_eq!(
        s(&rels.authorization_endpoint),
        Some("https://me.example.com/auth?a=1,2")
    );
    assert_eq!(
        s(&rels.token_endpoint),
        Some("https://me.example.com/auth?a=1,2")
    );
}

#[test]
fn link_header_first_value_wins_and_garbage_is_skipped() {
    let rels = parse_link_header(
        [r#"garbage, <a/one>; rel=indieauth-metadata, <two>; rel="indieauth-metadata""#],
        &base(),
    );
    assert_eq!(
        s(&rels.metadata),
        Some("https://me.example.com/profile/a/one")
    );
}

#[test]
fn link_header_without_rel_is_ignored() {
    let rels = parse_link_header(
        [
            r#"<https://x.example/>; type="text/html""#,
            "",
            "<unterminated",
        ],
        &base(),
    );
    assert_eq!(rels, Rels::default());
}

#[test]
fn html_links_resolve_against_base() {
    let html = r#"<!doctype html><html><head>
        <link rel="stylesheet" href="/style.css">
        <link rel="authorization_endpoint" href="../auth">
        <link rel="token_endpoint me" href="https://tokens.example.com/token">
        <link rel="authorization_endpoint" href="https://second.example.com/">
        </head><body><a rel="indieauth-metadata" href="/meta">m</a></body></html>"#;
    let rels = parse_html_links(html, &base());
    assert_eq!(
        s(&rels.authorization_endpoint),
        Some("https://me.example.com/auth")
    );
    assert_eq!(
        s(&rels.token_endpoint),
        Some("https://tokens.example.com/token")
    );
    assert_eq!(s(&rels.metadata), Some("https://me.example.com/meta"));
}

#[test]
fn html_base_element_is_honoured() {
    let html = r#"<head><base href="https://cdn.example.net/x/"><link rel="authorization_endpoint" href="auth"></head>"#;
    let rels = parse_html_links(html, &base());
    assert_eq!(
        s(&rels.authorization_endpoint),
        Some("https://cdn.example.net/x/auth")
    );
}

#[test]
fn metadata_is_read_and_relative_endpoints_resolved() {
    let meta_url =
        Url::parse("https://auth.example.com/.well-known/oauth-authorization-server").unwrap();
    let m = parse_metadata(
        br#"{"issuer":"https://auth.example.com/","authorization_endpoint":"/auth","token_endpoint":"https://auth.example.com/token"}"#,
        &meta_url,
    )
    .unwrap();
    assert_eq!(m.issuer.as_deref(), Some("https://auth.example.com/"));
    assert_eq!(
        m.authorization_endpoint.as_str(),
        "https://auth.example.com/auth"
    );
    assert_eq!(s(&m.token_endpoint), Some("https://auth.example.com/token"));
    assert!(!m.iss_parameter_supported, "absent means not promised");
    let promised = parse_metadata(
        br#"{"issuer":"https://a.example/","authorization_endpoint":"/auth","authorization_response_iss_parameter_supported":true}"#,
        &meta_url,
    )
    .unwrap();
    assert!(promised.iss_parameter_supported);
    assert_eq!(
        parse_metadata(b"[]", &meta_url),
        Err(MetadataError::NotJson)
    );
    assert_eq!(
        parse_metadata(b"<html>", &meta_url),
        Err(MetadataError::NotJson)
    );
    assert_eq!(
        parse_metadata(br#"{"issuer":"x"}"#, &meta_url),
        Err(MetadataError::NoAuthorizationEndpoint)
    );
}

#[test]
fn choice_follows_the_specification_order() {
    let u = |p: &str| Some(base().join(p).unwrap());
    let header = Rels {
        authorization_endpoint: u("/h-auth"),
        token_endpoint: u("/h-token"),
        metadata: None,
    };
    let html = Rels {
        authorization_endpoint: u("/x-auth"),
        token_endpoint: None,
        metadata: u("/x-meta"),
    };
    // Metadata anywhere beats a plain authorization_endpoint.
    assert_eq!(
        s(&choose(&header, &html).metadata),
        Some("https://me.example.com/x-meta")
    );
    // Without metadata the header beats the HTML.
    let html = Rels {
        metadata: None,
        ..html
    };
    let c = choose(&header, &html);
    assert_eq!(
        s(&c.authorization_endpoint),
        Some("https://me.example.com/h-auth")
    );
    assert_eq!(s(&c.token_endpoint), Some("https://me.example.com/h-token"));
    let c = choose(&Rels::default(), &html);
    assert_eq!(
        s(&c.authorization_endpoint),
        Some("https://me.example.com/x-auth")
    );
    assert_eq!(c.token_endpoint, None);
}

#[test]
fn html_content_types() {
    assert!(is_html(None));
    assert!(is_html(Some("text/html; charset=utf-8")));
    assert!(is_html(Some("TEXT/HTML")));
    assert!(!is_html(Some("application/json")));
}

#[test]
fn every_target_of_one_rel_is_read_in_order() {
    let header = header_rel_targets(
        [
            r#"</a>; rel="redirect_uri other", <https://x.example/b>; rel=REDIRECT_URI"#,
            "</c>; rel=redirect_uris, </d>; title=\"rel=redirect_uri\"",
        ],
        &base(),
        "redirect_uri",
    );
    let strs: Vec<&str> = header.iter().map(Url::as_str).collect();
    assert_eq!(strs, ["https://me.example.com/a", "https://x.example/b"]);
    let doc = Html::parse_document(
        r#"<base href="/base/"><link rel="redirect_uri" href="one">
        <a rel="nofollow redirect_uri" href="https://x.example/two">x</a>
        <link rel="me" href="/not-this"><link rel="redirect_uri">"#,
    );
    let html = html_rel_targets(&doc, &base(), "redirect_uri");
    let strs: Vec<&str> = html.iter().map(Url::as_str).collect();
    assert_eq!(
        strs,
        ["https://me.example.com/base/one", "https://x.example/two"]
    );
}
