//! Resizing (fast_image_resize, SIMD Lanczos3) and encoding (jpeg-encoder, SIMD; PNG
//! through the image crate). Encoders start from pixels only, so no EXIF, GPS or other
//! metadata of the upload can reach a stored file; only a colour profile is carried.

use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{FilterType, IntoImageView, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

use super::error::MediaError;
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
    let err = |e: jpeg_encoder::EncodingError| MediaError::Encode(e.to_string());
    let (w, h) = (dim(img.width())?, dim(img.height())?);
    let mut out = Vec::with_capacity(img.width() as usize * img.height() as usize / 4);
    let mut encoder = Encoder::new(&mut out, quality);
    // 4:2:0 at every quality, as Pillow does: much smaller and faster than 4:4:4, and
    // the difference does not show in photos.
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    if let Some(icc) = icc {
        // A profile too large for APP2 segments is dropped rather than failing the photo.
        let _ = encoder.add_icc_profile(icc);
    }
    match img {
        DynamicImage::ImageLuma8(g) => encoder
            .encode(g.as_raw(), w, h, ColorType::Luma)
            .map_err(err)?,
        DynamicImage::ImageRgb8(rgb) => encoder
            .encode(rgb.as_raw(), w, h, ColorType::Rgb)
            .map_err(err)?,
        other => encoder
            .encode(other.to_rgb8().as_raw(), w, h, ColorType::Rgb)
            .map_err(err)?,
    }
    Ok(out)
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

fn dim(n: u32) -> Result<u16, MediaError> {
    u16::try_from(n).map_err(|_| MediaError::Encode(format!("{n} px is too wide for JPEG")))
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
