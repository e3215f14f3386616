//! Tiny files claiming huge images (issue 8.9): each format is refused from its header,
//! before the pixels are allocated, with the media error a person can read; no note,
//! no media row and no file are left.

use axum::http::StatusCode;
use image::ImageFormat;

use crate::admin::{Admin, Part, heic_bytes, image_bytes};

const W: u32 = 11_000;
const H: u32 = 4_500;

/// A PNG whose IHDR claims `W`×`H` 8-bit RGBA, with a minimal IDAT (69 bytes in all).
fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = W.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&H.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    // zlib: an empty final stored block and its Adler-32, padded.
    let idat = [
        0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00,
    ];
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    let mut crc = 0xFFFF_FFFFu32;
    for &b in &body {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&body);
    out.extend_from_slice(&(!crc).to_be_bytes());
}

/// A real small JPEG whose SOF0 is changed to claim `W`×`H`.
fn jpeg_bomb() -> Vec<u8> {
    let mut jpeg = image_bytes(ImageFormat::Jpeg, 16, 16);
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline SOF0");
    jpeg[sof + 5..sof + 7].copy_from_slice(&(H as u16).to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&(W as u16).to_be_bytes());
    jpeg
}

/// A JPEG bomb followed by a second image: an MPO (a camera's stereo or depth pair).
fn mpo_bomb() -> Vec<u8> {
    let mut out = jpeg_bomb();
    out.extend_from_slice(&image_bytes(ImageFormat::Jpeg, 16, 16));
    out
}

/// A real small GIF whose logical screen claims `W`×`H`.
fn gif_screen_bomb() -> Vec<u8> {
    let mut gif = image_bytes(ImageFormat::Gif, 4, 4);
    gif[6..8].copy_from_slice(&(W as u16).to_le_bytes());
    gif[8..10].copy_from_slice(&(H as u16).to_le_bytes());
    gif
}

/// A real small GIF whose (first) frame descriptor claims `W`×`H`.
fn gif_frame_bomb() -> Vec<u8> {
    let mut gif = image_bytes(ImageFormat::Gif, 4, 4);
    let mut at = 13;
    if gif[10] & 0x80 != 0 {
        at += 3 << ((gif[10] & 7) + 1);
    }
    while gif[at] == 0x21 {
        at += 2;
        while gif[at] != 0 {
            at += gif[at] as usize + 1;
        }
        at += 1;
    }
    assert_eq!(gif[at], 0x2C, "an image descriptor");
    gif[at + 5..at + 7].copy_from_slice(&(W as u16).to_le_bytes());
    gif[at + 7..at + 9].copy_from_slice(&(H as u16).to_le_bytes());
    gif
}

/// A lossless WebP header claiming `W`×`H`, then a few bytes.
fn webp_bomb() -> Vec<u8> {
    let bits: u32 = (W - 1) | ((H - 1) << 14);
    let mut vp8l = vec![0x2F];
    vp8l.extend_from_slice(&bits.to_le_bytes());
    vp8l.extend_from_slice(&[0u8; 20]);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(4 + 8 + vp8l.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WEBPVP8L");
    out.extend_from_slice(&(vp8l.len() as u32).to_le_bytes());
    out.extend_from_slice(&vp8l);
    out
}

/// A real HEIC whose `ispe` (image size) property claims `W`×`H`.
fn heic_bomb() -> Option<Vec<u8>> {
    let mut heic = heic_bytes()?;
    let ispe = heic.windows(4).position(|w| w == b"ispe")?;
    heic[ispe + 8..ispe + 12].copy_from_slice(&W.to_be_bytes());
    heic[ispe + 12..ispe + 16].copy_from_slice(&H.to_be_bytes());
    Some(heic)
}

async fn upload(admin: &Admin, name: &str, data: Vec<u8>) -> crate::helpers::Res {
    admin
        .post_multipart(
            "/admin/new",
            &[
                Part::Text("csrf_token", &admin.csrf),
                Part::Text("content", "a note with a bomb"),
                Part::Text("status", "published"),
                Part::File("photo0", name, "application/octet-stream", data),
            ],
        )
        .await
}

#[tokio::test]
async fn tiny_files_claiming_huge_images_are_refused_from_the_header() {
    let admin = Admin::new().await;
    let png = png_bomb();
    assert_eq!(png.len(), 69, "the probe's size");
    for (name, data) in [
        ("bomb.png", png),
        ("bomb.jpg", jpeg_bomb()),
        ("bomb-mpo.jpg", mpo_bomb()),
        ("screen.gif", gif_screen_bomb()),
        ("frame.gif", gif_frame_bomb()),
        ("bomb.webp", webp_bomb()),
    ] {
        let len = data.len();
        let res = upload(&admin, name, data).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{name}: {}", res.body);
        assert!(res.body.contains(name), "{name}: the refused file is named");
        assert!(
            res.body
                .contains(&format!("{len} bytes but claims to hold {W} × {H} pixels")),
            "{name} is refused from its header: {}",
            res.body
        );
    }
    admin.assert_nothing_kept().await;
}

#[tokio::test]
async fn heic_claiming_a_huge_image_is_refused() {
    let Some(heic) = heic_bomb() else {
        eprintln!("SKIPPED: heif-enc not found");
        return;
    };
    let admin = Admin::new().await;
    let res = upload(&admin, "bomb.heic", heic).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(res.body.contains("bomb.heic"), "{}", res.body);
    assert!(res.body.contains(&format!("{W} × {H}")), "{}", res.body);
    admin.assert_nothing_kept().await;
}
