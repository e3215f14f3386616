//! The command line: help, check-config, import and export (set-password has its own
//! file).

use std::process::Command;

use starpunk::backup::{export, import};

use crate::helpers::{SITE, TestApp, find_item, mf2};

/// An import's refusals as "file name: reason".
fn failures(report: &import::Report) -> Vec<String> {
    report
        .failed
        .iter()
        .map(|(p, r)| format!("{}: {r}", p.file_name().unwrap().to_string_lossy()))
        .collect()
}

/// The real binary with an empty environment (no `.env` of the developer's leaks in).
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_starpunk"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    c
}

#[test]
fn help_lists_subcommands() {
    let out = bin().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in ["check-config", "import", "export", "serve", "set-password"] {
        assert!(text.contains(sub), "--help mentions {sub}: {text}");
    }
}

#[test]
fn check_config_reports_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let ok = bin()
        .current_dir(dir.path())
        .arg("check-config")
        .output()
        .unwrap();
    assert!(ok.status.success());
    // The mode in force is named: without ADMIN_ME the blog is its own provider…
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        out.contains("identity: http://localhost:5000/ (this blog is its own IndieAuth server"),
        "{out}"
    );
    // …and with ADMIN_ME elsewhere it is a client of that provider.
    let external = bin()
        .current_dir(dir.path())
        .env("ADMIN_ME", "https://me.example/")
        .arg("check-config")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&external.stdout);
    assert!(out.contains("identity: https://me.example/ (sign-in and Micropub tokens through the IndieAuth provider"), "{out}");
    let bad = bin()
        .current_dir(dir.path())
        .env("SITE_URL", "ftp://x")
        .arg("check-config")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains(r#"SITE_URL must be an absolute http(s) URL, got "ftp://x""#),
        "{err}"
    );
    // .env is read, the environment wins
    std::fs::write(dir.path().join(".env"), "PORT=notaport\n").unwrap();
    let from_file = bin()
        .current_dir(dir.path())
        .arg("check-config")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&from_file.stderr).contains("PORT must be"));
    let env_wins = bin()
        .current_dir(dir.path())
        .env("PORT", "8080")
        .arg("check-config")
        .output()
        .unwrap();
    assert!(env_wins.status.success());
}

/// A password in `ADMIN_ME` would be published on every page (issue 8.5): both
/// `check-config` and start-up refuse it in one line that names the variable and does
/// not repeat the secret.
#[test]
fn admin_me_with_a_password_is_refused_without_echoing_it() {
    let dir = tempfile::tempdir().unwrap();
    for value in [
        "https://ada:s3cr3t-pw@me.example.org/",
        "https://me.example.org/#s3cr3t-pw",
        "ftp://ada:s3cr3t-pw@me.example.org/",
    ] {
        for args in [&["check-config"][..], &["serve"][..]] {
            let out = bin()
                .current_dir(dir.path())
                .env("DATA_PATH", dir.path())
                .env("PORT", "1")
                .env("ADMIN_ME", value)
                .args(args)
                .output()
                .unwrap();
            assert!(!out.status.success(), "{args:?} {value}");
            let err = String::from_utf8_lossy(&out.stderr);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(err.contains("ADMIN_ME"), "{args:?} {value}: {err}");
            assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
            assert!(!err.contains("s3cr3t-pw"), "{args:?} echoes: {err}");
            assert!(!stdout.contains("s3cr3t-pw"), "{args:?} echoes: {stdout}");
        }
    }
}

#[tokio::test]
async fn import_reports_bad_files_and_imports_the_rest() {
    let app = TestApp::new().await;
    let src = tempfile::tempdir().unwrap();
    let dir = src.path().join("notes/2024/03");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hello-world.md"),
        "---\ntitle: Hello\ntags: [Rust, IndieWeb]\npublished: 2024-03-09T07:05:01Z\n---\nBody **bold**\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("20240310101010.md"),
        "# Heading name\n\nNo front matter\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("draft-one.md"),
        "---\nstatus: draft\n---\nnot public\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("bad-date.md"),
        "---\npublished: yesterday\n---\nx\n",
    )
    .unwrap();
    std::fs::write(dir.join("bad-yaml.md"), "---\ntags: [unclosed\n---\nx\n").unwrap();
    std::fs::write(dir.join("admin.md"), "reserved slug\n").unwrap();
    std::fs::write(dir.join("empty.md"), "---\ntitle: nothing\n---\n   \n").unwrap();
    std::fs::write(dir.join("notes.txt"), "ignored").unwrap();

    let report = import::import_dir(&app.state.notes, &app.state.media, src.path())
        .await
        .unwrap();
    assert_eq!(report.imported, 3);
    let failed = failures(&report);
    assert_eq!(failed.len(), 4, "{failed:?}");
    assert!(
        failed
            .iter()
            .any(|f| f.starts_with("bad-date.md") && f.contains("RFC 3339"))
    );
    assert!(
        failed
            .iter()
            .any(|f| f.starts_with("admin.md") && f.contains("reserved"))
    );
    assert!(failed.iter().any(|f| f.starts_with("bad-yaml.md")));
    assert!(
        failed
            .iter()
            .any(|f| f.starts_with("empty.md") && f.contains("content"))
    );

    let res = app.get("/note/hello-world").await;
    let doc = mf2(&res.body, SITE);
    let e = find_item(&doc, "h-entry");
    assert_eq!(e["properties"]["name"][0], "Hello");
    assert_eq!(e["properties"]["published"][0], "2024-03-09T07:05:01Z");
    assert_eq!(
        e["properties"]["category"],
        serde_json::json!(["Rust", "IndieWeb"])
    );
    assert_eq!(
        app.get("/note/20240310101010").await.status,
        axum::http::StatusCode::OK
    );
    assert_eq!(
        app.get("/note/draft-one").await.status,
        axum::http::StatusCode::NOT_FOUND
    );

    // importing again refuses duplicates instead of making -2 copies
    let again = import::import_dir(&app.state.notes, &app.state.media, src.path())
        .await
        .unwrap();
    assert_eq!(again.imported, 0);
}

#[tokio::test]
async fn export_then_import_gives_the_same_site() {
    let a = TestApp::new().await;
    a.many(3, &["Alpha"]).await;
    a.note("# Heading only\n\nbody", &["Beta", "alpha"]).await;
    a.note_with(starpunk::domain::NoteInput {
        content: "explicit name: with colon".into(),
        name: Some("Explicit: Name".into()),
        slug: Some("Custom Slug".into()),
        ..Default::default()
    })
    .await;
    a.draft("draft body").await;
    let out = tempfile::tempdir().unwrap();
    assert_eq!(
        export::export_dir(&a.state.notes, &a.state.media, out.path())
            .await
            .unwrap(),
        6
    );
    assert!(
        out.path().join("notes/2024/01").is_dir(),
        "StarPunk's notes/YYYY/MM layout"
    );

    let b = TestApp::new().await;
    let report = import::import_dir(&b.state.notes, &b.state.media, out.path())
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.imported, 6);

    let snapshot = |notes: Vec<starpunk::domain::Note>| {
        let mut v: Vec<_> = notes
            .into_iter()
            .map(|n| {
                (
                    n.slug.to_string(),
                    n.title,
                    n.content,
                    n.status,
                    n.published_at,
                    n.tags,
                )
            })
            .collect();
        v.sort_by(|x, y| x.0.cmp(&y.0));
        v
    };
    let left = snapshot(a.live_notes().await);
    let right = snapshot(b.live_notes().await);
    assert_eq!(left, right);
    // and the public pages match
    let strip = |s: String| {
        s.lines()
            .filter(|l| !l.contains("dt-updated"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(a.get("/").await.body), strip(b.get("/").await.body));
}

#[tokio::test]
async fn photos_round_trip_through_export_and_import() {
    use image::ImageFormat;
    let a = TestApp::new().await;
    let m1 = a
        .state
        .media
        .save(
            crate::photos::bytes_stream(crate::admin::image_bytes(ImageFormat::Jpeg, 900, 600)),
            Some("one.jpg"),
        )
        .await
        .unwrap();
    let m2 = a
        .state
        .media
        .save(
            crate::photos::bytes_stream(crate::admin::image_bytes(ImageFormat::Png, 300, 300)),
            Some("two.png"),
        )
        .await
        .unwrap();
    a.note_with(starpunk::domain::NoteInput {
        content: "with photos".into(),
        slug: Some("pics".into()),
        photos: Some(vec![(m1.id, Some("first: one".into())), (m2.id, None)]),
        ..Default::default()
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    export::export_dir(&a.state.notes, &a.state.media, out.path())
        .await
        .unwrap();
    let md = std::fs::read_dir(out.path().join("notes"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let month = std::fs::read_dir(&md)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(month.join("pics.md")).unwrap();
    assert!(
        text.contains("photos:")
            && text.contains("file: pics-1.jpg")
            && text.contains("caption: 'first: one'"),
        "{text}"
    );
    assert!(
        month.join("pics-2.png").is_file(),
        "the stored original sits beside the Markdown file"
    );

    let b = TestApp::new().await;
    let report = import::import_dir(&b.state.notes, &b.state.media, out.path())
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let note = b
        .state
        .notes
        .by_slug(&starpunk::domain::Slug::parse("pics").unwrap())
        .await
        .unwrap()
        .unwrap();
    let got: Vec<(u32, u32, Option<&str>)> = note
        .photos
        .iter()
        .map(|p| (p.media.width, p.media.height, p.caption.as_deref()))
        .collect();
    assert_eq!(got, [(900, 600, Some("first: one")), (300, 300, None)]);

    // a missing or escaping photo refuses the note and leaves no media behind
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("x.md"),
        "---\nphotos:\n  - file: ../../etc/passwd\n---\nbody\n",
    )
    .unwrap();
    std::fs::write(
        bad.path().join("y.md"),
        "---\nphotos:\n  - file: ok.png\n  - file: missing.jpg\n---\nbody\n",
    )
    .unwrap();
    std::fs::write(
        bad.path().join("ok.png"),
        crate::admin::image_bytes(ImageFormat::Png, 50, 50),
    )
    .unwrap();
    let c = TestApp::new().await;
    let report = import::import_dir(&c.state.notes, &c.state.media, bad.path())
        .await
        .unwrap();
    assert_eq!(report.imported, 0);
    assert_eq!(report.failed.len(), 2, "{:?}", report.failed);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM media")
        .fetch_one(c.state.db.pool())
        .await
        .unwrap();
    assert_eq!(rows, 0, "the photo stored before the failure was removed");
}

#[tokio::test]
async fn import_never_reads_through_links_leading_outside() {
    use std::os::unix::fs::symlink;
    let app = TestApp::with(&[("DEBUG_SAVE_FAILED_UPLOADS", "true")]).await;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "secret note\n").unwrap();
    std::fs::write(
        outside.path().join("passwd"),
        "root:x:0:0:root:/root:/bin/sh\n",
    )
    .unwrap();
    std::fs::write(
        outside.path().join("real.png"),
        crate::admin::image_bytes(image::ImageFormat::Png, 40, 40),
    )
    .unwrap();
    std::fs::create_dir(outside.path().join("sub")).unwrap();
    std::fs::write(outside.path().join("sub/deep.md"), "deep secret\n").unwrap();

    let src = tempfile::tempdir().unwrap();
    let d = src.path();
    symlink(outside.path().join("secret.md"), d.join("linked.md")).unwrap();
    symlink(outside.path().join("sub"), d.join("linked-folder")).unwrap();
    symlink(outside.path().join("passwd"), d.join("pic.jpg")).unwrap();
    symlink(outside.path().join("real.png"), d.join("real.png")).unwrap();
    symlink(outside.path(), d.join("out")).unwrap();
    std::fs::write(
        d.join("photo-link.md"),
        "---\nphotos:\n  - file: pic.jpg\n---\nlinked photo\n",
    )
    .unwrap();
    std::fs::write(
        d.join("image-link.md"),
        "---\nphotos:\n  - file: real.png\n---\nlinked image\n",
    )
    .unwrap();
    std::fs::write(
        d.join("through-folder.md"),
        "---\nphotos:\n  - file: out/passwd\n---\nthrough a linked folder\n",
    )
    .unwrap();
    // a link that stays inside the folder is fine
    std::fs::write(
        d.join("inside.png"),
        crate::admin::image_bytes(image::ImageFormat::Png, 30, 30),
    )
    .unwrap();
    symlink(d.join("inside.png"), d.join("alias.png")).unwrap();
    std::fs::write(
        d.join("ok.md"),
        "---\nphotos:\n  - file: alias.png\n---\ninside link\n",
    )
    .unwrap();

    let report = import::import_dir(&app.state.notes, &app.state.media, d)
        .await
        .unwrap();
    assert_eq!(report.imported, 1, "{:?}", report.failed);
    let failed = failures(&report);
    for name in [
        "linked.md",
        "linked-folder",
        "photo-link.md",
        "image-link.md",
        "through-folder.md",
    ] {
        assert!(
            failed.iter().any(|f| f.starts_with(&format!("{name}: "))),
            "{name} reported: {failed:?}"
        );
    }
    assert!(
        failed
            .iter()
            .any(|f| f.starts_with("photo-link.md") && f.contains("outside the import folder")),
        "{failed:?}"
    );
    let all = app.live_notes().await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].content, "inside link");
    assert_eq!(all[0].photos.len(), 1);
    assert!(!app.get("/").await.body.contains("secret"));
    // nothing from outside was copied anywhere under DATA_PATH
    let debug = app.data_dir().join("debug");
    let kept = std::fs::read_dir(&debug).map(|d| d.count()).unwrap_or(0);
    assert_eq!(kept, 0, "no debug copy of a file from outside");
}

#[tokio::test]
async fn import_is_not_an_edit() {
    let app = TestApp::new().await;
    let src = tempfile::tempdir().unwrap();
    std::fs::write(
        src.path().join("old.md"),
        "---\npublished: 2021-05-01T10:00:00Z\n---\nan old note\n",
    )
    .unwrap();
    std::fs::write(
        src.path().join("edited.md"),
        "---\npublished: 2021-05-01T10:00:00Z\nupdated: 2022-01-02T03:04:05Z\n---\nedited later\n",
    )
    .unwrap();
    std::fs::write(src.path().join("bad.md"), "---\nupdated: soon\n---\nx\n").unwrap();
    let report = import::import_dir(&app.state.notes, &app.state.media, src.path())
        .await
        .unwrap();
    assert_eq!(report.imported, 2, "{:?}", report.failed);
    assert!(
        report.failed[0].1.starts_with("updated must be"),
        "{:?}",
        report.failed
    );

    let page = app.get("/note/old").await.body;
    assert!(
        !page.contains("class=\"updated\""),
        "no 'updated' line: {page}"
    );
    let e = mf2(&page, SITE);
    let e = find_item(&e, "h-entry");
    assert_eq!(e["properties"]["updated"][0], "2021-05-01T10:00:00Z");
    let page = app.get("/note/edited").await.body;
    let e = mf2(&page, SITE);
    let e = find_item(&e, "h-entry");
    assert_eq!(e["properties"]["updated"][0], "2022-01-02T03:04:05Z");
    assert!(page.contains("class=\"updated\""));

    // Atom entries keep their own times, not the moment of the import
    let atom = app.get("/feed.atom").await.body;
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let mut updated: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("updated")))
        .filter_map(|u| u.text())
        .collect();
    updated.sort();
    assert_eq!(updated, ["2021-05-01T10:00:00Z", "2022-01-02T03:04:05Z"]);

    // export writes `updated` only where it differs, and the round trip keeps both
    let out = tempfile::tempdir().unwrap();
    export::export_dir(&app.state.notes, &app.state.media, out.path())
        .await
        .unwrap();
    let dir = out.path().join("notes/2021/05");
    let old = std::fs::read_to_string(dir.join("old.md")).unwrap();
    assert!(!old.contains("updated:"), "{old}");
    let edited = std::fs::read_to_string(dir.join("edited.md")).unwrap();
    assert!(edited.contains("updated: 2022-01-02T03:04:05Z"), "{edited}");
    let b = TestApp::new().await;
    import::import_dir(&b.state.notes, &b.state.media, out.path())
        .await
        .unwrap();
    let times = |notes: Vec<starpunk::domain::Note>| {
        let mut v: Vec<_> = notes
            .into_iter()
            .map(|n| (n.slug.to_string(), n.published_at, n.updated_at))
            .collect();
        v.sort();
        v
    };
    assert_eq!(times(app.live_notes().await), times(b.live_notes().await));
}

#[tokio::test]
async fn responses_and_kept_properties_survive_export_and_import() {
    let a = TestApp::new().await;
    let props = |v: serde_json::Value| starpunk::domain::Properties::from_value(v).unwrap();
    a.note_with(starpunk::domain::NoteInput {
        slug: Some("a-like".into()),
        properties: props(serde_json::json!({"like-of": ["https://other.example/post"]})),
        ..Default::default()
    })
    .await;
    a.note_with(starpunk::domain::NoteInput {
        content: "checked in".into(),
        slug: Some("checkin".into()),
        properties: props(serde_json::json!({
            "syndication": ["https://social.example/@me/1"],
            "checkin": [{"type": ["h-card"], "properties": {"name": ["Café"], "latitude": [45.5]}}],
        })),
        ..Default::default()
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    export::export_dir(&a.state.notes, &a.state.media, out.path())
        .await
        .unwrap();
    let b = TestApp::new().await;
    let report = import::import_dir(&b.state.notes, &b.state.media, out.path())
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.imported, 2);
    let props_of = |notes: Vec<starpunk::domain::Note>| {
        let mut v: Vec<_> = notes
            .into_iter()
            .map(|n| (n.slug.to_string(), n.properties.to_json()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        props_of(a.live_notes().await),
        props_of(b.live_notes().await)
    );
    // a property that is not a list of values is refused by name
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("x.md"),
        "---\nproperties:\n  like-of: https://x.example/\n---\n",
    )
    .unwrap();
    let c = TestApp::new().await;
    let report = import::import_dir(&c.state.notes, &c.state.media, bad.path())
        .await
        .unwrap();
    assert!(
        report.failed[0].1.contains("like-of"),
        "{:?}",
        report.failed
    );
}
