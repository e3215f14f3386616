//! Public pages read as an IndieWeb client reads them (mf2py).

use axum::http::{Method, StatusCode};

use crate::helpers::{SITE, TestApp, find_item, mf2, strings};

#[tokio::test]
async fn home_is_an_h_feed_of_published_notes_newest_first() {
    let app = TestApp::new().await;
    app.note("# First title\n\nHello **world**", &["IndieWeb"])
        .await;
    app.draft("secret draft text").await;
    let untitled = app.note("Just a short note", &[]).await;

    let res = app.get("/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("content-type").starts_with("text/html"));
    let doc = mf2(&res.body, &format!("{SITE}/"));
    let feed = find_item(&doc, "h-feed");
    assert_eq!(strings(feed, "name"), ["Test Blog"]);
    assert_eq!(strings(feed, "url"), [format!("{SITE}/")]);
    let author = &feed["properties"]["author"][0];
    assert_eq!(author["type"][0], "h-card");
    assert_eq!(author["properties"]["name"][0], "Ada Owner");

    let entries = feed["children"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "the draft is not listed");
    let newest = &entries[0];
    assert_eq!(
        strings(newest, "url"),
        [format!("{SITE}/note/{}", untitled.slug)]
    );
    assert!(
        newest["properties"].get("name").is_none(),
        "untitled notes have no p-name: {newest}"
    );
    let titled = &entries[1];
    assert_eq!(strings(titled, "name"), ["First title"]);
    assert_eq!(strings(titled, "category"), ["IndieWeb"]);
    assert!(
        titled["properties"]["content"][0]["html"]
            .as_str()
            .unwrap()
            .contains("<strong>world</strong>")
    );
    assert!(!res.body.contains("secret draft"));

    // discovery links in HTML and HTTP
    let rels = &doc["rels"];
    assert_eq!(rels["micropub"][0], format!("{SITE}/micropub"));
    assert_eq!(rels["me"][0], "https://owner.example.test/");
    assert!(res.header("link").contains("rel=\"micropub\""));
    assert!(
        res.header("link")
            .contains("<https://owner.example.test/>; rel=\"me\"")
    );
    let alternates = doc["rel-urls"].as_object().unwrap();
    for feed in ["feed.rss", "feed.atom", "feed.json"] {
        assert!(
            alternates.contains_key(&format!("{SITE}/{feed}")),
            "autodiscovery for {feed}"
        );
    }
}

#[tokio::test]
async fn permalink_is_a_complete_h_entry() {
    let app = TestApp::new().await;
    let note = app
        .note(
            "# My Title\n\nBody with [a link](/about).",
            &["Rust", "IndieWeb"],
        )
        .await;
    let url = format!("{SITE}/note/{}", note.slug);
    let res = app.get(&format!("/note/{}", note.slug)).await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = mf2(&res.body, &url);
    let entry = find_item(&doc, "h-entry");
    assert_eq!(strings(entry, "name"), ["My Title"]);
    assert_eq!(strings(entry, "url"), std::slice::from_ref(&url));
    assert_eq!(strings(entry, "uid"), std::slice::from_ref(&url));
    assert_eq!(strings(entry, "category"), ["Rust", "IndieWeb"]);
    assert_eq!(strings(entry, "published").len(), 1);
    assert_eq!(strings(entry, "updated").len(), 1);
    let html = entry["properties"]["content"][0]["html"].as_str().unwrap();
    assert!(
        html.contains(&format!("href=\"{SITE}/about\"")),
        "relative links are absolute: {html}"
    );
    assert!(
        !html.contains("My Title"),
        "the heading is the name, not repeated in the content"
    );
    let author = &entry["properties"]["author"][0];
    assert_eq!(author["properties"]["name"][0], "Ada Owner");
    assert_eq!(
        author["properties"]["url"][0],
        "https://owner.example.test/"
    );
    // tags link with rel=tag
    assert!(
        doc["rels"]["tag"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == &format!("{SITE}/tag/rust"))
    );

    // an untitled note has no p-name
    let plain = app.note("No title here", &[]).await;
    let res = app.get(&format!("/note/{}", plain.slug)).await;
    let doc = mf2(&res.body, SITE);
    assert!(
        find_item(&doc, "h-entry")["properties"]
            .get("name")
            .is_none()
    );
}

#[tokio::test]
async fn deleted_drafts_unknown_and_malformed_notes() {
    let app = TestApp::new().await;
    let note = app.note("going away", &[]).await;
    app.state.notes.delete(note.id).await.unwrap();
    let res = app.get(&format!("/note/{}", note.slug)).await;
    assert_eq!(res.status, StatusCode::GONE);
    assert!(res.body.contains("deleted"), "the 410 page says so");
    assert!(res.body.contains("<html"), "in the site layout");
    assert!(!app.get("/").await.body.contains("going away"));

    app.state.notes.restore(note.id).await.unwrap();
    assert_eq!(
        app.get(&format!("/note/{}", note.slug)).await.status,
        StatusCode::OK
    );

    let draft = app.draft("not yet").await;
    assert_eq!(
        app.get(&format!("/note/{}", draft.slug)).await.status,
        StatusCode::NOT_FOUND
    );
    for path in [
        "/note/nope",
        "/note/UPPER",
        "/note/..",
        "/note/a%2Fb",
        "/note/-x",
        "/note/%00",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert!(res.body.contains("<html"), "{path} gets a page");
    }
}

#[tokio::test]
async fn pagination_links_stay_correct_while_notes_arrive() {
    let app = TestApp::new().await;
    let notes = app.many(45, &[]).await;
    let first = app.get("/").await;
    let doc = mf2(&first.body, SITE);
    let feed = find_item(&doc, "h-feed");
    assert_eq!(feed["children"].as_array().unwrap().len(), 20);
    let next = doc["rels"]["next"][0].as_str().unwrap().to_string();
    assert!(
        doc["rels"].get("prev").is_none(),
        "no newer link on the first page"
    );

    // a new note arrives; the second page still starts right after the first page's last note
    app.note("brand new", &[]).await;
    let path = next.strip_prefix(SITE).unwrap();
    let second = app.get(path).await;
    let doc2 = mf2(&second.body, SITE);
    let urls: Vec<String> = find_item(&doc2, "h-feed")["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["properties"]["url"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(urls.len(), 20);
    assert_eq!(urls[0], format!("{SITE}/note/{}", notes[24].slug));
    assert_eq!(urls[19], format!("{SITE}/note/{}", notes[5].slug));

    // third page holds the last 5, no older link; newer link goes back
    let next = doc2["rels"]["next"][0]
        .as_str()
        .unwrap()
        .strip_prefix(SITE)
        .unwrap()
        .to_string();
    let third = mf2(&app.get(&next).await.body, SITE);
    assert_eq!(
        find_item(&third, "h-feed")["children"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert!(third["rels"].get("next").is_none());
    let prev = third["rels"]["prev"][0]
        .as_str()
        .unwrap()
        .strip_prefix(SITE)
        .unwrap()
        .to_string();
    let back = mf2(&app.get(&prev).await.body, SITE);
    let back_urls: Vec<&str> = find_item(&back, "h-feed")["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["properties"]["url"][0].as_str().unwrap())
        .collect();
    assert_eq!(back_urls[0], format!("{SITE}/note/{}", notes[24].slug));

    // legacy ?page=N still works
    let p2 = mf2(&app.get("/?page=2").await.body, SITE);
    assert_eq!(
        find_item(&p2, "h-feed")["children"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    assert_eq!(app.get("/?page=99").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tag_archive() {
    let app = TestApp::new().await;
    app.note("tagged one", &["Rust"]).await;
    app.note("tagged two", &["rust", "Other"]).await;
    app.note("not tagged", &[]).await;
    let res = app.get("/tag/rust").await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = mf2(&res.body, SITE);
    let feed = find_item(&doc, "h-feed");
    assert_eq!(feed["children"].as_array().unwrap().len(), 2);
    assert!(!res.body.contains("not tagged"));
    // the display form is the first one written
    assert!(res.body.contains("Notes tagged"));
    let redirect = app.get("/tag/Rust").await;
    assert_eq!(redirect.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(redirect.header("location"), "/tag/rust");
    assert_eq!(app.get("/tag/unknown").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/tag/rust?page=abc").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn conditional_get_on_pages() {
    let app = TestApp::new().await;
    let note = app.note("cache me", &[]).await;
    for path in ["/".to_string(), format!("/note/{}", note.slug)] {
        let res = app.get(&path).await;
        let etag = res.header("etag").to_string();
        let lm = res.header("last-modified").to_string();
        assert!(!etag.is_empty() && !lm.is_empty(), "{path} has validators");
        assert!(res.header("cache-control").contains("public"));
        let again = app.get_with(&path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty());
        let since = app.get_with(&path, &[("if-modified-since", &lm)]).await;
        assert_eq!(since.status, StatusCode::NOT_MODIFIED, "{path}");
        let stale = app.get_with(&path, &[("if-none-match", "\"other\"")]).await;
        assert_eq!(stale.status, StatusCode::OK);
    }
    // a write changes the home page's ETag at once
    let before = app.get("/").await.header("etag").to_string();
    app.note("new arrival", &[]).await;
    let after = app.get_with("/", &[("if-none-match", &before)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.body.contains("new arrival"));
}

#[tokio::test]
async fn head_works_wherever_get_does() {
    let app = TestApp::new().await;
    let note = app.note("head test", &["x"]).await;
    for path in [
        "/",
        &format!("/note/{}", note.slug),
        "/tag/x",
        "/feed.atom",
        "/feed",
        "/health",
        "/search?q=head",
        "/static/style.css",
    ] {
        let get = app.get(path).await;
        let head = app.request(Method::HEAD, path, &[]).await;
        assert_eq!(head.status, get.status, "{path}");
        assert!(head.body.is_empty(), "{path}");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn markdown_is_safe_and_gfm() {
    let app = TestApp::new().await;
    let note = app
        .note("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ www.example.org <script>alert(1)</script><img src=x onerror=alert(1)>", &[])
        .await;
    let res = app.get(&format!("/note/{}", note.slug)).await;
    assert!(res.body.contains("<table>"));
    assert!(res.body.contains("<del>old</del>"));
    assert!(res.body.contains("href=\"http://www.example.org\""));
    assert!(!res.body.contains("<script>alert"));
    assert!(!res.body.contains("onerror"));
    assert!(
        res.header("content-security-policy")
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(res.header("x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn health_and_static() {
    let app = TestApp::new().await;
    assert!(
        app.data_dir().join("starpunk.db").is_file(),
        "the database is created on first start"
    );
    let res = app.get("/health").await;
    assert_eq!(res.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["status"], "ok");
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.body.contains("prefers-color-scheme: dark"));
    assert_eq!(
        app.get("/static/nope.css").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/static/..%2Fsrc%2Fmain.rs").await.status,
        StatusCode::NOT_FOUND
    );
}
