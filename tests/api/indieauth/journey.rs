//! The whole journey of a Micropub application, as it would make it.

use axum::http::header;
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;

use super::support::*;

/// `rel` targets of a `Link` header value (`<url>; rel="x"`).
fn link_rel(link: &str, rel: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        params
            .contains(&format!("rel=\"{rel}\""))
            .then(|| url.trim().trim_matches(['<', '>']).to_string())
    })
}

/// The path of one of the blog's absolute URLs (its `SITE_URL` is not where the
/// test server listens).
fn path_of(abs: &str) -> String {
    let u = url::Url::parse(abs).unwrap();
    assert_eq!(u.host_str(), Some("blog.example.test"));
    u.path().to_string()
}

#[tokio::test]
async fn a_micropub_app_from_discovery_to_revocation() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let http = server.client();

    // Discovery: the home page's Link header and <link> elements.
    let home = http.get(server.url("/")).send().await.unwrap();
    let link = home.headers()[header::LINK].to_str().unwrap().to_string();
    let metadata_url = link_rel(&link, "indieauth-metadata").expect("indieauth-metadata link");
    assert_eq!(
        link_rel(&link, "authorization_endpoint").as_deref(),
        Some("http://blog.example.test/auth/authorize")
    );
    let html = Html::parse_document(&home.text().await.unwrap());
    let sel = Selector::parse("link[rel=indieauth-metadata]").unwrap();
    let in_page = html
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap();
    assert_eq!(in_page, metadata_url);

    // Metadata.
    let meta: Value = http
        .get(server.url(&path_of(&metadata_url)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meta["issuer"], "http://blog.example.test/");
    assert_eq!(meta["code_challenge_methods_supported"][0], "S256");
    let authorize = path_of(meta["authorization_endpoint"].as_str().unwrap());
    let token_ep = path_of(meta["token_endpoint"].as_str().unwrap());
    let introspect = path_of(meta["introspection_endpoint"].as_str().unwrap());
    let revoke = path_of(meta["revocation_endpoint"].as_str().unwrap());

    // Not signed in: off to the sign-in page, which will come back here.
    let (query, verifier) = app.query("create update media", "state-123");
    let first = get_authorize(&server, None, &query).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let login = first.headers()[header::LOCATION].to_str().unwrap();
    let login = url::Url::parse(&format!("http://x{login}")).unwrap();
    assert_eq!(login.path(), "/auth/login");
    let next: String = login
        .query_pairs()
        .find(|(k, _)| k == "next")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(next, format!("{authorize}?{query}"));
    assert_eq!(
        starpunk::auth::urls::safe_next(Some(&next)).as_deref(),
        Some(next.as_str()),
        "the sign-in page accepts the way back"
    );

    // The owner signs in with the password and is sent back to the request.
    let (cookie, back) = sign_in_to(&server, &next).await;
    assert_eq!(back, next, "back to the authorization request");

    // Signed in: the consent page, with the application's name and logo.
    let page = get_authorize(&server, Some(&cookie), &query).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[header::CACHE_CONTROL], "private, no-store");
    let consent = parse_consent(&page.text().await.unwrap());
    let doc = Html::parse_document(&consent.html);
    let name = Selector::parse(".consent-app-name").unwrap();
    assert_eq!(doc.select(&name).next().unwrap().inner_html(), APP_NAME);
    let logo = Selector::parse("img.consent-logo").unwrap();
    let src = doc
        .select(&logo)
        .next()
        .unwrap()
        .value()
        .attr("src")
        .unwrap();
    assert!(src.starts_with("data:image/png;base64,"), "{src}");
    assert_eq!(
        consent.scopes,
        [
            ("create".to_string(), true),
            ("update".to_string(), true),
            ("media".to_string(), true)
        ]
    );
    let warn = Selector::parse(".consent-pkce").unwrap();
    assert!(
        doc.select(&warn).next().is_none(),
        "PKCE was used: no warning"
    );

    // Approve, unticking "update".
    let res = post_consent(
        &server,
        &cookie,
        &consent,
        &["create", "media"],
        "approve",
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (loc, params) = location_params(&res);
    assert!(loc.starts_with(&app.redirect_uri), "{loc}");
    assert_eq!(params["state"], "state-123");
    assert_eq!(params["iss"], "http://blog.example.test/");
    let code = &params["code"];

    // The app's description is kept for the Apps page.
    let known = starpunk::db::clients::all(&server.state.db).await.unwrap();
    assert_eq!(known.len(), 1);
    assert_eq!(known[0].name.as_deref(), Some(APP_NAME));
    assert_eq!(known[0].logo.as_deref(), Some(LOGO_PNG));

    // Redeem at the token endpoint with the verifier.
    let (status, tok, headers) = post_form(
        &server,
        &token_ep,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", &app.client_id),
            ("redirect_uri", &app.redirect_uri),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tok}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(tok["token_type"], "Bearer");
    assert_eq!(tok["me"], "http://blog.example.test/");
    assert_eq!(
        tok["scope"], "create media",
        "the unticked scope is not granted"
    );
    assert_eq!(tok["expires_in"], 90 * 24 * 3600);
    assert!(tok.get("profile").is_none());
    let access = tok["access_token"].as_str().unwrap().to_string();
    let refresh = tok["refresh_token"].as_str().unwrap().to_string();

    // Post a note with it.
    let created = micropub_create(&server, &access, "Hello from my own server").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let note = http
        .get(server.url(&path_of(&location)))
        .send()
        .await
        .unwrap();
    assert_eq!(note.status(), StatusCode::OK);
    assert!(
        note.text()
            .await
            .unwrap()
            .contains("Hello from my own server")
    );
    // "update" was unticked: the token cannot edit.
    let edit = http
        .post(server.url("/micropub"))
        .bearer_auth(&access)
        .json(&serde_json::json!({"action": "update", "url": location,
            "replace": {"content": ["changed"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), StatusCode::FORBIDDEN);

    // Token verification, as older Micropub servers do it.
    let verified: Value = http
        .get(server.url(&token_ep))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["me"], "http://blog.example.test/");
    assert_eq!(verified["client_id"], app.client_id);
    assert_eq!(verified["scope"], "create media");

    // Introspection, the caller using its own token.
    let (status, info, _) =
        post_form(&server, &introspect, &[("token", &access)], Some(&access)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["active"], true);
    assert_eq!(info["client_id"], app.client_id);
    assert!(info["exp"].as_i64().unwrap() > info["iat"].as_i64().unwrap());

    // Refresh: new tokens, the old refresh token is spent.
    let (status, fresh, _) = post_form(
        &server,
        &token_ep,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &app.client_id),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    assert_eq!(fresh["scope"], "create media");
    let access2 = fresh["access_token"].as_str().unwrap().to_string();
    assert_ne!(access2, access);
    assert_ne!(fresh["refresh_token"].as_str().unwrap(), refresh);
    let (status, again, _) = post_form(
        &server,
        &token_ep,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &app.client_id),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(again["error"], "invalid_grant");

    // That replay revoked the whole grant (a copied refresh token): get a new one,
    // then revoke it and watch Micropub refuse at once.
    let fresh = tokens_for(&server, &app, "create").await;
    let access3 = fresh["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        micropub_create(&server, &access3, "second").await.status(),
        StatusCode::CREATED
    );
    let (status, _, _) = post_form(&server, &revoke, &[("token", &access3)], None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        micropub_create(&server, &access3, "third").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // The replayed refresh token took access2 down with its grant.
    let (status, _, _) =
        post_form(&server, &introspect, &[("token", &access3)], Some(&access2)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let caller = tokens_for(&server, &app, "create").await;
    let caller = caller["access_token"].as_str().unwrap();
    let (_, info, _) = post_form(&server, &introspect, &[("token", &access3)], Some(caller)).await;
    assert_eq!(info, serde_json::json!({"active": false}));
}

#[tokio::test]
async fn sign_in_only_redemption_at_the_authorization_endpoint() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    let cookie = sign_in(&server).await;
    let (code, verifier) = code_for(&server, &app, &cookie, "profile", &["profile"]).await;
    let (status, body, headers) = post_form(
        &server,
        "/auth/authorize",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", &app.client_id),
            ("redirect_uri", &app.redirect_uri),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(body["me"], "http://blog.example.test/");
    assert_eq!(body["profile"]["name"], "Ada Owner");
    assert_eq!(body["profile"]["url"], "http://blog.example.test/");
    assert!(body.get("access_token").is_none());

    // A code approved with no scope at all proves who you are, and gets no token.
    let (code, verifier) = code_for(&server, &app, &cookie, "create", &[]).await;
    let (status, body) = redeem(&server, &app, &code, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn profile_and_email_reach_the_token_response_and_userinfo() {
    let server = own_server().await;
    let app = FakeApp::start(&[]).await;
    starpunk::db::profile::save(
        &server.state.db,
        &starpunk::domain::profile::Profile {
            name: "Ada Lovelace".into(),
            photo: Some("https://img.example/ada.jpg".into()),
            note: String::new(),
            email: Some("ada@example.test".into()),
            links: vec![],
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let tok = tokens_for(&server, &app, "create profile email").await;
    assert_eq!(tok["profile"]["name"], "Ada Lovelace");
    assert_eq!(tok["profile"]["photo"], "https://img.example/ada.jpg");
    assert_eq!(tok["profile"]["email"], "ada@example.test");
    let info: Value = server
        .client()
        .get(server.url("/auth/userinfo"))
        .bearer_auth(tok["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["name"], "Ada Lovelace");
    assert_eq!(info["email"], "ada@example.test");
    assert_eq!(info["url"], "http://blog.example.test/");

    // Without "email", no email.
    let tok = tokens_for(&server, &app, "profile").await;
    assert!(tok["profile"].get("email").is_none());
}
