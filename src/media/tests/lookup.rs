//! `MediaStore::by_url` and `delete_many` against a real store.

use super::Bench;
use super::fixtures::photo_jpeg;

#[tokio::test]
async fn a_media_url_finds_its_row_and_variants_find_their_image() {
    let b = Bench::new().await;
    let m = b.save(&photo_jpeg(800, 600), "p.jpg").await.unwrap();
    let other = b.save(&photo_jpeg(200, 100), "q.jpg").await.unwrap();
    let path = m.url_path();
    for url in [path.clone(), format!("http://blog.example{path}")] {
        let found = b.store.by_url(&url).await.unwrap();
        assert_eq!(found.map(|f| f.id), Some(m.id), "{url}");
    }
    assert!(!m.variants.is_empty(), "an 800 px photo has variants");
    for v in &m.variants {
        let found = b.store.by_url(&v.url_path()).await.unwrap();
        assert_eq!(found.map(|f| f.id), Some(m.id), "{}", v.url_path());
    }
    for url in [
        format!("https://elsewhere.example{path}"),
        "/media/2026/01/nobody-stored-this.jpg".to_string(),
        "/note/p".to_string(),
    ] {
        assert!(b.store.by_url(&url).await.unwrap().is_none(), "{url}");
    }
    // one clean-up for many: rows and files go, unknown ids are no error
    b.store.delete_many(&[m.id, other.id, 9999]).await;
    assert!(b.store.by_url(&path).await.unwrap().is_none());
    assert!(b.row_paths().await.is_empty());
    assert!(b.files().is_empty(), "{:?}", b.files());
}
