//! Grid HEICs decoded one tile at a time into the output, a band of tile rows per
//! thread, as stored in the file: unrotated (libheif 1.19.7 places the tiles of a
//! rotated grid wrongly, see `Primary::rotation_only`; the caller turns the result).
//! The first row and column of tiles may start before the image (`top_offset`,
//! `left_offset`) and the last ones pass its end: only what falls inside is copied.
//!
//! With `shrink` = 2 (a 48 MP photo bound for a 2048 px tier) each 2×2 block is
//! averaged as its tile is copied, HEIC's counterpart of a JPEG's DCT-scaled decode:
//! the whole-size image never exists, a quarter of it does.

use libheif_sys::heif_image_tiling;

use super::super::error::MediaError;
use super::super::heif_ffi::Primary;

/// One tile row's share of the output: its rows, how many of the tile's own rows lie
/// above the image, and how many of its rows are inside it (at full size).
struct Band<'o> {
    row: u32,
    skip: usize,
    full_rows: usize,
    out: &'o mut [u8],
}

/// Whether the tiles of `t` cover the whole `width` × `height` image past its offsets:
/// a grid that stops short would leave part of the output unwritten (black).
pub fn covers(t: &heif_image_tiling, width: u32, height: u32) -> bool {
    let span = |n: u32, size: u32| u64::from(n) * u64::from(size);
    span(t.num_rows, t.tile_height) >= u64::from(height) + u64::from(t.top_offset)
        && span(t.num_columns, t.tile_width) >= u64::from(width) + u64::from(t.left_offset)
}

/// Whether `t` can be decoded at 1/`shrink`: every tile edge and offset must fall on
/// a block boundary, so that no block straddles two tiles.
pub fn can_shrink(t: &heif_image_tiling, shrink: u32) -> bool {
    [t.tile_width, t.tile_height, t.top_offset, t.left_offset]
        .iter()
        .all(|v| v % shrink == 0)
}

/// Fills `out` with the tiles of the primary image of `data` (`width` × `height` at
/// full size), each `shrink` × `shrink` block averaged into one RGB pixel (`shrink`
/// 1 or 2, [`can_shrink`] checked), on up to `threads` threads.
pub fn decode(
    data: &[u8],
    t: &heif_image_tiling,
    out: &mut [u8],
    (width, height): (usize, usize),
    shrink: usize,
    threads: usize,
) -> Result<(), MediaError> {
    let line = width.div_ceil(shrink) * 3;
    let (th, top) = (t.tile_height as usize, t.top_offset as usize);
    let n = threads.clamp(1, (t.num_rows as usize).max(1));
    let mut jobs: Vec<Vec<Band>> = (0..n).map(|_| Vec::new()).collect();
    let mut rest = out;
    for row in 0..t.num_rows {
        let y0 = row as usize * th;
        let (start, end) = (y0.saturating_sub(top), (y0 + th).saturating_sub(top));
        let end = end.min(height);
        if end <= start {
            continue;
        }
        let rows = end.div_ceil(shrink) - start / shrink;
        let taken = std::mem::take(&mut rest);
        let (band, tail) = taken
            .split_at_mut_checked(rows * line)
            .ok_or_else(|| MediaError::Corrupt("the tiles do not match the image".into()))?;
        rest = tail;
        jobs[row as usize % n].push(Band {
            row,
            skip: start + top - y0,
            full_rows: end - start,
            out: band,
        });
    }
    let results: Vec<Result<(), MediaError>> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|bands| s.spawn(move || decode_bands(data, t, bands, width, shrink)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(MediaError::Corrupt("a tile decode panicked".into())))
            })
            .collect()
    });
    results.into_iter().collect()
}

fn decode_bands(
    data: &[u8],
    t: &heif_image_tiling,
    bands: Vec<Band>,
    width: usize,
    shrink: usize,
) -> Result<(), MediaError> {
    if bands.is_empty() {
        return Ok(());
    }
    let primary = Primary::open(data)?;
    let (tw, left) = (t.tile_width as usize, t.left_offset as usize);
    let line = width.div_ceil(shrink) * 3;
    for band in bands {
        let rows = band.full_rows;
        for col in 0..t.num_columns {
            let x0 = col as usize * tw;
            let (start, end) = (x0.saturating_sub(left), (x0 + tw).saturating_sub(left));
            let end = end.min(width);
            if end <= start {
                continue;
            }
            let tile = primary.decode(Some((col, band.row)))?;
            let (pw, ph, stride, plane) = tile.plane().ok_or_else(super::not_rgb)?;
            let cx = start + left - x0;
            let n = (end - start) * 3;
            if cx + end - start > pw || band.skip + rows > ph {
                return Err(MediaError::Corrupt(format!(
                    "a tile of the image is {pw} × {ph} pixels, smaller than its place in the grid"
                )));
            }
            if shrink == 1 {
                for r in 0..rows {
                    let from = (band.skip + r) * stride + cx * 3;
                    let to = r * line + start * 3;
                    band.out[to..to + n].copy_from_slice(&plane[from..from + n]);
                }
            } else {
                let src = Block {
                    plane,
                    stride,
                    x: cx,
                    y: band.skip,
                    w: end - start,
                    h: rows,
                };
                average(&src, shrink, &mut band.out[start / shrink * 3..], line);
            }
        }
    }
    Ok(())
}

/// The part of a decoded tile that lies inside the image.
struct Block<'p> {
    plane: &'p [u8],
    stride: usize,
    x: usize,
    y: usize,
    w: usize,
    h: usize,
}

/// Writes the mean of each `s` × `s` block of `src` (fewer at its right and bottom
/// edges) to `out`, whose rows are `line` bytes apart.
fn average(src: &Block, s: usize, out: &mut [u8], line: usize) {
    for oy in 0..src.h.div_ceil(s) {
        let ys = oy * s..(oy * s + s).min(src.h);
        for ox in 0..src.w.div_ceil(s) {
            let xs = ox * s..(ox * s + s).min(src.w);
            let mut sum = [0u32; 3];
            let count = (ys.len() * xs.len()) as u32;
            for y in ys.clone() {
                let row = (src.y + y) * src.stride;
                for x in xs.clone() {
                    let p = row + (src.x + x) * 3;
                    for (total, &byte) in sum.iter_mut().zip(&src.plane[p..p + 3]) {
                        *total += u32::from(byte);
                    }
                }
            }
            let o = oy * line + ox * 3;
            for (byte, total) in out[o..o + 3].iter_mut().zip(sum) {
                // Rounded mean of at most 4 bytes: fits in a byte.
                *byte = ((total + count / 2) / count) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiling(cols: u32, rows: u32, top: u32, left: u32) -> heif_image_tiling {
        // SAFETY: all-zero is a valid value of this plain C struct.
        let mut t: heif_image_tiling = unsafe { std::mem::zeroed() };
        (t.num_columns, t.num_rows, t.tile_width, t.tile_height) = (cols, rows, 512, 512);
        (t.top_offset, t.left_offset) = (top, left);
        t
    }

    #[test]
    fn a_grid_short_of_the_image_is_not_decoded_by_tile() {
        assert!(covers(&tiling(3, 2, 0, 0), 1300, 900));
        assert!(covers(&tiling(3, 2, 0, 0), 1536, 1024));
        assert!(!covers(&tiling(3, 2, 0, 0), 1537, 1024));
        assert!(!covers(&tiling(3, 2, 200, 0), 1300, 900));
        assert!(!covers(&tiling(3, 2, 0, 376), 1300, 900));
        assert!(!covers(&tiling(2, 2, 0, 0), 1300, 900));
    }
}
