//! Admin flows over HTTP: sign in (DEV_MODE), create with photos, refusals that change
//! nothing, edit (photos added, removed, re-ordered, re-captioned), delete and restore.

use std::io::Cursor;
use std::path::Path;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use image::{DynamicImage, ImageFormat, RgbImage, Rgba, RgbaImage};

use crate::helpers::{Res, SITE, TestApp, find_item, mf2, strings};

pub const BOUNDARY: &str = "----starpunk-test-boundary";

/// One multipart part: a text field or a file.
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a str, Vec<u8>),
}

/// Builds a multipart/form-data body.
pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => {
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, file, mime, bytes) => {
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {mime}\r\n\r\n").as_bytes(),
                );
                out.extend_from_slice(bytes);
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// A signed-in admin: the app, its session cookie and CSRF token.
pub struct Admin {
    pub app: TestApp,
    pub cookie: String,
    pub csrf: String,
}

impl Admin {
    pub async fn new() -> Self {
        Self::with(&[]).await
    }

    /// A signed-in admin of an app with extra configuration variables.
    pub async fn with(extra: &[(&str, &str)]) -> Self {
        let mut vars = vec![("DEV_MODE", "true")];
        vars.extend_from_slice(extra);
        let app = TestApp::with(&vars).await;
        let res = app.get("/auth/dev-login").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let cookie = res
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("starpunk_session="))
            .expect("a session cookie")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let mut admin = Admin {
            app,
            cookie,
            csrf: String::new(),
        };
        let page = admin.get("/admin/new").await;
        assert_eq!(page.status, StatusCode::OK);
        admin.csrf = hidden_value(&page.body, "csrf_token");
        admin
    }

    pub async fn get(&self, path: &str) -> Res {
        self.app.get_with(path, &[("cookie", &self.cookie)]).await
    }

    pub async fn post_multipart(&self, path: &str, parts: &[Part<'_>]) -> Res {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("cookie", &self.cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(multipart(parts)))
            .unwrap();
        self.app.send(req).await
    }

    pub async fn post_form(&self, path: &str, body: &str) -> Res {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("cookie", &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.app.send(req).await
    }

    pub async fn media_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM media")
            .fetch_one(self.app.state.db.pool())
            .await
            .unwrap()
    }

    /// A refused write left nothing: no note, no media row, no media file, nothing staged.
    pub async fn assert_nothing_kept(&self) {
        assert!(self.app.live_notes().await.is_empty(), "no note");
        assert_eq!(self.media_rows().await, 0, "no media row");
        let files = media_files(self.app.data_dir());
        assert!(files.is_empty(), "no file in media/: {files:?}");
        let staged = staged(self.app.data_dir());
        assert!(staged.is_empty(), "nothing in media/.tmp: {staged:?}");
    }
}

/// The value of the first hidden input named `name`.
pub fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in page"))
        + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Files under `media/` outside the staging folder.
pub fn media_files(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.file_name().is_some_and(|n| n == ".tmp") {
                continue;
            }
            if p.is_dir() {
                walk(&p, out)
            } else {
                out.push(p.to_string_lossy().into_owned())
            }
        }
    }
    let mut out = Vec::new();
    walk(&root.join("media"), &mut out);
    out
}

/// Files in the staging folder, `media/.tmp`.
pub fn staged(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.join("media").join(".tmp")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A small photo-like image encoded as `format`.
pub fn image_bytes(format: ImageFormat, w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let dynimg = if format == ImageFormat::Png {
        DynamicImage::ImageRgba8(RgbaImage::from_fn(w, h, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 90, 128])
        }))
    } else {
        DynamicImage::ImageRgb8(img)
    };
    let mut buf = Cursor::new(Vec::new());
    dynimg.write_to(&mut buf, format).unwrap();
    buf.into_inner()
}

/// A HEIC made by `heif-enc` (libheif-examples), or `None` when the tool is missing.
pub fn heic_bytes() -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("in.png");
    std::fs::write(&png, image_bytes(ImageFormat::Png, 640, 480)).unwrap();
    let out = dir.path().join("out.heic");
    let status = std::process::Command::new("heif-enc")
        .arg("-o")
        .arg(&out)
        .arg(&png)
        .output()
        .ok()?;
    status
        .status
        .success()
        .then(|| std::fs::read(&out).unwrap())
}

#[tokio::test]
async fn admin_needs_a_session_and_comes_back_after_sign_in() {
    let app = TestApp::with(&[("DEV_MODE", "true")]).await;
    for path in ["/admin/", "/admin/new", "/admin/edit/1", "/admin/deleted"] {
        let res = app.get(path).await;
        assert!(res.status.is_redirection(), "{path} -> {}", res.status);
        assert!(
            res.header("location").starts_with("/auth/login?next="),
            "{path}"
        );
    }
    let res = app.get("/auth/dev-login?next=%2Fadmin%2Fnew").await;
    assert_eq!(res.header("location"), "/admin/new");
}

#[tokio::test]
async fn create_a_note_with_a_photo_and_see_it_published() {
    let admin = Admin::new().await;
    let jpeg = image_bytes(ImageFormat::Jpeg, 800, 600);
    let res = admin
        .post_multipart(
            "/admin/new",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "# Holiday\n\nA day at the **sea**."),
                Part::Text("slug", "Sea Day"),
                Part::Text("tags", "Travel, sea"),
                Part::Text("status", "published"),
                Part::File("photo0", "IMG_0001.jpg", "image/jpeg", jpeg),
                Part::Text("new_caption0", "Waves on the beach"),
                Part::File("photo1", "", "application/octet-stream", vec![]),
                Part::Text("new_caption1", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.header("location"), "/admin/?done=created");
    let dash = admin.get("/admin/?done=created").await;
    assert!(dash.body.contains("Note saved."));
    assert!(dash.body.contains("Holiday"));
    assert_eq!(dash.header("cache-control"), "private, no-store");

    let note = admin.app.get("/note/sea-day").await;
    assert_eq!(note.status, StatusCode::OK);
    let doc = mf2(&note.body, SITE);
    let entry = find_item(&doc, "h-entry");
    assert_eq!(strings(entry, "name"), ["Holiday"]);
    assert_eq!(strings(entry, "category"), ["Travel", "sea"]);
    let stored = admin
        .app
        .state
        .notes
        .by_slug(&starpunk::domain::Slug::parse("sea-day").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.photos.len(), 1);
    assert_eq!(
        stored.photos[0].caption.as_deref(),
        Some("Waves on the beach")
    );
    assert_eq!(admin.media_rows().await, 1);
    assert!(admin.app.get("/feed.atom").await.body.contains("sea-day"));
}

#[tokio::test]
async fn refused_forms_keep_values_and_change_nothing() {
    let admin = Admin::new().await;
    let jpeg = image_bytes(ImageFormat::Jpeg, 320, 240);
    // a reserved slug: the form comes back with the reason and the typed values
    let res = admin
        .post_multipart(
            "/admin/new",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "kept <text> & values"),
                Part::Text("slug", "admin"),
                Part::Text("tags", "one, two"),
                Part::Text("status", "draft"),
                Part::File("photo0", "a.jpg", "image/jpeg", jpeg.clone()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("reserved"), "the reason is shown");
    assert!(
        res.body.contains("kept &#60;text&#62; &#38; values")
            || res.body.contains("kept &lt;text&gt; &amp; values")
    );
    assert!(res.body.contains("value=\"one, two\""));
    assert!(res.body.contains("value=\"draft\" checked"));
    // a text file named .jpg among good photos: refused, and the good photo is not kept
    let res = admin
        .post_multipart(
            "/admin/new",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "with a bad photo"),
                Part::Text("status", "published"),
                Part::File("photo0", "good.jpg", "image/jpeg", jpeg.clone()),
                Part::File(
                    "photo1",
                    "evil.jpg",
                    "image/jpeg",
                    b"this is not an image".to_vec(),
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(res.body.contains("evil.jpg"), "the refused file is named");
    // a missing or wrong CSRF token: 403, nothing stored
    for token in ["", "forged"] {
        let mut parts = vec![
            Part::Text("content", "csrf attack"),
            Part::File("photo0", "a.jpg", "image/jpeg", jpeg.clone()),
        ];
        if !token.is_empty() {
            parts.insert(0, Part::Text("csrf_token", token));
        }
        let res = admin.post_multipart("/admin/new", &parts).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
    assert!(
        admin.app.live_notes().await.is_empty(),
        "no note was written"
    );
    assert_eq!(admin.media_rows().await, 0, "no media row is left");
    assert!(
        media_files(admin.app.data_dir()).is_empty(),
        "no file is left: {:?}",
        media_files(admin.app.data_dir())
    );
}

#[tokio::test]
async fn preview_renders_and_stores_nothing() {
    let admin = Admin::new().await;
    let res = admin
        .post_multipart(
            "/admin/preview",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "# Preview me\n\n*emphasis*"),
                Part::Text("tags", "x"),
                Part::Text("status", "published"),
                Part::File(
                    "photo0",
                    "a.jpg",
                    "image/jpeg",
                    image_bytes(ImageFormat::Jpeg, 100, 100),
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("<em>emphasis</em>"));
    assert!(res.body.contains("Preview me"));
    assert!(admin.app.live_notes().await.is_empty());
    assert_eq!(admin.media_rows().await, 0);
}

#[tokio::test]
async fn every_photo_format_uploads() {
    let admin = Admin::new().await;
    let mut files = vec![
        (
            "a.jpg",
            "image/jpeg",
            image_bytes(ImageFormat::Jpeg, 700, 500),
        ),
        (
            "b.png",
            "image/png",
            image_bytes(ImageFormat::Png, 400, 300),
        ),
        (
            "c.gif",
            "image/gif",
            image_bytes(ImageFormat::Gif, 200, 100),
        ),
        (
            "d.webp",
            "image/webp",
            image_bytes(ImageFormat::WebP, 300, 300),
        ),
    ];
    match heic_bytes() {
        Some(h) => files.push(("IMG_1234.HEIC", "image/heic", h)),
        None => eprintln!(
            "heif-enc missing: HEIC upload not tested here (scripts/setup.sh --test installs it)"
        ),
    }
    for (name, mime, bytes) in files {
        let content = format!("photo {name}");
        let res = admin
            .post_multipart(
                "/admin/new",
                &[
                    Part::Text("csrf_token", &admin.csrf),
                    Part::Text("content", &content),
                    Part::Text("status", "published"),
                    Part::File("photo0", name, mime, bytes),
                    Part::Text("new_caption0", name),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{name}: {}", res.body);
    }
    let notes = admin.app.live_notes().await;
    for n in &notes {
        assert_eq!(n.photos.len(), 1, "{}", n.content);
        let m = &n.photos[0].media;
        let served = admin.app.get(&m.url_path()).await;
        assert_eq!(served.status, StatusCode::OK, "{}", m.url_path());
        if n.content.contains("HEIC") {
            assert_eq!(m.mime, "image/jpeg", "HEIC becomes JPEG");
        }
    }
}

#[tokio::test]
async fn edit_photos_then_delete_and_restore() {
    let admin = Admin::new().await;
    let jpeg = |w| image_bytes(ImageFormat::Jpeg, w, 300);
    let res = admin
        .post_multipart(
            "/admin/new",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "first version"),
                Part::Text("tags", "a"),
                Part::Text("status", "draft"),
                Part::File("photo0", "one.jpg", "image/jpeg", jpeg(400)),
                Part::Text("new_caption0", "one"),
                Part::File("photo1", "two.jpg", "image/jpeg", jpeg(500)),
                Part::Text("new_caption1", "two"),
            ],
        )
        .await;
    assert_eq!(res.header("location"), "/admin/?done=draft");
    let note = admin.app.live_notes().await.remove(0);
    assert_eq!(
        admin.app.get(&format!("/note/{}", note.slug)).await.status,
        StatusCode::NOT_FOUND,
        "drafts stay private"
    );
    let (one, two) = (note.photos[0].media.id, note.photos[1].media.id);

    let page = admin.get(&format!("/admin/edit/{}", note.id)).await;
    assert!(page.body.contains("readonly"), "the slug is read-only");
    let (o1, o2, c2, r1) = (
        format!("order_{one}"),
        format!("order_{two}"),
        format!("caption_{two}"),
        format!("remove_{one}"),
    );
    // swap the order, re-caption, publish
    let res = admin
        .post_multipart(
            &format!("/admin/edit/{}", note.id),
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "second version"),
                Part::Text("tags", "a, b"),
                Part::Text("status", "published"),
                Part::Text(&o1, "2"),
                Part::Text(&o2, "1"),
                Part::Text(&c2, "two, recaptioned"),
                Part::File("photo0", "three.jpg", "image/jpeg", jpeg(600)),
                Part::Text("new_caption0", "three"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let n = admin.app.state.notes.get(note.id).await.unwrap().unwrap();
    assert_eq!(n.slug, note.slug, "the slug never changes");
    assert_eq!(n.content, "second version");
    let order: Vec<(i64, Option<&str>)> = n
        .photos
        .iter()
        .map(|p| (p.media.id, p.caption.as_deref()))
        .collect();
    assert_eq!(order[0], (two, Some("two, recaptioned")));
    assert_eq!(order[1], (one, Some("one")));
    assert_eq!(order[2].1, Some("three"));
    // remove one
    let res = admin
        .post_multipart(
            &format!("/admin/edit/{}", note.id),
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "second version"),
                Part::Text("status", "published"),
                Part::Text(&r1, "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let n = admin.app.state.notes.get(note.id).await.unwrap().unwrap();
    assert_eq!(n.photos.len(), 2);
    assert!(n.photos.iter().all(|p| p.media.id != one));
    assert!(
        admin
            .get(&format!("/admin/edit/{}?done=saved", note.id))
            .await
            .body
            .contains("Changes saved.")
    );

    // delete: a confirmation page, then the POST
    let confirm = admin.get(&format!("/admin/delete/{}", note.id)).await;
    assert!(confirm.body.contains("Delete this note?"));
    let bad = admin
        .post_form(
            &format!("/admin/delete/{}", note.id),
            "confirm=yes&csrf_token=nope",
        )
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    assert_eq!(
        admin.app.get(&format!("/note/{}", note.slug)).await.status,
        StatusCode::OK
    );
    let res = admin
        .post_form(
            &format!("/admin/delete/{}", note.id),
            &format!("confirm=yes&csrf_token={}", admin.csrf),
        )
        .await;
    assert_eq!(res.header("location"), "/admin/?done=deleted");
    assert_eq!(
        admin.app.get(&format!("/note/{}", note.slug)).await.status,
        StatusCode::GONE
    );
    let deleted = admin.get("/admin/deleted").await;
    assert!(deleted.body.contains(note.slug.as_str()));
    let res = admin
        .post_form(
            &format!("/admin/restore/{}", note.id),
            &format!("csrf_token={}", admin.csrf),
        )
        .await;
    assert_eq!(res.header("location"), "/admin/deleted?done=restored");
    assert_eq!(
        admin.app.get(&format!("/note/{}", note.slug)).await.status,
        StatusCode::OK
    );
    // the deleted note kept its photos
    assert_eq!(
        admin
            .app
            .state
            .notes
            .get(note.id)
            .await
            .unwrap()
            .unwrap()
            .photos
            .len(),
        2
    );
}

#[tokio::test]
async fn too_many_photos_and_unknown_notes() {
    let admin = Admin::new().await;
    let mut parts = vec![
        Part::Text("csrf_token", &admin.csrf),
        Part::Text("content", "four"),
        Part::Text("status", "published"),
    ];
    let names = ["photo0", "photo1", "photo2", "photo3"];
    for n in names {
        parts.push(Part::File(
            n,
            "x.jpg",
            "image/jpeg",
            image_bytes(ImageFormat::Jpeg, 200, 150),
        ));
    }
    assert_eq!(
        admin.post_multipart("/admin/new", &parts).await.status,
        StatusCode::SEE_OTHER
    );
    let note = admin.app.live_notes().await.remove(0);
    assert_eq!(note.photos.len(), 4);
    let res = admin
        .post_multipart(
            &format!("/admin/edit/{}", note.id),
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "five?"),
                Part::Text("status", "published"),
                Part::File(
                    "photo0",
                    "x.jpg",
                    "image/jpeg",
                    image_bytes(ImageFormat::Jpeg, 200, 150),
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("at most 4 photos"));
    assert_eq!(admin.media_rows().await, 4, "the fifth photo was not kept");
    for path in ["/admin/edit/999", "/admin/edit/abc", "/admin/delete/999"] {
        assert_eq!(
            admin.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
