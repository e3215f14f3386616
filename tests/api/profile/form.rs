//! The Profile form: saved and shown again, refusals that change nothing, the photo
//! upload, and the page's absence in external-provider mode.

use image::ImageFormat;
use reqwest::StatusCode;

use super::Owner;
use crate::admin::{Part, image_bytes, media_files};
use crate::helpers::SITE;

const LINKS: &str = "https://mastodon.example/@ada\r\nhttps://github.com/ada";

async fn saved_ada(owner: &Owner) {
    let res = owner
        .save_profile(&[
            ("name", "Ada Lovelace"),
            ("note", "Writes about engines."),
            ("email", "ada@example.com"),
            ("photo_url", "https://cdn.example.com/ada.jpg"),
            ("links", LINKS),
        ])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.header("location"), "/admin/profile?done=saved");
}

#[tokio::test]
async fn a_saved_profile_is_stored_and_shown_in_the_form() {
    let owner = Owner::start().await;
    let empty = owner.get("/admin/profile").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.header("cache-control"), "private, no-store");
    assert!(empty.body.contains("No photo yet"));
    assert!(owner.saved().await.is_none());

    saved_ada(&owner).await;
    let p = owner.saved().await.unwrap();
    assert_eq!(p.name, "Ada Lovelace");
    assert_eq!(p.note, "Writes about engines.");
    assert_eq!(p.email.as_deref(), Some("ada@example.com"));
    assert_eq!(p.photo.as_deref(), Some("https://cdn.example.com/ada.jpg"));
    assert_eq!(
        p.links,
        ["https://mastodon.example/@ada", "https://github.com/ada"]
    );

    let page = owner.get("/admin/profile?done=saved").await;
    assert!(page.body.contains("Profile saved"));
    let doc = scraper::Html::parse_document(&page.body);
    let value = |sel: &str| {
        let s = scraper::Selector::parse(sel).unwrap();
        let el = doc.select(&s).next().unwrap_or_else(|| panic!("{sel}"));
        el.value()
            .attr("value")
            .map(str::to_string)
            .unwrap_or_else(|| el.text().collect())
    };
    assert_eq!(value("input[name=name]"), "Ada Lovelace");
    assert_eq!(value("input[name=email]"), "ada@example.com");
    assert_eq!(value("textarea[name=note]"), "Writes about engines.");
    assert_eq!(
        value("textarea[name=links]"),
        "https://mastodon.example/@ada\nhttps://github.com/ada"
    );
    assert_eq!(
        value("input[name=photo_url]"),
        "https://cdn.example.com/ada.jpg"
    );

    // Removing the photo keeps the rest.
    let res = owner
        .save_profile(&[
            ("name", "Ada Lovelace"),
            ("photo_url", "https://cdn.example.com/ada.jpg"),
            ("remove_photo", "1"),
        ])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let p = owner.saved().await.unwrap();
    assert_eq!(p.photo, None);
    assert_eq!(p.name, "Ada Lovelace");
}

#[tokio::test]
async fn invalid_input_is_refused_with_the_values_kept_and_nothing_saved() {
    let owner = Owner::start().await;
    saved_ada(&owner).await;
    let before = owner.saved().await;
    let many: String = (0..21)
        .map(|i| format!("https://e{i}.example/\n"))
        .collect();
    let long_name = "N".repeat(101);
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("bad link", vec![("name", "Eve"), ("links", "not a url")]),
        (
            "javascript link",
            vec![("name", "Eve"), ("links", "javascript:alert(1)")],
        ),
        ("too many links", vec![("name", "Eve"), ("links", &many)]),
        (
            "bad email",
            vec![("name", "Eve"), ("email", "eve-at-example")],
        ),
        ("long name", vec![("name", &long_name)]),
        (
            "http photo elsewhere",
            vec![
                ("name", "Eve"),
                ("photo_url", "http://elsewhere.example/e.jpg"),
            ],
        ),
        (
            "credentials in a link",
            vec![("name", "Eve"), ("links", "https://eve:pw@example.com/")],
        ),
    ];
    for (what, fields) in cases {
        let res = owner.save_profile(&fields).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{what}: {}", res.body);
        assert!(res.body.contains("class=\"flash error\""), "{what}");
        assert!(
            res.body.contains("<form class=\"editor profile\""),
            "{what}: the form again"
        );
        let (field, typed) = fields.last().unwrap();
        if *field != "name" {
            assert!(res.body.contains("value=\"Eve\""), "{what}: the name kept");
        }
        if *field == "links" || *field == "email" {
            let shown = typed.lines().next().unwrap();
            assert!(res.body.contains(shown), "{what}: the value kept");
        }
        assert_eq!(owner.saved().await, before, "{what}: nothing saved");
    }
    // The public page still shows the saved name.
    let home = owner.public("/").await;
    assert!(home.body.contains("Ada Lovelace"));
    assert!(!home.body.contains("Eve"));
}

#[tokio::test]
async fn a_post_without_its_csrf_token_is_refused() {
    let owner = Owner::start().await;
    saved_ada(&owner).await;
    let before = owner.saved().await;
    let res = owner
        .post_multipart("/admin/profile", &[Part::Text("name", "Mallory")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = owner
        .post_multipart(
            "/admin/profile",
            &[
                Part::Text("csrf_token", "forged"),
                Part::Text("name", "Mallory"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(owner.saved().await, before);
    // And a stranger is sent to sign in.
    let res = owner.public("/admin/profile").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn with_an_outside_provider_the_pages_do_not_exist() {
    let server = crate::helpers::TestServer::start(&[]).await;
    let me = server.state.config.me();
    let cookie = starpunk::auth::session::create(&server.state, &me)
        .await
        .unwrap();
    let cookie = cookie
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    for path in [
        "/admin/profile",
        "/admin/apps",
        "/admin/apps/revoke?client_id=x",
    ] {
        let res = server
            .client()
            .get(server.url(path))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let res = server
        .client()
        .post(server.url("/admin/apps/revoke"))
        .header("cookie", &cookie)
        .form(&[("client_id", "https://app.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The admin nav does not offer them either.
    let admin = server
        .client()
        .get(server.url("/admin/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!admin.contains("/admin/profile"));
}

#[tokio::test]
async fn an_uploaded_photo_is_stored_and_becomes_the_h_card_photo() {
    let owner = Owner::start().await;
    let photo = image_bytes(ImageFormat::Jpeg, 400, 300);
    let res = owner
        .post_multipart(
            "/admin/profile",
            &[
                Part::Text("csrf_token", &owner.csrf),
                Part::Text("name", "Ada"),
                Part::Text("photo_url", ""),
                Part::File("photo_file", "me.jpg", "image/jpeg", photo),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let url = owner.saved().await.unwrap().photo.unwrap();
    assert!(url.starts_with(&format!("{SITE}/media/")), "{url}");
    // A real image, served from this site.
    let path = url.strip_prefix(SITE).unwrap();
    let img = owner.http.get(owner.server.url(path)).send().await.unwrap();
    assert_eq!(img.status(), StatusCode::OK);
    let bytes = img.bytes().await.unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert!(decoded.width() > 0 && decoded.width() <= 400);
    let mf = crate::helpers::mf2(&owner.public("/").await.body, &format!("{SITE}/"));
    let card = crate::helpers::find_item(&mf, "h-card");
    assert_eq!(card["properties"]["photo"][0]["value"], url.as_str());

    // A refused form keeps no upload.
    let files = media_files(owner.server.data_dir()).len();
    let res = owner
        .post_multipart(
            "/admin/profile",
            &[
                Part::Text("csrf_token", &owner.csrf),
                Part::Text("email", "nope"),
                Part::File(
                    "photo_file",
                    "me.jpg",
                    "image/jpeg",
                    image_bytes(ImageFormat::Jpeg, 300, 300),
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(media_files(owner.server.data_dir()).len(), files);
    // Nor does a file that is not an image.
    let res = owner
        .post_multipart(
            "/admin/profile",
            &[
                Part::Text("csrf_token", &owner.csrf),
                Part::Text("name", "Ada"),
                Part::File(
                    "photo_file",
                    "me.jpg",
                    "image/jpeg",
                    b"not an image".to_vec(),
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert_eq!(
        owner.saved().await.unwrap().photo.as_deref(),
        Some(url.as_str())
    );
}

/// An uploaded profile photo is in use: the media page says so and will not delete
/// it (the h-card would show a broken image), until the profile stops using it.
#[tokio::test]
async fn the_profile_photo_cannot_be_deleted_from_the_media_page() {
    let owner = Owner::start().await;
    let res = owner
        .post_multipart(
            "/admin/profile",
            &[
                Part::Text("csrf_token", &owner.csrf),
                Part::Text("name", "Ada"),
                Part::File(
                    "photo_file",
                    "me.jpg",
                    "image/jpeg",
                    image_bytes(ImageFormat::Jpeg, 400, 300),
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let media = owner.server.state.media.page(10, 0).await.unwrap();
    assert_eq!(media.len(), 1);
    let id = media[0].media.id;
    let list = owner.get("/admin/media").await;
    let doc = scraper::Html::parse_document(&list.body);
    let used = scraper::Selector::parse(".used-by a[href='/admin/profile']").unwrap();
    assert_eq!(doc.select(&used).count(), 1, "{}", list.body);
    assert!(!list.body.contains("Not used"), "{}", list.body);

    let confirm = owner.get(&format!("/admin/media/delete/{id}")).await;
    assert_eq!(confirm.status, StatusCode::CONFLICT);
    assert!(
        confirm.body.contains("it is your profile photo"),
        "{}",
        confirm.body
    );
    let files = media_files(owner.server.data_dir()).len();
    let res = owner
        .post_form(
            &format!("/admin/media/delete/{id}"),
            &[("csrf_token", owner.csrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(media_files(owner.server.data_dir()).len(), files);
    assert!(owner.server.state.media.get(id).await.unwrap().is_some());

    // Once the profile lets it go, it is an unused image like any other.
    let res = owner
        .save_profile(&[("name", "Ada"), ("remove_photo", "1")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = owner
        .post_form(
            &format!("/admin/media/delete/{id}"),
            &[("csrf_token", owner.csrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(owner.server.state.media.get(id).await.unwrap().is_none());
}
