//! The sitemap split end to end at a small page size: the index, every page, and the
//! pages that do not exist, over a real store.

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode};

use super::respond;
use crate::app::AppState;
use crate::config::Config;
use crate::domain::NoteInput;
use crate::error::AppError;

const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const SITE: &str = "http://b.example";

async fn state(notes: usize) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let vars: HashMap<String, String> = [
        ("DATA_PATH", dir.path().to_string_lossy().into_owned()),
        ("SITE_URL", SITE.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let s = AppState::new(Config::from_vars(&vars).unwrap())
        .await
        .unwrap();
    for i in 0..notes {
        s.notes
            .create(NoteInput {
                content: format!("note {i}"),
                slug: Some(format!("n{i}")),
                published_at: Some(
                    chrono::DateTime::from_timestamp(1_700_000_000 + i as i64, 0).unwrap(),
                ),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    (dir, s)
}

/// The status, root element's name and every `<loc>` of a sitemap document.
async fn fetch(s: &AppState, page: Option<u64>, size: u64) -> (StatusCode, String, Vec<String>) {
    let res = match respond(s, &HeaderMap::new(), page, size).await {
        Ok(r) => r,
        Err(AppError::NotFound(_)) => return (StatusCode::NOT_FOUND, String::new(), vec![]),
        Err(e) => panic!("{e}"),
    };
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let xml = String::from_utf8(body.to_vec()).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let locs = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "loc")))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    (
        status,
        doc.root_element().tag_name().name().to_string(),
        locs,
    )
}

#[tokio::test]
async fn past_the_page_size_the_sitemap_becomes_an_index_over_pages() {
    let (_dir, s) = state(5).await;
    // 6 URLs (home + 5 notes) at 2 a file: an index over 3 pages.
    let (status, root, locs) = fetch(&s, None, 2).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(root, "sitemapindex");
    assert_eq!(
        locs,
        (1..=3)
            .map(|n| format!("{SITE}/sitemap-{n}.xml"))
            .collect::<Vec<_>>()
    );
    let mut all = Vec::new();
    for n in 1..=3 {
        let (status, root, locs) = fetch(&s, Some(n), 2).await;
        assert_eq!(
            (status, root.as_str()),
            (StatusCode::OK, "urlset"),
            "page {n}"
        );
        assert_eq!(locs.len(), 2, "page {n}: {locs:?}");
        all.extend(locs);
    }
    let mut want = vec![format!("{SITE}/")];
    want.extend((0..5).map(|i| format!("{SITE}/note/n{i}")));
    assert_eq!(all, want, "every URL once, in order");
    assert_eq!(fetch(&s, Some(4), 2).await.0, StatusCode::NOT_FOUND);

    // Under the page size, one plain file and no pages (a new size: forget the cache).
    s.generation.bump();
    let (status, root, locs) = fetch(&s, None, 6).await;
    assert_eq!(
        (status, root.as_str(), locs.len()),
        (StatusCode::OK, "urlset", 6)
    );
    assert_eq!(fetch(&s, Some(1), 6).await.0, StatusCode::NOT_FOUND);
}
