//! HEIC/HEIF decoding through libheif (cargo feature `heic`, on by default).
//!
//! The container's rotation and mirroring (`irot`/`imir`) are applied here (libheif
//! does it for a whole-image decode; a grid decoded by tile is turned after assembly),
//! and HEIF says those win over any EXIF orientation, so no orientation is left to apply.

#[cfg(feature = "heic")]
mod tiled;

use std::path::Path;

use image::metadata::Orientation;

use super::decode::Decoded;
use super::detect::Kind;
use super::error::MediaError;

/// Decodes the primary image of a HEIC/HEIF file to 8-bit RGB.
///
/// A grid image (what phones write: 512×512 HEVC tiles) is decoded a tile at a time
/// straight into the output, on every core (each thread its own libheif context, a
/// band of tile rows each): memory is the output plus a tile per thread, not
/// libheif's whole-image YCbCr and RGB planes beside ours. A rotated grid (an
/// iPhone portrait) is assembled as stored and then turned, which for a quarter turn
/// costs a second output-sized buffer.
#[cfg(feature = "heic")]
pub fn decode(path: &Path, kind: Kind, min_side: u32) -> Result<Decoded, MediaError> {
    use super::heif_ffi::Primary;

    let data = std::fs::read(path)?;
    let primary = Primary::open(&data)?;
    let (width, height) = primary.size();
    super::decode::check_size(width, height)?;
    super::budget::check_plausible(kind, width, height, data.len() as u64)?;
    // The grid as stored: tiles are decoded unrotated and the rotation applied after.
    let tiling = primary.file_tiling()?;
    let turn = primary.rotation_only();
    let (fw, fh) = match turn {
        Some(90 | 270) => (height, width),
        _ => (width, height),
    };
    let tiles = u64::from(tiling.num_columns) * u64::from(tiling.num_rows);
    let per_px = super::budget::heif_bytes_per_pixel(primary.luma_bits());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // By tile only when libheif 1.19 gets it right: at most a rotation of the image
    // (see `Primary::rotation_only`; mirrored or cropped grids are decoded whole), no
    // rotation or mirroring of any tile, a grid covering the image, and every tile
    // present (a missing one crashes libheif's tile decode; its whole-image decode
    // refuses it).
    let tiled = tiles > 1
        && turn.is_some()
        && (tiling.image_width, tiling.image_height) == (fw, fh)
        && tiled::covers(&tiling, fw, fh)
        && primary.tiles_resolve();
    // A quarter or three-quarter turn is a copy of the output.
    let turned = matches!(turn, Some(90 | 270));
    // Halved while copying when the half still covers the tier (see tiled.rs).
    let shrink = if tiled && width.max(height) / 2 >= min_side && tiled::can_shrink(&tiling, 2) {
        2
    } else {
        1
    };
    let (ow, oh) = (width.div_ceil(shrink), height.div_ceil(shrink));
    if tiled {
        // Our RGB output, plus each thread's tile at the whole-image rate.
        let tile = u64::from(tiling.tile_width) * u64::from(tiling.tile_height);
        let out = u64::from(ow) * u64::from(oh) * 3 * if turned { 2 } else { 1 };
        super::budget::check_bytes(width, height, out + threads as u64 * tile * per_px)?;
    } else {
        super::budget::check_cost(width, height, per_px)?;
    }
    let icc = primary.icc();
    let (w, h) = (width as usize, height as usize);
    let mut pixels = super::buffer::pixels(ow as usize * oh as usize * 3);
    if tiled {
        drop(primary);
        tiled::decode(
            &data,
            &tiling,
            &mut pixels,
            (fw as usize, fh as usize),
            shrink as usize,
            threads,
        )?;
    } else {
        let rgb = primary.decode(None)?;
        let (pw, ph, stride, plane) = rgb.plane().ok_or_else(not_rgb)?;
        // The size checked above must be the size decoded, or the checks checked nothing.
        if (pw, ph) != (w, h) {
            return Err(MediaError::Corrupt(format!(
                "the file says the image is {width} × {height} pixels but holds {pw} × {ph}"
            )));
        }
        for (y, row) in pixels.chunks_exact_mut(w * 3).enumerate() {
            row.copy_from_slice(&plane[y * stride..y * stride + w * 3]);
        }
    }
    let (sw, sh) = if tiled {
        (fw.div_ceil(shrink), fh.div_ceil(shrink))
    } else {
        (ow, oh)
    };
    let mut image = image::RgbImage::from_raw(sw, sh, pixels)
        .ok_or_else(|| MediaError::Corrupt("libheif returned a plane of the wrong size".into()))?;
    if tiled {
        // HEIF's irot turns counter-clockwise; the image crate's turns are clockwise.
        match turn {
            Some(90) => image = image::imageops::rotate270(&image),
            Some(180) => image::imageops::rotate180_in_place(&mut image),
            Some(270) => image = image::imageops::rotate90(&image),
            _ => {}
        }
    }
    Ok(Decoded {
        kind,
        image: image.into(),
        orientation: Orientation::NoTransforms,
        icc,
        gif: None,
    })
}

#[cfg(feature = "heic")]
fn not_rgb() -> MediaError {
    MediaError::Unsupported(
        "This HEIC/HEIF image does not decode to 8-bit RGB here. Please export it as JPEG.".into(),
    )
}

/// Without the `heic` feature HEIC/HEIF uploads are refused with a clear message.
#[cfg(not(feature = "heic"))]
pub fn decode(_path: &Path, _kind: Kind, _min_side: u32) -> Result<Decoded, MediaError> {
    Err(MediaError::Unsupported(
        "This server was built without HEIC support. Please export the photo as JPEG.".into(),
    ))
}
