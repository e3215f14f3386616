//! The admin's media page: every stored image newest first with the notes that use it
//! (drafts, deleted notes and mentions in the text included), its absolute address,
//! a fixed number of queries per page, and deleting an unused image (rows and files),
//! never one a note uses.

use axum::http::StatusCode;
use bytes::Bytes;
use image::ImageFormat;
use starpunk::domain::{ContentKind, NoteInput, Status};
use starpunk::media::Media;

use crate::admin::{Admin, image_bytes, media_files};
use crate::helpers::SITE;

/// Stores a small JPEG as an upload with no note (what the Micropub media endpoint does).
async fn upload(admin: &Admin, name: &str) -> Media {
    let bytes = Bytes::from(image_bytes(ImageFormat::Jpeg, 200, 160));
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes)]);
    admin
        .app
        .state
        .media
        .save(chunks, Some(name))
        .await
        .unwrap()
}

/// A published note (or draft) showing `photo`.
async fn note_with_photo(admin: &Admin, content: &str, status: Status, photo: &Media) -> i64 {
    let note = admin
        .app
        .note_with(NoteInput {
            content: content.into(),
            status: Some(status),
            photos: Some(vec![(photo.id, None)]),
            ..Default::default()
        })
        .await;
    note.id
}

/// The media page's cards, in page order.
fn cards(body: &str) -> Vec<&str> {
    body.split("<li class=\"media-item\"").skip(1).collect()
}

fn card_of<'a>(body: &'a str, m: &Media) -> &'a str {
    let id = format!("id=\"media-{}\"", m.id);
    cards(body)
        .into_iter()
        .find(|c| c.contains(&id))
        .unwrap_or_else(|| panic!("no card for image {}", m.id))
}

#[tokio::test]
async fn media_routes_need_a_session() {
    let admin = Admin::new().await;
    for path in ["/admin/media", "/admin/media/delete/1"] {
        let res = admin.app.get(path).await;
        assert!(res.status.is_redirection(), "{path} -> {}", res.status);
        assert!(res.header("location").starts_with("/auth/login?next="));
    }
    let nav = admin.get("/admin/").await;
    assert!(
        nav.body.contains("<a href=\"/admin/media\">Media</a>"),
        "in the admin nav"
    );
    let page = admin.get("/admin/media").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), "private, no-store");
    assert!(page.body.contains("No images yet"));
}

#[tokio::test]
async fn every_image_newest_first_with_the_notes_that_use_it() {
    let admin = Admin::new().await;
    let published = upload(&admin, "published.jpg").await;
    let drafted = upload(&admin, "drafted.jpg").await;
    let trashed = upload(&admin, "trashed.jpg").await;
    let mentioned = upload(&admin, "mentioned.jpg").await;
    let loose = upload(&admin, "loose.jpg").await;
    let live = note_with_photo(&admin, "# Sunny day", Status::Published, &published).await;
    let draft = note_with_photo(&admin, "A draft *with* a photo", Status::Draft, &drafted).await;
    let gone = note_with_photo(&admin, "# Gone soon", Status::Published, &trashed).await;
    admin.app.state.notes.delete(gone).await.unwrap();
    // A Micropub client that uploaded first and then sent HTML naming the URL.
    let html = format!(
        "<p>Look</p><img src=\"{SITE}/media/{}\">",
        mentioned.variants[0].path
    );
    let text = admin
        .app
        .note_with(NoteInput {
            content: html,
            content_kind: ContentKind::Html,
            name: Some("Mentioned".into()),
            ..Default::default()
        })
        .await;

    let page = admin.get("/admin/media").await;
    assert_eq!(page.status, StatusCode::OK);
    let names: Vec<&str> = cards(&page.body)
        .iter()
        .map(|c| {
            let start = c.find("class=\"media-name\">").unwrap() + 19;
            &c[start..start + c[start..].find('<').unwrap()]
        })
        .collect();
    assert_eq!(
        names,
        [
            "loose.jpg",
            "mentioned.jpg",
            "trashed.jpg",
            "drafted.jpg",
            "published.jpg"
        ],
        "newest first"
    );
    assert!(page.body.contains("5 images"));

    let c = card_of(&page.body, &published);
    assert!(
        c.contains(&format!("href=\"/admin/edit/{live}\">Sunny day</a>")),
        "{c}"
    );
    assert!(
        !c.contains("class=\"mark"),
        "a published note is not marked: {c}"
    );
    assert!(!c.contains("button"), "no Delete for an image in use: {c}");
    let thumb = published
        .variant(starpunk::media::VariantName::Thumb)
        .unwrap();
    assert!(
        c.contains(&format!("src=\"{}\"", thumb.url_path())),
        "the thumb: {c}"
    );
    assert!(
        c.contains(&format!("value=\"{SITE}{}\"", published.url_path())),
        "the absolute URL to paste: {c}"
    );
    assert!(c.contains("200 × 160 px"), "dimensions: {c}");
    assert!(c.contains(" KB"), "size: {c}");

    let c = card_of(&page.body, &drafted);
    assert!(
        c.contains(&format!(
            "href=\"/admin/edit/{draft}\">A draft with a photo</a>"
        )),
        "{c}"
    );
    assert!(c.contains("mark-draft"), "{c}");
    let c = card_of(&page.body, &trashed);
    assert!(c.contains("href=\"/admin/deleted\">Gone soon</a>"), "{c}");
    assert!(c.contains("mark-deleted"), "{c}");
    let c = card_of(&page.body, &mentioned);
    assert!(
        c.contains(&format!("href=\"/admin/edit/{}\">Mentioned</a>", text.id)),
        "{c}"
    );
    assert!(c.contains("in the text"), "{c}");
    let c = card_of(&page.body, &loose);
    assert!(c.contains("Not used"), "{c}");
    assert!(
        c.contains(&format!("action=\"/admin/media/delete/{}\"", loose.id)),
        "{c}"
    );
    assert!(
        c.contains(&format!("name=\"csrf_token\" value=\"{}\"", admin.csrf)),
        "{c}"
    );
}

/// Statements run by one request for the media page.
async fn queries_for(admin: &Admin, path: &str) -> u64 {
    let before = admin.app.state.db.query_count();
    let res = admin.get(path).await;
    assert_eq!(res.status, StatusCode::OK);
    admin.app.state.db.query_count() - before
}

#[tokio::test]
async fn pages_of_twenty_in_a_fixed_number_of_queries() {
    let admin = Admin::new().await;
    let first = upload(&admin, "first.jpg").await;
    note_with_photo(&admin, "uses the first", Status::Published, &first).await;
    let one = queries_for(&admin, "/admin/media").await;
    for i in 0..21 {
        let m = upload(&admin, &format!("{i}.jpg")).await;
        if i % 2 == 0 {
            note_with_photo(&admin, &format!("note {i}"), Status::Draft, &m).await;
        }
    }
    let many = queries_for(&admin, "/admin/media").await;
    assert_eq!(one, many, "{one} queries for 1 image, {many} for 20");

    let page1 = admin.get("/admin/media").await;
    assert_eq!(cards(&page1.body).len(), 20);
    assert!(page1.body.contains("href=\"/admin/media?page=2\""));
    assert!(page1.body.contains("22 images"));
    let page2 = admin.get("/admin/media?page=2").await;
    assert_eq!(cards(&page2.body).len(), 2);
    assert!(
        page2.body.contains(&format!("id=\"media-{}\"", first.id)),
        "the oldest last"
    );
    assert!(page2.body.contains("href=\"/admin/media?page=1\""));
    let beyond = admin.get("/admin/media?page=9").await;
    assert!(
        beyond.body.contains("No images on this page"),
        "not \"no images yet\""
    );
    assert_eq!(
        admin.get("/admin/media?page=x").await.status,
        StatusCode::BAD_REQUEST
    );
}

/// Files of `m` (the image and its variants) on disk.
fn files_of(admin: &Admin, m: &Media) -> Vec<String> {
    media_files(admin.app.data_dir())
        .into_iter()
        .filter(|f| f.contains(&m.uuid))
        .collect()
}

async fn variant_rows(admin: &Admin, id: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM media_variants WHERE media_id = ?")
        .bind(id)
        .fetch_one(admin.app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unused_image_is_deleted_after_a_confirmation_with_its_files() {
    let admin = Admin::new().await;
    let loose = upload(&admin, "loose.jpg").await;
    assert!(
        files_of(&admin, &loose).len() >= 2,
        "the image and its thumb"
    );
    let path = format!("/admin/media/delete/{}", loose.id);

    let forged = admin.post_form(&path, "confirm=yes&csrf_token=nope").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.media_rows().await, 1);

    // The button on the media page posts without a confirmation: the step comes first.
    let button = admin
        .post_form(&path, &format!("csrf_token={}", admin.csrf))
        .await;
    assert_eq!(button.status, StatusCode::SEE_OTHER);
    assert_eq!(button.header("location"), path);
    assert_eq!(
        admin.media_rows().await,
        1,
        "nothing deleted before the confirmation"
    );
    let confirm = admin.get(&path).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Delete this image?"));
    assert!(confirm.body.contains("name=\"confirm\" value=\"yes\""));

    let res = admin
        .post_form(&path, &format!("confirm=yes&csrf_token={}", admin.csrf))
        .await;
    assert_eq!(res.header("location"), "/admin/media?done=media-deleted");
    assert_eq!(admin.media_rows().await, 0);
    assert_eq!(variant_rows(&admin, loose.id).await, 0);
    assert!(
        files_of(&admin, &loose).is_empty(),
        "{:?}",
        files_of(&admin, &loose)
    );
    assert_eq!(
        admin.app.get(&loose.url_path()).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        admin
            .get("/admin/media?done=media-deleted")
            .await
            .body
            .contains("Image deleted.")
    );
    assert_eq!(admin.get(&path).await.status, StatusCode::NOT_FOUND);
    for bad in ["/admin/media/delete/abc", "/admin/media/delete/999"] {
        assert_eq!(admin.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn an_image_a_note_uses_is_never_deleted() {
    let admin = Admin::new().await;
    let shown = upload(&admin, "shown.jpg").await;
    let trashed = upload(&admin, "trashed.jpg").await;
    let mentioned = upload(&admin, "mentioned.jpg").await;
    note_with_photo(&admin, "shows it", Status::Published, &shown).await;
    let gone = note_with_photo(&admin, "deleted, restorable", Status::Published, &trashed).await;
    admin.app.state.notes.delete(gone).await.unwrap();
    admin
        .app
        .note(&format!("![pasted]({SITE}{})", mentioned.url_path()), &[])
        .await;

    for m in [&shown, &trashed, &mentioned] {
        let path = format!("/admin/media/delete/{}", m.id);
        let confirm = admin.get(&path).await;
        assert_eq!(
            confirm.status,
            StatusCode::CONFLICT,
            "{}",
            m.original_name.as_deref().unwrap()
        );
        assert!(
            confirm
                .body
                .contains("This image cannot be deleted: a note uses it.")
        );
        assert!(
            !confirm.body.contains("name=\"confirm\""),
            "no way to confirm"
        );
        let res = admin
            .post_form(&path, &format!("confirm=yes&csrf_token={}", admin.csrf))
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("Remove it from the note"));
        assert!(admin.app.state.media.get(m.id).await.unwrap().is_some());
        assert!(files_of(&admin, m).len() >= 2, "its files stay");
        assert_eq!(admin.app.get(&m.url_path()).await.status, StatusCode::OK);
    }
}
