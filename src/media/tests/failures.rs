//! A save that fails at any step leaves no row and no file; start-up recovery cleans up
//! after a crash; failed uploads can be kept for debugging.

use super::Bench;
use super::fixtures::*;
use crate::media::{FailAt, MediaError, RecoveryReport, Scan};

#[tokio::test]
async fn a_failure_at_any_step_leaves_no_row_and_no_file() {
    let photo = photo_jpeg(500, 400);
    for step in [
        FailAt::Decode,
        FailAt::Encode,
        FailAt::Insert,
        FailAt::Move,
        FailAt::Commit,
    ] {
        let b = Bench::new().await;
        let failing = b.store.clone().inject_failure(Some(step));
        let e = super::save_with(&failing, &photo, "p.jpg")
            .await
            .unwrap_err();
        assert!(
            matches!(e, MediaError::Injected(s) if s == step),
            "{step:?}: {e:?}"
        );
        assert!(!e.is_client_error());
        assert!(b.row_paths().await.is_empty(), "{step:?}: rows left");
        assert!(
            b.files().is_empty(),
            "{step:?}: files left: {:?}",
            b.files()
        );
        // The same store, without the hook, still works afterwards.
        let m = b.save(&photo, "p.jpg").await.unwrap();
        assert_eq!(b.files().len(), 1 + m.variants.len(), "{step:?}");
    }
}

#[tokio::test]
async fn failed_uploads_are_kept_for_debugging_only_when_asked() {
    let photo = photo_jpeg(400, 300);
    let cut = &photo[..photo.len() / 2];

    let off = Bench::new().await;
    off.save(cut, "cut.jpg").await.unwrap_err();
    assert!(!off.tmp.path().join("debug").exists());

    let on = Bench::with(|s| s.save_failed_uploads = true).await;
    on.save(cut, "../../my photo (1).jpg").await.unwrap_err();
    on.save(
        b"plain text, no image here at all, really none at all, just words.",
        "notes.txt",
    )
    .await
    .unwrap_err();
    let mut kept: Vec<_> = std::fs::read_dir(on.tmp.path().join("debug"))
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(kept.len(), 2);
    assert!(
        kept[0].0.starts_with("failed_") && kept[0].0.ends_with("_myphoto1.jpg"),
        "{}",
        kept[0].0
    );
    assert_eq!(kept[0].1, cut);
    assert!(kept[1].0.ends_with("_notes.txt"), "{}", kept[1].0);
    assert!(
        on.files().is_empty(),
        "staging must still be cleared: {:?}",
        on.files()
    );
}

#[tokio::test]
async fn startup_without_leftovers_does_not_scan() {
    let b = Bench::new().await;
    b.save(&photo_jpeg(400, 300), "p.jpg").await.unwrap();
    let quick = b.store.startup(Scan::IfNeeded).await.unwrap();
    assert_eq!(quick, RecoveryReport::default());
    let full = b.store.startup(Scan::Full).await.unwrap();
    assert!(full.scanned);
    assert!(full.missing.is_empty() && full.orphans.is_empty());
}

#[tokio::test]
async fn startup_clears_staging_and_reports_what_does_not_match() {
    let b = Bench::new().await;
    let kept = b.save(&photo_jpeg(400, 300), "p.jpg").await.unwrap();
    let media = b.media_dir();
    let month = kept.path.rsplit_once('/').unwrap().0.to_string();

    // A save that crashed between moving its files and committing.
    let crashed = uuid::Uuid::new_v4().to_string();
    std::fs::create_dir_all(media.join(".tmp").join(&crashed)).unwrap();
    std::fs::write(media.join(".tmp").join(&crashed).join("upload"), b"x").unwrap();
    std::fs::write(media.join(&month).join(format!("{crashed}.jpg")), b"x").unwrap();
    // A stranger, and a variant gone missing.
    std::fs::write(media.join(&month).join("stranger.jpg"), b"x").unwrap();
    let lost = kept.variants[0].path.clone();
    std::fs::remove_file(media.join(&lost)).unwrap();

    let report = b.store.startup(Scan::IfNeeded).await.unwrap();
    assert_eq!(report.staging_removed, vec![crashed.clone()]);
    assert!(report.scanned);
    assert_eq!(
        report.orphans_removed,
        vec![format!("{month}/{crashed}.jpg")]
    );
    assert_eq!(report.orphans, vec![format!("{month}/stranger.jpg")]);
    assert_eq!(report.missing, vec![lost]);
    assert!(
        std::fs::read_dir(media.join(".tmp"))
            .unwrap()
            .next()
            .is_none()
    );
    assert!(media.join(&kept.path).exists());
}

#[tokio::test]
async fn startup_prunes_debug_files() {
    let b = Bench::with(|s| s.debug_max_bytes = 1000).await;
    let debug = b.tmp.path().join("debug");
    std::fs::create_dir_all(&debug).unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(30 * 86_400);
    for (name, len) in [("failed_old", 10), ("failed_a", 600), ("failed_b", 600)] {
        std::fs::write(debug.join(name), vec![0u8; len]).unwrap();
    }
    std::fs::File::options()
        .write(true)
        .open(debug.join("failed_old"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let a_time = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(debug.join("failed_a"))
        .unwrap()
        .set_modified(a_time)
        .unwrap();
    b.store.startup(Scan::IfNeeded).await.unwrap();
    let mut left: Vec<_> = std::fs::read_dir(&debug)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, vec!["failed_b"]);
}
