//! Resizing (fast_image_resize, SIMD Lanczos3) and encoding (libjpeg-turbo, SIMD; PNG
//! through the image crate). Encoders start from pixels only, so no EXIF, GPS or other
//! metadata of the upload can reach a stored file; only a colour profile is carried.

use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{FilterType, IntoImageView, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};

use super::error::MediaError;
use super::turbo::{self, PixelFormat};
use crate::domain::media::Format;

/// Resizes `src` to exactly `width` × `height`; with `crop`, the source is first
/// centre-cropped to the target's aspect ratio (thumbnails).
pub fn resize(
    src: &DynamicImage,
    width: u32,
    height: u32,
    crop: bool,
) -> Result<DynamicImage, MediaError> {
    if !crop && (width, height) == (src.width(), src.height()) {
        return Ok(src.clone());
    }
    let pixel_type = src
        .pixel_type()
        .ok_or_else(|| MediaError::Encode(format!("cannot resize {:?} pixels", src.color())))?;
    let mut dst = FirImage::new(width, height, pixel_type);
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if crop {
        options = options.fit_into_destination(None);
    }
    Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| MediaError::Encode(format!("resize failed: {e}")))?;
    let buf = dst.into_vec();
    let rebuilt = match src {
        DynamicImage::ImageLuma8(_) => {
            image::GrayImage::from_raw(width, height, buf).map(DynamicImage::from)
        }
        DynamicImage::ImageRgba8(_) => {
            image::RgbaImage::from_raw(width, height, buf).map(DynamicImage::from)
        }
        _ => image::RgbImage::from_raw(width, height, buf).map(DynamicImage::from),
    };
    rebuilt.ok_or_else(|| MediaError::Encode("resize produced a buffer of the wrong size".into()))
}

/// Encodes `img` as `format` (`quality` applies to JPEG only). GIF output is never
/// encoded here: animated GIFs are stored as cleaned originals.
pub fn encode(
    img: &DynamicImage,
    format: Format,
    quality: u8,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, MediaError> {
    match format {
        Format::Jpeg => jpeg(img, quality, icc),
        Format::Png => png(img),
        Format::Gif => Err(MediaError::Encode(
            "GIFs are stored as uploaded, not encoded".into(),
        )),
    }
}

fn jpeg(img: &DynamicImage, quality: u8, icc: Option<&[u8]>) -> Result<Vec<u8>, MediaError> {
    let (w, h) = (img.width(), img.height());
    let data = match img {
        DynamicImage::ImageLuma8(g) => turbo::encode(g.as_raw(), w, h, PixelFormat::Gray, quality)?,
        DynamicImage::ImageRgb8(rgb) => {
            turbo::encode(rgb.as_raw(), w, h, PixelFormat::Rgb, quality)?
        }
        // The alpha channel is ignored by the encoder: no copy to RGB needed.
        DynamicImage::ImageRgba8(rgba) => {
            turbo::encode(rgba.as_raw(), w, h, PixelFormat::Rgba, quality)?
        }
        other => turbo::encode(other.to_rgb8().as_raw(), w, h, PixelFormat::Rgb, quality)?,
    };
    Ok(match icc {
        Some(icc) => with_icc(data, icc),
        None => data,
    })
}

/// Inserts `icc` as APP2 `ICC_PROFILE` segments after the JFIF header of `jpeg` (the
/// TurboJPEG 2.x API has no call for it). A profile too large for the 255 segments
/// the format allows is dropped rather than failing the photo.
fn with_icc(jpeg: Vec<u8>, icc: &[u8]) -> Vec<u8> {
    const CHUNK: usize = 65_519; // 65535 - 2 (length) - 12 (name) - 2 (seq, count)
    let count = icc.len().div_ceil(CHUNK);
    let Ok(count) = u8::try_from(count) else {
        return jpeg;
    };
    if count == 0 || jpeg.len() < 4 {
        return jpeg;
    }
    // After SOI, and after APP0 (JFIF wants to come first) when there is one.
    let mut at = 2;
    if jpeg[2..4] == [0xFF, 0xE0] && jpeg.len() >= 6 {
        at = 4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    }
    let at = at.min(jpeg.len());
    let mut out = Vec::with_capacity(jpeg.len() + icc.len() + 18 * usize::from(count));
    out.extend_from_slice(&jpeg[..at]);
    for (i, chunk) in icc.chunks(CHUNK).enumerate() {
        // Bounded by CHUNK above, so the length always fits in 16 bits.
        let len = (chunk.len() + 16) as u16;
        out.extend_from_slice(&[0xFF, 0xE2]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(b"ICC_PROFILE\0");
        out.extend_from_slice(&[i as u8 + 1, count]);
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&jpeg[at..]);
    out
}

fn png(img: &DynamicImage) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    img.write_with_encoder(PngEncoder::new_with_quality(
        &mut out,
        CompressionType::Fast,
        PngFilter::Adaptive,
    ))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_and_crop_give_the_asked_size() {
        let src = DynamicImage::ImageRgb8(image::RgbImage::from_fn(400, 300, |x, y| {
            image::Rgb([x as u8, y as u8, 7])
        }));
        let small = resize(&src, 200, 150, false).unwrap();
        assert_eq!((small.width(), small.height()), (200, 150));
        let thumb = resize(&src, 150, 150, true).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (150, 150));
        let rgba = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            40,
            30,
            image::Rgba([1, 2, 3, 4]),
        ));
        assert!(matches!(
            resize(&rgba, 20, 15, false).unwrap(),
            DynamicImage::ImageRgba8(_)
        ));
    }

    #[test]
    fn jpeg_round_trips_without_exif() {
        let src = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            64,
            48,
            image::Rgb([200, 100, 50]),
        ));
        let data = encode(&src, Format::Jpeg, 90, None).unwrap();
        let back = image::load_from_memory(&data).unwrap();
        assert_eq!((back.width(), back.height()), (64, 48));
        assert!(!data.windows(4).any(|w| w == b"Exif"));
        let png = encode(&src, Format::Png, 0, None).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }
}
