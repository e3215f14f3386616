//! HEIC/HEIF decoding through libheif (cargo feature `heic`, on by default).
//!
//! libheif applies the container's rotation and mirroring (`irot`/`imir`) itself, and
//! HEIF says those win over any EXIF orientation, so no orientation is left to apply.

use std::path::Path;

use image::metadata::Orientation;

use super::decode::Decoded;
use super::detect::Kind;
use super::error::MediaError;

/// Decodes the primary image of a HEIC/HEIF file to 8-bit RGB.
#[cfg(feature = "heic")]
pub fn decode(path: &Path, kind: Kind) -> Result<Decoded, MediaError> {
    use libheif_rs::{ColorSpace, DecodingOptions, HeifContext, HeifErrorCode, LibHeif, RgbChroma};

    let data = std::fs::read(path)?;
    let refused = |e: libheif_rs::HeifError| match e.code {
        HeifErrorCode::UnsupportedFeature
        | HeifErrorCode::DecoderPluginError
        | HeifErrorCode::PluginLoadingError => MediaError::Unsupported(format!(
            "This HEIC/HEIF image uses a feature this server cannot decode ({}). Please export it as JPEG.",
            e.message
        )),
        HeifErrorCode::MemoryAllocationError => {
            MediaError::TooManyPixels("The image is too large to process.".into())
        }
        _ => MediaError::Corrupt(format!("{} (the file may be incomplete)", e.message)),
    };
    let ctx = HeifContext::read_from_bytes(&data).map_err(refused)?;
    let handle = ctx.primary_image_handle().map_err(refused)?;
    let (width, height) = (handle.width(), handle.height());
    super::decode::check_size(width, height)?;
    let budget = super::budget::heif_bytes_per_pixel(handle.luma_bits_per_pixel());
    super::budget::check_plausible(kind, width, height, data.len() as u64)?;
    super::budget::check_cost(width, height, budget)?;
    let icc = handle.color_profile_raw().map(|p| p.data);
    let lib = LibHeif::new();
    // 10-bit photos (HDR captures) come out as 8-bit RGB like every other input.
    let mut options = DecodingOptions::new();
    if let Some(o) = options.as_mut() {
        o.set_convert_hdr_to_8bit(true);
    }
    let decoded = lib
        .decode(&handle, ColorSpace::Rgb(RgbChroma::Rgb), options)
        .map_err(refused)?;
    let plane = decoded
        .planes()
        .interleaved
        .ok_or_else(|| MediaError::Corrupt("libheif returned no interleaved plane".into()))?;
    if plane.storage_bits_per_pixel != 24 {
        return Err(MediaError::Unsupported(format!(
            "This HEIC/HEIF image has {} bits per pixel, which is not supported. Please export it as JPEG.",
            plane.storage_bits_per_pixel
        )));
    }
    // The size checked above must be the size decoded, or the checks checked nothing.
    if (plane.width, plane.height) != (width, height) {
        return Err(MediaError::Corrupt(format!(
            "the file says the image is {width} × {height} pixels but holds {} × {}",
            plane.width, plane.height
        )));
    }
    let row = width as usize * 3;
    let mut pixels = Vec::with_capacity(row * height as usize);
    for y in 0..height as usize {
        let start = y * plane.stride;
        let line = plane
            .data
            .get(start..start + row)
            .ok_or_else(|| MediaError::Corrupt("libheif returned a short plane".into()))?;
        pixels.extend_from_slice(line);
    }
    let image = image::RgbImage::from_raw(width, height, pixels)
        .ok_or_else(|| MediaError::Corrupt("libheif returned a plane of the wrong size".into()))?;
    Ok(Decoded {
        kind,
        image: image.into(),
        orientation: Orientation::NoTransforms,
        icc,
        gif: None,
    })
}

/// Without the `heic` feature HEIC/HEIF uploads are refused with a clear message.
#[cfg(not(feature = "heic"))]
pub fn decode(_path: &Path, _kind: Kind) -> Result<Decoded, MediaError> {
    Err(MediaError::Unsupported(
        "This server was built without HEIC support. Please export the photo as JPEG.".into(),
    ))
}
