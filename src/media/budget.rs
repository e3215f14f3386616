//! What a decode will cost, checked from the header before any pixel buffer exists.
//!
//! Two checks, both made with the dimensions a header claims:
//!
//! - **Plausibility.** Every format has a most pixels its compressed data can stand
//!   for: DEFLATE expands at most 1032:1 (PNG, at least one bit a pixel), a JPEG spends
//!   at least one bit on each 8×8 block, an LZW code of a GIF stands for at most 4096
//!   pixels. WebP and HEIC use arithmetic or single-symbol codes that have no hard
//!   bound, so for them no real photo compresses past [`GENERIC_PIXELS_PER_BYTE`]. A
//!   69-byte file claiming 11000 × 4500 pixels is refused here, having cost nothing.
//! - **Memory budget.** The peak memory of the decode (the decoded pixels plus the copy
//!   made on the way to 8-bit RGB / RGBA, and for HEIC libheif's planes) must fit
//!   [`DECODE_BUDGET`]. A 48-megapixel phone photo fits.

use super::detect::Kind;
use super::error::MediaError;

/// The most memory one decode may take, in bytes.
pub const DECODE_BUDGET: u64 = 320 * 1024 * 1024;

/// PNG: DEFLATE's largest expansion (1032:1) times eight 1-bit pixels a byte.
const PNG_PIXELS_PER_BYTE: u64 = 1032 * 8;
/// JPEG: at least one bit for each 8×8 block of the first component.
const JPEG_PIXELS_PER_BYTE: u64 = 8 * 64;
/// GIF: one LZW code (at least 8 bits once the table is full) stands for at most 4096
/// pixels; the logical screen is what the decoder allocates.
const GIF_PIXELS_PER_BYTE: u64 = 4096;
/// WebP, HEIC/HEIF: no provable bound; far beyond what any photograph reaches.
const GENERIC_PIXELS_PER_BYTE: u64 = 65_536;

/// Refuses a header whose `width` × `height` the `file_len` bytes of a `kind` file
/// cannot hold.
pub fn check_plausible(
    kind: Kind,
    width: u32,
    height: u32,
    file_len: u64,
) -> Result<(), MediaError> {
    let per_byte = match kind {
        Kind::Png => PNG_PIXELS_PER_BYTE,
        Kind::Jpeg | Kind::Mpo => JPEG_PIXELS_PER_BYTE,
        Kind::Gif => GIF_PIXELS_PER_BYTE,
        Kind::Webp | Kind::Heic | Kind::Heif => GENERIC_PIXELS_PER_BYTE,
    };
    let pixels = u64::from(width) * u64::from(height);
    if pixels > file_len.saturating_mul(per_byte) {
        return Err(MediaError::TooManyPixels(format!(
            "The file is {file_len} bytes but claims to hold {width} × {height} pixels, \
             more than that much data can; it is damaged or built to exhaust memory."
        )));
    }
    Ok(())
}

/// Refuses a decode whose peak memory, `bytes_per_pixel` for each of `width` ×
/// `height` pixels, is over [`DECODE_BUDGET`].
pub fn check_cost(width: u32, height: u32, bytes_per_pixel: u64) -> Result<(), MediaError> {
    let cost = u64::from(width)
        .saturating_mul(u64::from(height))
        .saturating_mul(bytes_per_pixel);
    check_bytes(width, height, cost)
}

/// Refuses the decode of a `width` × `height` image whose peak memory, `cost` bytes
/// in all, is over [`DECODE_BUDGET`] (for decoders whose cost is not so much a pixel,
/// such as a JPEG shrunk on load).
pub fn check_bytes(width: u32, height: u32, cost: u64) -> Result<(), MediaError> {
    if cost > DECODE_BUDGET {
        return Err(MediaError::TooManyPixels(format!(
            "The image is {width} × {height} pixels and would need {} MB of memory to \
             decode; the most this server spends on one image is {} MB.",
            cost / (1024 * 1024),
            DECODE_BUDGET / (1024 * 1024)
        )));
    }
    Ok(())
}

/// Peak bytes a pixel costs when the image crate decodes to `color` and
/// [`super::decode::normalise`] then converts it: 8-bit luma and RGB stay as they
/// are, RGBA may become RGB, anything else is first widened to RGBA.
pub fn image_crate_bytes_per_pixel(color: image::ColorType) -> u64 {
    use image::ColorType::{L8, Rgb8, Rgba8};
    let decoded = u64::from(color.bytes_per_pixel());
    match color {
        L8 | Rgb8 => decoded,
        Rgba8 => decoded + 3,
        _ => decoded + 4 + 3,
    }
}

/// Peak bytes a pixel costs through libheif: its 8-bit RGB plane and our copy of it
/// (the decoder's YUV picture is gone by then); over 8 bits, the 16-bit YUV and RGB
/// planes held while converting to 8 bits come first and weigh more.
pub fn heif_bytes_per_pixel(luma_bits: u8) -> u64 {
    if luma_bits > 8 { 3 + 6 + 3 } else { 3 + 3 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_files_claiming_huge_images_are_implausible_in_every_format() {
        for kind in [
            Kind::Png,
            Kind::Jpeg,
            Kind::Mpo,
            Kind::Gif,
            Kind::Webp,
            Kind::Heic,
            Kind::Heif,
        ] {
            let e = check_plausible(kind, 11_000, 4_500, 69)
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("69 bytes") && e.contains("11000 × 4500"),
                "{kind:?}: {e}"
            );
        }
    }

    #[test]
    fn real_photos_are_plausible() {
        // An 8 MB 48 MP JPEG, a flat 1-bit 4000×3000 PNG of 1.5 KB, a 300 KB WebP.
        assert!(check_plausible(Kind::Jpeg, 8000, 6000, 8_000_000).is_ok());
        assert!(check_plausible(Kind::Png, 4000, 3000, 1_500).is_ok());
        assert!(check_plausible(Kind::Webp, 4000, 3000, 300_000).is_ok());
        assert!(check_plausible(Kind::Heic, 8064, 6048, 2_000_000).is_ok());
    }

    #[test]
    fn the_budget_fits_a_48_megapixel_photo_and_not_more_than_it_should() {
        let rgb = image_crate_bytes_per_pixel(image::ColorType::Rgb8);
        assert!(check_cost(8000, 6000, rgb).is_ok());
        assert!(check_cost(8064, 6048, heif_bytes_per_pixel(8)).is_ok());
        let rgba16 = image_crate_bytes_per_pixel(image::ColorType::Rgba16);
        let e = check_cost(8000, 6000, rgba16).unwrap_err().to_string();
        assert!(e.contains("8000 × 6000") && e.contains("320 MB"), "{e}");
        assert!(check_cost(8064, 6048, heif_bytes_per_pixel(10)).is_err());
    }
}
