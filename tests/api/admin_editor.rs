//! The editor and dashboard with notes written elsewhere: HTML content (a Micropub
//! client's `{"html": …}`) is edited, previewed and saved as HTML; properties the form
//! does not show (a reply, person tags, an outside photo) survive an edit; a note
//! published with a future time is marked as scheduled.

use axum::http::StatusCode;
use serde_json::json;
use starpunk::domain::{ContentKind, NoteInput, Properties, Status, Tag};

use crate::admin::{Admin, Part};

/// Text that reads differently as Markdown and as HTML, with something to sanitise.
const HTML: &str =
    "# Not a title *kept as typed*\n<p>Second <b>para</b></p><script>alert(1)</script>";

async fn html_note(admin: &Admin) -> i64 {
    admin
        .app
        .note_with(NoteInput {
            content: HTML.into(),
            content_kind: ContentKind::Html,
            ..Default::default()
        })
        .await
        .id
}

/// The text of the editor's textarea, entities decoded as a browser would.
fn textarea(body: &str) -> String {
    let start = body.find("<textarea").unwrap();
    let start = start + body[start..].find('>').unwrap() + 1;
    let raw = &body[start..start + body[start..].find("</textarea>").unwrap()];
    raw.replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The rendered preview section of an editor page.
fn preview_section(body: &str) -> &str {
    let start = body.find("<section class=\"preview\"").expect("a preview");
    &body[start..start + body[start..].find("</section>").unwrap()]
}

#[tokio::test]
async fn an_html_note_is_edited_previewed_and_saved_as_html() {
    let admin = Admin::new().await;
    let id = html_note(&admin).await;

    let page = admin.get(&format!("/admin/edit/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<span class=\"kind\">HTML</span>"),
        "labelled HTML"
    );
    assert_eq!(textarea(&page.body), HTML, "the HTML as typed, as text");
    assert!(
        !page.body.contains("a first line <code># Title</code>"),
        "no Markdown hint"
    );

    let note_id = id.to_string();
    let preview = admin
        .post_multipart(
            "/admin/preview",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("note_id", &note_id),
                Part::Text("content", HTML),
                Part::Text("status", "published"),
            ],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    let p = preview_section(&preview.body);
    assert!(
        p.contains("# Not a title *kept as typed*"),
        "not read as Markdown: {p}"
    );
    assert!(!p.contains("<em>") && !p.contains("entry-title"), "{p}");
    assert!(
        p.contains("<p>Second <b>para</b></p>"),
        "rendered as HTML: {p}"
    );
    assert!(!p.contains("<script"), "sanitised: {p}");
    assert!(
        preview.body.contains("<span class=\"kind\">HTML</span>"),
        "still labelled"
    );

    let changed = "<p>Changed *still not Markdown*</p>";
    let res = admin
        .post_multipart(
            &format!("/admin/edit/{id}"),
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", changed),
                Part::Text("status", "published"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let n = admin.app.state.notes.get(id).await.unwrap().unwrap();
    assert_eq!(n.content, changed);
    assert_eq!(n.content_kind, ContentKind::Html, "saving keeps it HTML");
    let again = admin.get(&format!("/admin/edit/{id}")).await;
    assert!(again.body.contains("<span class=\"kind\">HTML</span>"));
}

#[tokio::test]
async fn notes_written_in_the_admin_stay_markdown() {
    let admin = Admin::new().await;
    let res = admin
        .post_multipart(
            "/admin/new",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "<p>typed *in* the admin</p>"),
                Part::Text("status", "published"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let note = admin.app.live_notes().await.remove(0);
    assert_eq!(note.content_kind, ContentKind::Markdown);
    let page = admin.get(&format!("/admin/edit/{}", note.id)).await;
    assert!(!page.body.contains("class=\"kind\""), "no HTML label");
    let preview = admin
        .post_multipart(
            "/admin/preview",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "# Title\n\n*read as Markdown*"),
                Part::Text("status", "published"),
            ],
        )
        .await;
    let p = preview_section(&preview.body);
    assert!(p.contains("<em>read as Markdown</em>"), "{p}");
    assert!(p.contains("entry-title\">Title<"), "{p}");
    let res = admin
        .post_multipart(
            &format!("/admin/edit/{}", note.id),
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "edited *Markdown*"),
                Part::Text("status", "published"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let n = admin.app.state.notes.get(note.id).await.unwrap().unwrap();
    assert_eq!(n.content_kind, ContentKind::Markdown);
}

#[tokio::test]
async fn an_edit_keeps_the_reply_person_tags_and_outside_photo() {
    let admin = Admin::new().await;
    let hcard = json!({"type": ["h-card"], "properties": {"name": ["Bob"], "url": ["https://bob.example/"]}});
    let props = Properties::from_value(json!({
        "in-reply-to": ["https://other.example/post/1"],
        "category": ["https://alice.example/", hcard.clone()],
        "photo": ["https://elsewhere.example/p.jpg"],
    }))
    .unwrap();
    let note = admin
        .app
        .note_with(NoteInput {
            content: "A reply".into(),
            tags: vec![Tag::parse("words").unwrap()],
            properties: props,
            ..Default::default()
        })
        .await;
    let res = admin
        .post_multipart(
            &format!("/admin/edit/{}", note.id),
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "A reply, edited"),
                Part::Text("tags", "words, more"),
                Part::Text("status", "published"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let n = admin.app.state.notes.get(note.id).await.unwrap().unwrap();
    assert_eq!(n.content, "A reply, edited");
    let tags: Vec<&str> = n.tags.iter().map(|t| t.display.as_str()).collect();
    assert_eq!(tags, ["words", "more"]);
    assert_eq!(
        n.properties.values("in-reply-to"),
        [json!("https://other.example/post/1")]
    );
    assert_eq!(
        n.properties.values("category"),
        [json!("https://alice.example/"), hcard],
        "person tags kept"
    );
    assert_eq!(
        n.properties.values("photo"),
        [json!("https://elsewhere.example/p.jpg")]
    );
}

#[tokio::test]
async fn the_dashboard_marks_scheduled_notes() {
    let admin = Admin::new().await;
    let at = chrono::DateTime::parse_from_rfc3339("2099-03-04T05:06:00Z")
        .unwrap()
        .to_utc();
    let later = admin
        .app
        .note_with(NoteInput {
            content: "Comes out later".into(),
            published_at: Some(at),
            ..Default::default()
        })
        .await;
    admin.app.note("Out now", &[]).await;
    admin
        .app
        .note_with(NoteInput {
            content: "A draft dated later".into(),
            status: Some(Status::Draft),
            published_at: Some(at),
            ..Default::default()
        })
        .await;
    let page = admin.get("/admin/").await;
    let rows: Vec<&str> = page.body.split("<tr>").skip(2).collect();
    let row = |text: &str| *rows.iter().find(|r| r.contains(text)).unwrap();
    let r = row("Comes out later");
    assert!(r.contains("Scheduled for 4 March 2099, 05:06 UTC"), "{r}");
    assert!(
        !r.contains(&format!("/note/{}", later.slug)),
        "no View link yet: {r}"
    );
    assert!(!row("Out now").contains("Scheduled"));
    assert!(
        !row("A draft dated later").contains("Scheduled"),
        "drafts are drafts"
    );
}

/// A photo a Micropub client attaches while the owner's save is still uploading is
/// kept: the edit is worked out from the note as it is once the form has arrived.
#[tokio::test]
async fn a_photo_attached_during_a_slow_save_is_kept() {
    use axum::body::{Body, Bytes};
    use axum::http::{Method, Request, header};
    use image::ImageFormat;

    let admin = Admin::new().await;
    let note = admin.app.note("Before", &[]).await;
    let body = crate::admin::multipart(&[
        Part::Text("csrf_token", &admin.csrf),
        Part::Text("content", "Edited while a client added a photo"),
        Part::Text("tags", ""),
        Part::Text("status", "published"),
    ]);
    // A body that arrives in pieces: the channel holds one piece, so the third send
    // returns only once the handler has read the first (it has loaded the note then).
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/admin/edit/{}", note.id))
        .header("cookie", &admin.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={}", crate::admin::BOUNDARY),
        )
        .body(Body::from_stream(stream))
        .unwrap();
    let router = admin.app.router();
    let save = tokio::spawn(async move { tower::ServiceExt::oneshot(router, req).await });
    let (first, rest) = body.split_at(10);
    let (second, rest) = rest.split_at(10);
    tx.send(Ok(Bytes::copy_from_slice(first))).await.unwrap();
    tx.send(Ok(Bytes::copy_from_slice(second))).await.unwrap();
    tx.send(Ok(Bytes::new())).await.unwrap();

    // Meanwhile a Micropub client attaches a photo.
    let bytes = crate::admin::image_bytes(ImageFormat::Png, 64, 48);
    let photo = admin
        .app
        .state
        .media
        .save(
            futures_util::stream::iter([Ok::<Bytes, String>(Bytes::from(bytes))]),
            None,
        )
        .await
        .unwrap();
    admin
        .app
        .state
        .notes
        .set_photos(note.id, &[(photo.id, Some("added by an app".into()))])
        .await
        .unwrap();

    tx.send(Ok(Bytes::copy_from_slice(rest))).await.unwrap();
    drop(tx);
    let res = save.await.unwrap().unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let n = admin.app.state.notes.get(note.id).await.unwrap().unwrap();
    assert_eq!(n.content, "Edited while a client added a photo");
    assert_eq!(
        n.photos.len(),
        1,
        "the photo the app attached is still there"
    );
    assert_eq!(n.photos[0].caption.as_deref(), Some("added by an app"));
}
