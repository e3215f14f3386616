//! The fast paths: JPEGs shrunk on load (still oriented, stripped and refused when
//! cut), colour profiles carried through libjpeg-turbo, grid HEICs decoded by tile.

use image::ImageDecoder;

use super::Bench;
use super::fixtures::*;
use crate::media::MediaError;
use crate::media::detect::Kind;

/// `jpeg` with `icc` spliced in as one APP2 `ICC_PROFILE` segment after SOI.
fn with_icc(jpeg: &[u8], icc: &[u8]) -> Vec<u8> {
    let mut payload = b"ICC_PROFILE\0\x01\x01".to_vec();
    payload.extend_from_slice(icc);
    let len = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
    [
        &jpeg[..2],
        &[0xFF, 0xE2, len[0], len[1]],
        &payload,
        &jpeg[2..],
    ]
    .concat()
}

fn icc_of(jpeg: &[u8]) -> Option<Vec<u8>> {
    let mut dec = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg)).unwrap();
    dec.icc_profile().unwrap()
}

#[test]
fn a_wide_jpeg_is_decoded_at_half_scale_with_its_orientation() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("wide.jpg");
    std::fs::write(&path, with_exif(&halves_jpeg(4800, 1200), 6)).unwrap();
    // 4800 / 2 = 2400 still covers the 2048 px tier; 4800 / 4 would not.
    let d = crate::media::decode::decode(&path, Kind::Jpeg, 2048).unwrap();
    assert_eq!((d.image.width(), d.image.height()), (2400, 600));
    assert_eq!(d.orientation, image::metadata::Orientation::Rotate90);
    let d = crate::media::decode::decode(&path, Kind::Jpeg, 4000).unwrap();
    assert_eq!((d.image.width(), d.image.height()), (4800, 1200));
}

#[tokio::test]
async fn a_shrunk_jpeg_is_still_oriented_and_gps_free() {
    let b = Bench::new().await;
    let m = b
        .save(&with_exif(&halves_jpeg(4800, 1200), 6), "wide.jpg")
        .await
        .unwrap();
    // Decoded at 2400 × 600, fitted to 2048 × 512, turned a quarter clockwise.
    assert_eq!((m.width, m.height), (512, 2048));
    let stored = image::load_from_memory(&b.read(&m.path)).unwrap().to_rgb8();
    assert!(stored.get_pixel(256, 300).0[0] > 150, "top should be red");
    assert!(
        stored.get_pixel(256, 1800).0[2] > 150,
        "bottom should be blue"
    );
    for file in std::iter::once(m.path.clone()).chain(m.variants.iter().map(|v| v.path.clone())) {
        let data = b.read(&file);
        assert!(!data.windows(6).any(|w| w == b"Exif\0\0"), "EXIF in {file}");
        assert!(!data.windows(8).any(|w| w == GPS_LATITUDE), "GPS in {file}");
    }
}

#[tokio::test]
async fn a_cut_large_jpeg_is_refused_as_incomplete() {
    let b = Bench::new().await;
    let photo = photo_jpeg(4800, 1200);
    let e = b
        .save(&photo[..photo.len() * 6 / 10], "cut.jpg")
        .await
        .unwrap_err();
    assert!(matches!(e, MediaError::Truncated), "{e:?}");
    assert!(b.files().is_empty(), "{:?}", b.files());
}

#[tokio::test]
async fn the_icc_profile_is_carried_into_every_jpeg_output() {
    let b = Bench::new().await;
    // Long enough to be a real profile's size; its bytes are only carried, not read.
    let icc: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    let m = b
        .save(&with_icc(&photo_jpeg(900, 600), &icc), "p3.jpg")
        .await
        .unwrap();
    for file in std::iter::once(m.path.clone()).chain(m.variants.iter().map(|v| v.path.clone())) {
        assert_eq!(icc_of(&b.read(&file)).as_deref(), Some(&icc[..]), "{file}");
    }
}

/// A grid HEIC of 3 × 2 tiles of 512 px cropped to 1300 × 900, each tile one colour,
/// made by `heif-enc -T`; `None` when heif-enc is missing.
fn heic_grid(dir: &std::path::Path) -> Option<Vec<u8>> {
    let tiles = dir.join("tiles");
    std::fs::create_dir_all(&tiles).unwrap();
    for (row, col) in [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)] {
        let img = image::RgbImage::from_pixel(512, 512, image::Rgb(GRID[row][col]));
        img.save(tiles.join(format!("tile-{row:02}-{col:02}.png")))
            .unwrap();
    }
    let out = dir.join("grid.heic");
    let status = std::process::Command::new("heif-enc")
        .args([
            "-T",
            "--tiled-image-width",
            "1300",
            "--tiled-image-height",
            "900",
        ])
        .arg("-o")
        .arg(&out)
        .arg(tiles.join("tile-00-00.png"))
        .output();
    match status {
        Ok(o) if o.status.success() => Some(std::fs::read(&out).unwrap()),
        Ok(o) => panic!("heif-enc failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            eprintln!("SKIPPED: heif-enc not found (scripts/setup.sh --test)");
            None
        }
    }
}

const GRID: [[[u8; 3]; 3]; 2] = [
    [[230, 20, 20], [20, 230, 20], [20, 20, 230]],
    [[230, 230, 20], [230, 20, 230], [20, 230, 230]],
];

#[tokio::test]
async fn a_grid_heic_is_decoded_tile_by_tile_in_place() {
    let b = Bench::new().await;
    let Some(upload) = heic_grid(b.tmp.path()) else {
        return;
    };
    let m = b.save(&upload, "IMG_0003.HEIC").await.unwrap();
    assert_eq!((m.width, m.height), (1300, 900));
    let stored = image::load_from_memory(&b.read(&m.path)).unwrap().to_rgb8();
    // The middle of each tile's visible part has that tile's colour.
    for (row, y) in [(0, 256), (1, 700)] {
        for (col, x) in [(0, 256), (1, 768), (2, 1150)] {
            let got = stored.get_pixel(x, y).0;
            let want = GRID[row][col];
            let near = got.iter().zip(want).all(|(g, w)| g.abs_diff(w) < 40);
            assert!(near, "tile {row},{col} at {x},{y}: {got:?} not {want:?}");
        }
    }
}

#[test]
fn a_grid_heic_is_halved_while_copied_when_the_half_covers_the_tier() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(upload) = heic_grid(tmp.path()) else {
        return;
    };
    let path = tmp.path().join("grid.heic");
    std::fs::write(&path, upload).unwrap();
    let full = crate::media::decode::decode(&path, Kind::Heic, 1000).unwrap();
    assert_eq!((full.image.width(), full.image.height()), (1300, 900));
    let half = crate::media::decode::decode(&path, Kind::Heic, 650)
        .unwrap()
        .image
        .to_rgb8();
    assert_eq!(half.dimensions(), (650, 450));
    for (row, y) in [(0, 128), (1, 350)] {
        for (col, x) in [(0, 128), (1, 384), (2, 575)] {
            let got = half.get_pixel(x, y).0;
            let want = GRID[row][col];
            let near = got.iter().zip(want).all(|(g, w)| g.abs_diff(w) < 40);
            assert!(near, "tile {row},{col} at {x},{y}: {got:?} not {want:?}");
        }
    }
}

/// A fixture file from tests/fixtures, written to `dir` for the decoder to read.
fn fixture(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let path = dir.join(name);
    std::fs::copy(from.join(name), &path).unwrap();
    path
}

/// A 2 × 3 grid HEIC whose last `dimg` reference names item 99, which does not exist:
/// libheif 1.19.7 crashed (SIGSEGV, the whole server) decoding its second tile.
#[test]
fn a_grid_heic_naming_a_missing_tile_is_refused_not_crashed_on() {
    let tmp = tempfile::tempdir().unwrap();
    let path = fixture(tmp.path(), "grid-missing-tile.heic");
    for min_side in [2048, 500] {
        let e = crate::media::decode::decode(&path, Kind::Heic, min_side).err();
        assert!(matches!(e, Some(MediaError::Corrupt(_))), "{e:?}");
    }
}

/// Rotated grid HEICs whose size is not a whole number of 512 px tiles, as iPhone
/// portrait photos are: a 2 × 3 grid of 1000 × 1200 with an `irot` of its own (turned
/// 90, 180 and 270 degrees; at 270 libheif 1.19.7 says its tiles start 176 px left of
/// the image, not 336), and a 2 × 3 grid of 1000 × 1400 whose tiles each carry an
/// `irot`. They must come out exactly as libheif's whole-image decode has them, and
/// the grid-rotated ones also halved by tile.
#[test]
fn a_rotated_grid_heic_matches_the_whole_image_decode() {
    let tmp = tempfile::tempdir().unwrap();
    let stored = std::fs::read(fixture(tmp.path(), "grid-rotated-270.heic")).unwrap();
    // The byte after the `irot` box's type is its angle, in quarter turns counter-clockwise.
    let at = stored.windows(4).position(|w| w == b"irot").unwrap() + 4;
    let mut cases = Vec::new();
    for quarters in [1u8, 2, 3] {
        let mut data = stored.clone();
        data[at] = quarters;
        let size = if quarters == 2 {
            (1000, 1200)
        } else {
            (1200, 1000)
        };
        cases.push((
            format!("irot {}", u32::from(quarters) * 90),
            data,
            size,
            true,
        ));
    }
    let tiles = std::fs::read(fixture(tmp.path(), "grid-tiles-rotated.heic")).unwrap();
    cases.push(("tiles with irot".into(), tiles, (1000, 1400), false));
    for (name, data, size, halved) in cases {
        let path = tmp.path().join("case.heic");
        std::fs::write(&path, &data).unwrap();
        let got = crate::media::decode::decode(&path, Kind::Heic, 2048)
            .ok()
            .unwrap()
            .image
            .to_rgb8();
        assert_eq!(got.dimensions(), size, "{name}");
        let primary = crate::media::heif_ffi::Primary::open(&data).unwrap();
        let whole = primary.decode(None).unwrap();
        let (w, h, stride, plane) = whole.plane().unwrap();
        assert_eq!((w as u32, h as u32), size, "{name}");
        for (y, row) in got.rows().enumerate() {
            for (x, px) in row.enumerate() {
                let at = y * stride + x * 3;
                assert_eq!(px.0[..], plane[at..at + 3], "{name} at {x},{y}");
            }
        }
        if !halved {
            continue;
        }
        // Halved while copied (600 covers the tier): each pixel the rounded mean of
        // the whole decode's 2 × 2 block.
        let half = crate::media::decode::decode(&path, Kind::Heic, 600)
            .ok()
            .unwrap()
            .image
            .to_rgb8();
        assert_eq!(half.dimensions(), (size.0 / 2, size.1 / 2), "{name}");
        for (y, row) in half.rows().enumerate() {
            for (x, px) in row.enumerate() {
                for c in 0..3 {
                    let sum: u32 = [(0, 0), (1, 0), (0, 1), (1, 1)]
                        .iter()
                        .map(|(dx, dy)| {
                            u32::from(plane[(2 * y + dy) * stride + (2 * x + dx) * 3 + c])
                        })
                        .sum();
                    assert_eq!(u32::from(px.0[c]), (sum + 2) / 4, "{name} half at {x},{y}");
                }
            }
        }
    }
}

/// A 256 × 256 progressive JPEG whose first scan has bad bytes (a warning) and whose
/// third scan header is invalid (fatal): TurboJPEG 2.1 reported the fatal error as a
/// warning and the photo was stored all black. It now goes to the image crate, whose
/// verdict (refused, or decoded as far as it goes) is never a black image.
#[test]
fn a_jpeg_libjpeg_turbo_fails_on_after_a_warning_is_not_stored_black() {
    let tmp = tempfile::tempdir().unwrap();
    let path = fixture(tmp.path(), "progressive-fatal-after-warning.jpg");
    match crate::media::decode::decode(&path, Kind::Jpeg, 2048) {
        Ok(d) => {
            let rgb = d.image.to_rgb8();
            assert_eq!(rgb.dimensions(), (256, 256));
            assert!(rgb.as_raw().iter().any(|&b| b > 16), "all black");
        }
        Err(e) => assert!(matches!(e, MediaError::Corrupt(_)), "{e:?}"),
    }
}
