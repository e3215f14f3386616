//! Scheduled notes: a note published with a time still to come is absent from
//! everything the public reads until that time, then appears without a restart.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chrono::Utc;
use serde_json::json;
use starpunk::app::AppState;
use starpunk::config::Config;
use starpunk::domain::{Note, NoteInput, NoteUpdate, Patch, Tag};

use crate::helpers::{TestApp, base_vars, entry_count};

/// How long a test waits for a scheduled note before it fails.
const DEADLINE: Duration = Duration::from_secs(20);

fn scheduled(content: &str, tags: &[&str], from_now: chrono::Duration) -> NoteInput {
    NoteInput {
        content: content.into(),
        tags: tags.iter().map(|t| Tag::parse(t).unwrap()).collect(),
        published_at: Some(Utc::now() + from_now),
        ..Default::default()
    }
}

fn http_date(s: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc2822(s)
        .unwrap_or_else(|_| panic!("an HTTP date: {s:?}"))
        .to_utc()
}

/// Polls `seen` every 50 ms until it is true; panics after [`DEADLINE`].
async fn until<F: std::future::Future<Output = bool>>(what: &str, mut seen: impl FnMut() -> F) {
    let start = Instant::now();
    while !seen().await {
        assert!(start.elapsed() < DEADLINE, "{what} did not happen in time");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_scheduled_note_is_absent_from_everything_public() {
    let app = TestApp::new().await;
    let now_note = app.note("Visible words today", &["later"]).await;
    let future = app
        .note_with(scheduled(
            "Hidden tomorrow words",
            &["later", "secret"],
            chrono::Duration::days(1),
        ))
        .await;
    assert!(now_note.is_public());
    assert!(!future.is_public());
    assert!(future.is_scheduled_at(Utc::now()));
    assert!(future.is_public_at(future.published_at.unwrap()));
    assert_eq!(
        app.state.notes.next_publication().await.unwrap(),
        future.published_at
    );

    let slug = future.slug.to_string();
    for path in ["/", "/tag/later", "/search?q=words", "/sitemap.xml"] {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert!(!res.body.contains(&slug), "{path} shows the scheduled note");
        assert!(
            !res.body.contains("Hidden"),
            "{path} shows the scheduled note"
        );
    }
    assert_eq!(app.get("/tag/secret").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&future.path()).await.status, StatusCode::NOT_FOUND);
    let api: serde_json::Value =
        serde_json::from_str(&app.get("/api/search?q=words").await.body).unwrap();
    assert_eq!(api["total"], 1, "{api}");
    for feed in ["/feed.atom", "/feed.rss", "/feed.json"] {
        let res = app.get(feed).await;
        assert_eq!(entry_count(&res.body), 1, "{feed}");
        // The scheduled note's time (tomorrow) must not leak into Last-Modified.
        assert!(
            http_date(res.header("last-modified")) <= Utc::now(),
            "{feed}"
        );
    }
    let stats = app.state.notes.stats().await.unwrap();
    assert_eq!((stats.published, stats.scheduled), (1, 1));
    let (count, lastmod) = app.state.notes.public_stats().await.unwrap();
    assert_eq!(count, 1);
    assert!(lastmod.unwrap() < future.published_at.unwrap());
    // The owner still sees it, and may edit it: the edit is not dated before the
    // publication, so pages showing the note later do not look older than before.
    assert_eq!(app.live_notes().await.len(), 2);
    let edited = app
        .state
        .notes
        .update(
            future.id,
            NoteUpdate {
                patch: Patch::default().replace("content", vec![json!("Hidden, edited")]),
                photos: None,
            },
        )
        .await
        .unwrap();
    assert!(edited.updated_at >= future.published_at.unwrap());
    assert!(!edited.is_public());
    assert!(!app.get("/").await.body.contains("Hidden"));
}

#[tokio::test]
async fn a_scheduled_note_appears_on_time_without_a_restart() {
    let app = TestApp::new().await;
    app.note("Already here", &[]).await;
    // A far publication first: the task sleeps towards it, and must be woken for the
    // nearer one scheduled next.
    app.note_with(scheduled("Far away", &[], chrono::Duration::hours(1)))
        .await;
    let soon = app
        .note_with(scheduled(
            "Arriving soon",
            &[],
            chrono::Duration::milliseconds(1500),
        ))
        .await;
    let at = soon.published_at.unwrap();
    // Both are cached now, before the note's time.
    let home = app.get("/").await;
    assert!(!home.body.contains("Arriving soon"));
    let feed = app.get("/feed.atom").await;
    assert_eq!(entry_count(&feed.body), 1);
    let before = http_date(feed.header("last-modified"));

    until("the note on /", || async {
        app.get("/").await.body.contains("Arriving soon")
    })
    .await;
    assert!(Utc::now() >= at, "shown before its time");
    until("the note in the Atom feed", || async {
        entry_count(&app.get("/feed.atom").await.body) == 2
    })
    .await;
    let feed = app.get("/feed.atom").await;
    let after = http_date(feed.header("last-modified"));
    assert!(after > before, "Last-Modified moves when the note appears");
    assert_eq!(app.get(&soon.path()).await.status, StatusCode::OK);
    assert!(!app.get("/").await.body.contains("Far away"));
}

#[tokio::test]
async fn the_server_publishes_notes_scheduled_before_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let config = || Config::from_vars(&base_vars(&dir)).unwrap();
    // Written by an earlier run (its own state, its own caches).
    let earlier = AppState::new(config()).await.unwrap();
    let soon: Note = earlier
        .notes
        .create(scheduled(
            "Waiting for the server",
            &[],
            chrono::Duration::milliseconds(1500),
        ))
        .await
        .unwrap();

    let state = AppState::new(config()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(starpunk::app::serve_with(
        listener,
        state,
        starpunk::server::Limits::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    let client = reqwest::Client::new();
    let home = || async {
        client
            .get(format!("http://{addr}/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert!(!home().await.contains("Waiting for the server"));
    until("the note on the served home page", || async {
        home().await.contains("Waiting for the server")
    })
    .await;
    assert!(Utc::now() >= soon.published_at.unwrap());
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
