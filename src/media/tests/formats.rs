//! Each accepted format saved whole, and each refused one refused with a clear message.

use image::{AnimationDecoder, ImageDecoder};

use super::Bench;
use super::fixtures::*;
use crate::media::{MediaError, VariantName};

fn decode(data: &[u8]) -> image::DynamicImage {
    image::load_from_memory(data).unwrap()
}

#[tokio::test]
async fn jpeg_is_oriented_stripped_and_has_every_variant_it_can() {
    let b = Bench::new().await;
    let upload = with_exif(&halves_jpeg(1600, 800), 6);
    let m = b.save(&upload, "IMG_0001.JPG").await.unwrap();

    // Orientation 6 turns it a quarter clockwise: the red left half is now on top.
    assert_eq!((m.width, m.height), (800, 1600));
    assert_eq!(
        (m.mime.as_str(), m.source_mime.as_str()),
        ("image/jpeg", "image/jpeg")
    );
    let stored_bytes = b.read(&m.path);
    let stored = decode(&stored_bytes).to_rgb8();
    assert_eq!(stored.dimensions(), (800, 1600));
    assert!(stored.get_pixel(400, 200).0[0] > 150, "top should be red");
    assert!(
        stored.get_pixel(400, 1400).0[2] > 150,
        "bottom should be blue"
    );

    let names: Vec<_> = m
        .variants
        .iter()
        .map(|v| (v.name, v.width, v.height))
        .collect();
    assert_eq!(
        names,
        vec![
            (VariantName::Thumb, 150, 150),
            (VariantName::Small, 320, 640),
            (VariantName::Medium, 640, 1280)
        ]
    );
    for file in std::iter::once(m.path.clone()).chain(m.variants.iter().map(|v| v.path.clone())) {
        let data = b.read(&file);
        assert!(
            !data.windows(6).any(|w| w == b"Exif\0\0"),
            "EXIF left in {file}"
        );
        assert!(
            !data.windows(8).any(|w| w == GPS_LATITUDE),
            "GPS left in {file}"
        );
        let mut dec = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&data)).unwrap();
        assert_eq!(dec.exif_metadata().unwrap(), None);
    }
    for v in &m.variants {
        assert_eq!(b.read(&v.path).len() as u64, v.bytes);
        assert_eq!(decode(&b.read(&v.path)).width(), v.width);
    }

    let month = m.created_at.format("%Y/%m").to_string();
    assert_eq!(m.path, format!("{month}/{}.jpg", m.uuid));
    assert_eq!(
        m.variant(VariantName::Small).unwrap().path,
        format!("{month}/{}_small.jpg", m.uuid)
    );
    assert_eq!(m.original_name.as_deref(), Some("IMG_0001.JPG"));
    let mut expected: Vec<String> = std::iter::once(m.path.clone())
        .chain(m.variants.iter().map(|v| v.path.clone()))
        .collect();
    expected.sort();
    assert_eq!(b.files(), expected, "no staging left, nothing else written");
    assert_eq!(b.row_paths().await, expected);
    assert_eq!(b.store.get(m.id).await.unwrap(), Some(m));
}

#[tokio::test]
async fn big_photo_is_limited_to_2048_with_all_four_variants() {
    let b = Bench::new().await;
    let m = b.save(&photo_jpeg(3000, 2000), "big.jpg").await.unwrap();
    assert_eq!((m.width, m.height), (2048, 1365));
    let widths: Vec<_> = m.variants.iter().map(|v| v.width).collect();
    assert_eq!(widths, vec![150, 320, 640, 1280]);
    assert_eq!(m.variant(VariantName::Large).unwrap().height, 853);
}

#[tokio::test]
async fn png_keeps_alpha() {
    let b = Bench::new().await;
    let m = b.save(&png_with_alpha(), "logo.png").await.unwrap();
    assert_eq!(
        (m.mime.as_str(), m.width, m.height),
        ("image/png", 300, 200)
    );
    assert!(m.path.ends_with(".png"));
    let stored = decode(&b.read(&m.path)).to_rgba8();
    assert_eq!(stored.get_pixel(10, 10).0[3], 0);
    assert_eq!(stored.get_pixel(250, 10).0[3], 255);
    let names: Vec<_> = m.variants.iter().map(|v| v.name).collect();
    assert_eq!(names, vec![VariantName::Thumb]);
    assert!(decode(&b.read(&m.variants[0].path)).color().has_alpha());
}

#[tokio::test]
async fn animated_gif_keeps_its_frames() {
    let b = Bench::new().await;
    let upload = animated_gif(400, 300, 3);
    let m = b.save(&upload, "dance.gif").await.unwrap();
    assert!(m.animated);
    assert_eq!(
        (m.mime.as_str(), m.width, m.height),
        ("image/gif", 400, 300)
    );
    let stored = b.read(&m.path);
    let frames = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(&stored))
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 3);
    let variants: Vec<_> = m
        .variants
        .iter()
        .map(|v| (v.name, v.mime.as_str()))
        .collect();
    assert_eq!(
        variants,
        vec![
            (VariantName::Thumb, "image/jpeg"),
            (VariantName::Small, "image/jpeg")
        ]
    );
}

#[tokio::test]
async fn webp_becomes_jpeg() {
    let b = Bench::new().await;
    let m = b.save(&webp(), "pic.webp").await.unwrap();
    assert_eq!(
        (m.mime.as_str(), m.source_mime.as_str()),
        ("image/jpeg", "image/webp")
    );
    assert_eq!((m.width, m.height), (400, 200));
    assert_eq!(decode(&b.read(&m.path)).width(), 400);
}

#[tokio::test]
async fn mpo_is_stored_as_its_first_image() {
    let b = Bench::new().await;
    let upload = mpo(&halves_jpeg(480, 360), &halves_jpeg(200, 100));
    let m = b.save(&upload, "3d.mpo").await.unwrap();
    assert_eq!(
        (m.mime.as_str(), m.source_mime.as_str()),
        ("image/jpeg", "image/mpo")
    );
    assert_eq!((m.width, m.height), (480, 360));
    let stored = b.read(&m.path);
    assert!(!stored.windows(4).any(|w| w == b"MPF\0"));
}

#[tokio::test]
async fn heic_becomes_jpeg() {
    let b = Bench::new().await;
    let Some(upload) = heic_from(&halves_jpeg(640, 480), "jpg", b.tmp.path()) else {
        return;
    };
    let m = b.save(&upload, "IMG_0002.HEIC").await.unwrap();
    assert_eq!(
        (m.mime.as_str(), m.source_mime.as_str()),
        ("image/jpeg", "image/heic")
    );
    assert_eq!((m.width, m.height), (640, 480));
    let stored = decode(&b.read(&m.path)).to_rgb8();
    assert!(stored.get_pixel(100, 240).0[0] > 150 && stored.get_pixel(540, 240).0[2] > 150);
    let names: Vec<_> = m.variants.iter().map(|v| v.name).collect();
    assert_eq!(names, vec![VariantName::Thumb, VariantName::Small]);
}

#[tokio::test]
async fn ten_bit_heic_becomes_8_bit_jpeg_and_a_cut_heic_is_refused() {
    let b = Bench::new().await;
    let Some(upload) = heic_from(&png_16_bit(), "png", b.tmp.path()) else {
        return;
    };
    let m = b.save(&upload, "hdr.heic").await.unwrap();
    assert_eq!(
        (m.mime.as_str(), m.width, m.height),
        ("image/jpeg", 320, 240)
    );
    assert!(matches!(
        decode(&b.read(&m.path)),
        image::DynamicImage::ImageRgb8(_)
    ));

    let e = b
        .save(&upload[..upload.len() / 2], "cut.heic")
        .await
        .unwrap_err();
    assert!(e.is_client_error(), "{e:?}");
    assert_eq!(b.row_paths().await.len(), 1 + m.variants.len());
}

#[tokio::test]
async fn refusals_are_clear_and_leave_nothing() {
    let b = Bench::new().await;
    let photo = photo_jpeg(400, 300);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notes.jpg",
            b"Just some text, not a photo at all.\n".repeat(4),
            "text file",
        ),
        (
            "cut.jpg",
            photo[..photo.len() * 6 / 10].to_vec(),
            "incomplete",
        ),
        ("bomb.png", bomb_png(20_000, 20_000), "20000 × 20000"),
        ("wide.png", bomb_png(11_000, 11_000), "megapixels"),
        (
            "anim-cut.gif",
            animated_gif(40, 30, 2)[..100].to_vec(),
            "incomplete",
        ),
    ];
    for (name, data, wanted) in cases {
        let e = b.save(&data, name).await.unwrap_err();
        assert!(e.is_client_error(), "{name}: {e:?}");
        assert!(e.to_string().contains(wanted), "{name}: {e}");
    }
    assert!(b.files().is_empty(), "{:?}", b.files());
    assert!(b.row_paths().await.is_empty());
}

#[tokio::test]
async fn over_the_limit_is_refused_as_too_large() {
    let b = Bench::with(|s| s.max_upload = 10_000).await;
    let e = b.save(&photo_jpeg(400, 300), "big.jpg").await.unwrap_err();
    assert!(matches!(e, MediaError::TooLarge { .. }), "{e:?}");
    assert!(b.files().is_empty());
}

#[tokio::test]
async fn four_uploads_at_once_all_land() {
    let b = Bench::new().await;
    let photo = photo_jpeg(700, 500);
    let saves = (0..4).map(|i| {
        let (store, photo) = (b.store.clone(), photo.clone());
        tokio::spawn(async move { super::save_with(&store, &photo, &format!("p{i}.jpg")).await })
    });
    for s in saves {
        s.await.unwrap().unwrap();
    }
    assert_eq!(b.row_paths().await.len(), 4 * 4);
    assert_eq!(
        b.store.permits.available_permits(),
        crate::media::CONCURRENT_PROCESSING
    );
}
