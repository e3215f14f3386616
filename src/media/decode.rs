//! Safe decoding: sides and pixel count are checked from the header before any pixel
//! buffer is allocated, so a decompression bomb is a clear error, not an OOM kill.

use std::fs::File;
use std::io::{BufReader, Cursor};
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::budget::{self, DECODE_BUDGET};
use super::detect::{Kind, scan_jpeg};
use super::error::MediaError;
use super::gif::{self, CleanGif};

/// Longest side accepted, in pixels.
pub const MAX_SIDE: u32 = 12_000;
/// Most pixels accepted (a 48 MP phone photo fits; about 150 MB as RGB).
pub const MAX_PIXELS: u64 = 50_000_000;

/// A decoded upload, not yet oriented.
pub struct Decoded {
    /// The input format (a JPEG found to carry a second image becomes [`Kind::Mpo`]).
    pub kind: Kind,
    /// 8-bit luma, RGB, or RGBA when some pixel is not opaque.
    pub image: DynamicImage,
    /// To apply after resizing (resizing first is cheaper and gives the same result).
    pub orientation: Orientation,
    /// The colour profile, carried into JPEG outputs so colours survive.
    pub icc: Option<Vec<u8>>,
    /// For GIFs: the file to store, cleaned of metadata.
    pub gif: Option<CleanGif>,
}

/// Decodes the upload at `path`, which [`super::detect::sniff`] found to be `kind`.
/// What the decode will cost is checked from the header first (see [`budget`]).
/// `min_side` is the longest side the caller will fit the image to: a JPEG or a grid
/// HEIC may be decoded smaller than its full size, but never with a longest side below it.
pub fn decode(path: &Path, kind: Kind, min_side: u32) -> Result<Decoded, MediaError> {
    let len = std::fs::metadata(path)?.len();
    match kind {
        Kind::Jpeg | Kind::Mpo => {
            let data = std::fs::read(path)?;
            // Walking the whole file for its end marker takes a tenth of the decode
            // time: it runs on the other core while libjpeg-turbo decodes (within the
            // header's budget), and a cut-off file is refused before its pixels are used.
            let (scan, decoded) = std::thread::scope(|s| {
                let scan = s.spawn(|| scan_jpeg(&data));
                let decoded = super::jpeg::decode(&data, Kind::Jpeg, min_side);
                (scan.join(), decoded)
            });
            let scan = scan.map_err(|_| MediaError::Corrupt("the JPEG scan panicked".into()))?;
            if !scan.complete {
                return Err(MediaError::Truncated);
            }
            let kind = if scan.mpo { Kind::Mpo } else { Kind::Jpeg };
            if let Some(mut decoded) = decoded? {
                decoded.kind = kind;
                return Ok(decoded);
            }
            // What libjpeg-turbo refuses (CMYK, odd subsampling, damage anywhere) goes to
            // the image crate, which decodes what it can or explains what is wrong.
            with_image_crate(
                ImageReader::with_format(Cursor::new(data), ImageFormat::Jpeg),
                kind,
                len,
            )
        }
        Kind::Png => {
            let reader =
                ImageReader::with_format(BufReader::new(File::open(path)?), ImageFormat::Png);
            with_image_crate(reader, kind, len)
        }
        Kind::Webp => {
            let reader =
                ImageReader::with_format(BufReader::new(File::open(path)?), ImageFormat::WebP);
            with_image_crate(reader, kind, len)
        }
        Kind::Gif => {
            let clean = gif::clean(&std::fs::read(path)?)?;
            check_size(clean.width, clean.height)?;
            budget::check_plausible(kind, clean.width, clean.height, len)?;
            // Only the first frame is decoded (the file is stored as it came, so the
            // animation is never decoded here): the screen-sized canvas plus the
            // largest frame's buffer is the cost, whatever the number of frames.
            let (fw, fh) = clean.largest_frame;
            check_size(fw.max(1), fh.max(1))?;
            budget::check_plausible(kind, fw, fh, len)?;
            let frame_px = u64::from(fw) * u64::from(fh);
            let screen_px = (u64::from(clean.width) * u64::from(clean.height)).max(1);
            let per_px = budget::image_crate_bytes_per_pixel(image::ColorType::Rgba8)
                + (frame_px * 4).div_ceil(screen_px);
            budget::check_cost(clean.width, clean.height, per_px)?;
            let reader =
                ImageReader::with_format(Cursor::new(clean.data.as_slice()), ImageFormat::Gif);
            let mut decoded = with_image_crate(reader, kind, len)?;
            decoded.gif = Some(clean);
            Ok(decoded)
        }
        Kind::Heic | Kind::Heif => super::heic::decode(path, kind, min_side),
    }
}

/// Refuses images over [`MAX_SIDE`] or [`MAX_PIXELS`] with a message naming the size.
pub fn check_size(width: u32, height: u32) -> Result<(), MediaError> {
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt("the image has no pixels".into()));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(MediaError::TooManyPixels(format!(
            "The image is {width} × {height} pixels; the largest accepted is {MAX_SIDE} pixels a side."
        )));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(MediaError::TooManyPixels(format!(
            "The image is {width} × {height} pixels; the largest accepted is {} megapixels.",
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

/// Decodes with the image crate: the header is read, then the size, plausibility and
/// memory cost are checked, and only then are pixels decoded, with `image::Limits`
/// (`max_alloc` = the budget) as a second guard inside the decoder.
fn with_image_crate<R: std::io::BufRead + std::io::Seek>(
    mut reader: ImageReader<R>,
    kind: Kind,
    len: u64,
) -> Result<Decoded, MediaError> {
    let mut limits = Limits::default();
    limits.max_alloc = Some(DECODE_BUDGET);
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder()?;
    let (width, height) = decoder.dimensions();
    check_size(width, height)?;
    budget::check_plausible(kind, width, height, len)?;
    budget::check_cost(
        width,
        height,
        budget::image_crate_bytes_per_pixel(decoder.color_type()),
    )?;
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    decoder.set_limits(limits)?;
    // A broken EXIF block is not worth refusing a photo for: it just stays unrotated.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let image = normalise(DynamicImage::from_decoder(decoder)?);
    Ok(Decoded {
        kind,
        image,
        orientation,
        icc,
        gif: None,
    })
}

/// Reduces any colour type to 8-bit luma, RGB, or RGBA when some pixel is not opaque.
pub fn normalise(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image,
        DynamicImage::ImageRgba8(ref rgba) if rgba.pixels().any(|p| p.0[3] != 255) => image,
        other if !other.color().has_alpha() && other.color().has_color() => other.to_rgb8().into(),
        other if !other.color().has_alpha() => other.to_luma8().into(),
        other => {
            let rgba = other.to_rgba8();
            if rgba.pixels().any(|p| p.0[3] != 255) {
                rgba.into()
            } else {
                DynamicImage::ImageRgba8(rgba).to_rgb8().into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_limits_name_the_size() {
        assert!(check_size(12_000, 4_000).is_ok());
        let e = check_size(20_000, 20_000).unwrap_err().to_string();
        assert!(e.contains("20000 × 20000") && e.contains("12000"), "{e}");
        let e = check_size(10_000, 10_000).unwrap_err().to_string();
        assert!(e.contains("megapixels"), "{e}");
    }

    #[test]
    fn opaque_rgba_becomes_rgb_and_transparent_stays() {
        let opaque = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            2,
            2,
            image::Rgba([1, 2, 3, 255]),
        ));
        assert!(matches!(normalise(opaque), DynamicImage::ImageRgb8(_)));
        let clear = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            2,
            2,
            image::Rgba([1, 2, 3, 9]),
        ));
        assert!(matches!(normalise(clear), DynamicImage::ImageRgba8(_)));
        let la = DynamicImage::ImageLumaA8(image::GrayAlphaImage::from_pixel(
            2,
            2,
            image::LumaA([7, 255]),
        ));
        assert!(matches!(normalise(la), DynamicImage::ImageRgb8(_)));
    }
}
