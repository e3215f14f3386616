//! Test images, made here rather than committed: each is built to show one thing.

use std::io::Cursor;
use std::path::Path;

use image::codecs::gif::{GifEncoder, Repeat};
use image::{DynamicImage, Frame, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// A JPEG of `w`×`h` whose left half is red and right half blue.
pub fn halves_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            Rgb([220, 20, 20])
        } else {
            Rgb([20, 20, 220])
        }
    });
    encode(DynamicImage::ImageRgb8(img), ImageFormat::Jpeg)
}

/// A photo-like JPEG: gradients plus noise, so it compresses like a photograph.
pub fn photo_jpeg(w: u32, h: u32) -> Vec<u8> {
    let mut seed: u32 = 0x1234_5678;
    let img = RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let n = (seed % 24) as u8;
        Rgb([
            ((x * 255) / w) as u8 / 2 + n,
            ((y * 255) / h) as u8 / 2 + n,
            90 + n,
        ])
    });
    encode(DynamicImage::ImageRgb8(img), ImageFormat::Jpeg)
}

fn encode(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// Latitude 52° 31′ N, as written into the GPS block (to look for in outputs).
pub const GPS_LATITUDE: [u8; 8] = [0, 0, 0, 52, 0, 0, 0, 1];

/// `jpeg` with an EXIF APP1 segment spliced after SOI: `orientation`, and a GPS IFD.
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
    // IFD0 (at 8): Orientation, GPS IFD pointer (to 38).
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    // GPS IFD (at 38): GPSLatitudeRef "N", GPSLatitude -> 3 rationals at 68.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&GPS_LATITUDE);
    tiff.extend_from_slice(&[0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    splice_segment(jpeg, 0xE1, &payload)
}

/// An MPO: a JPEG announcing Multi-Picture Format (APP2 `MPF`) followed by a second JPEG.
pub fn mpo(first: &[u8], second: &[u8]) -> Vec<u8> {
    let mut payload = b"MPF\0".to_vec();
    payload.extend_from_slice(b"MM\x00\x2A\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00");
    let mut out = splice_segment(first, 0xE2, &payload);
    out.extend_from_slice(second);
    out
}

fn splice_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A 300×200 PNG whose left third is fully transparent.
pub fn png_with_alpha() -> Vec<u8> {
    let img = RgbaImage::from_fn(300, 200, |x, _| {
        if x < 100 {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([10, 200, 10, 255])
        }
    });
    encode(DynamicImage::ImageRgba8(img), ImageFormat::Png)
}

/// A lossless WebP of 400×200.
pub fn webp() -> Vec<u8> {
    let img = RgbImage::from_fn(400, 200, |x, y| Rgb([x as u8, y as u8, 128]));
    encode(DynamicImage::ImageRgb8(img), ImageFormat::WebP)
}

/// An animated GIF of `frames` frames, `w`×`h`, looping forever.
pub fn animated_gif(w: u32, h: u32, frames: u8) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new_with_speed(&mut out, 30);
        enc.set_repeat(Repeat::Infinite).unwrap();
        for i in 0..frames {
            let shade = 40 + i * 60;
            let img = RgbaImage::from_pixel(w, h, Rgba([shade, 0, 255 - shade, 255]));
            enc.encode_frame(Frame::new(img)).unwrap();
        }
    }
    out
}

/// A PNG header claiming `w`×`h` pixels followed by a few bytes of image data: a
/// decompression bomb's shape without its size.
pub fn bomb_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    chunk(&mut out, b"IHDR", &ihdr);
    // zlib: header, one final stored block of 64 zero bytes, Adler-32 of them.
    let mut idat = vec![0x78, 0x01, 0x01, 64, 0, !64, 0xFF];
    idat.extend_from_slice(&[0; 64]);
    idat.extend_from_slice(&[0, 0x40, 0, 0x01]);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc_input);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A 16-bit PNG of 320×240 (`heif-enc` makes a 10-bit HEIC of it).
pub fn png_16_bit() -> Vec<u8> {
    let img = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(320, 240, |x, y| {
        image::Rgb([(x * 200) as u16, (y * 270) as u16, 30_000])
    });
    encode(DynamicImage::ImageRgb16(img), ImageFormat::Png)
}

/// A HEIC made by `heif-enc` from `source` (a JPEG or PNG, named by `ext`), or `None`
/// (with a note) when the tool is missing.
pub fn heic_from(source: &[u8], ext: &str, dir: &Path) -> Option<Vec<u8>> {
    let input = dir.join(format!("heic-source.{ext}"));
    let output = dir.join("fixture.heic");
    std::fs::write(&input, source).unwrap();
    let status = std::process::Command::new("heif-enc")
        .args(["-q", "80", "-o"])
        .arg(&output)
        .arg(&input)
        .output();
    match status {
        Ok(out) if out.status.success() => Some(std::fs::read(&output).unwrap()),
        Ok(out) => panic!("heif-enc failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            eprintln!(
                "SKIPPED: heif-enc not found (scripts/setup.sh --test installs libheif-examples)"
            );
            None
        }
    }
}
