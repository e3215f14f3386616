//! JPEG decoding with shrink-on-load: libjpeg-turbo decodes at the smallest DCT scale
//! (1/1, 1/2, 1/4, 1/8) whose result still covers the size the stored image will be
//! fitted to, so a 48 MP photo bound for 1600 px is decoded at 1/4 (3 MP), as libvips
//! and Pillow's `draft()` do. The exact size then comes from the Lanczos3 resizer.

use image::DynamicImage;
use image::metadata::Orientation;

use super::budget;
use super::decode::{Decoded, check_size};
use super::detect::Kind;
use super::error::MediaError;
use super::turbo::{self, PixelFormat};

/// What the decoder needs from the segments before the image data.
#[derive(Debug, Default)]
pub struct Meta {
    /// The EXIF orientation (upright when absent or unreadable).
    pub orientation: Option<Orientation>,
    /// The ICC profile, its APP2 chunks joined in order.
    pub icc: Option<Vec<u8>>,
    /// libjpeg keeps every coefficient of the full image while decoding: a progressive
    /// JPEG, a sequential one whose first scan leaves out a component (more scans
    /// follow), or one whose segments could not be read as far as the first scan.
    pub buffered: bool,
}

/// The largest shrink (1, 2, 4 or 8) that keeps the longest side of a `width` ×
/// `height` JPEG decoded at that scale at least `min_side` (never below what the
/// stored image needs, so quality is the resizer's, not the shortcut's).
pub fn shrink(width: u32, height: u32, min_side: u32) -> u32 {
    [8, 4, 2]
        .into_iter()
        .find(|&d| {
            let (w, h) = turbo::scaled(width, height, d);
            w.max(h) >= min_side
        })
        .unwrap_or(1)
}

/// Decodes `data` (a whole JPEG of kind `kind`, checked complete) shrunk on load to no
/// less than `min_side`. `None` when libjpeg-turbo cannot take this JPEG (CMYK, unusual
/// subsampling, damage in the header or the image data): the caller then uses the
/// image crate.
pub fn decode(data: &[u8], kind: Kind, min_side: u32) -> Result<Option<Decoded>, MediaError> {
    let Some(head) = turbo::header(data) else {
        return Ok(None);
    };
    check_size(head.width, head.height)?;
    budget::check_plausible(kind, head.width, head.height, data.len() as u64)?;
    let meta = meta(data);
    let denom = shrink(head.width, head.height, min_side);
    let (sw, sh) = turbo::scaled(head.width, head.height, denom);
    let format = if head.gray {
        PixelFormat::Gray
    } else {
        PixelFormat::Rgb
    };
    // The output buffer at the decoded scale, plus for a buffered JPEG the full-size
    // coefficients (2 bytes each, up to 3 components at full resolution).
    let full = u64::from(head.width) * u64::from(head.height);
    let coefficients = if meta.buffered { full * 6 } else { 0 };
    let pixels = u64::from(sw) * u64::from(sh) * if head.gray { 1 } else { 3 };
    budget::check_bytes(head.width, head.height, coefficients + pixels)?;
    let Some((buf, w, h)) = turbo::decode(data, head, denom, format)? else {
        return Ok(None);
    };
    let image = if head.gray {
        image::GrayImage::from_raw(w, h, buf).map(DynamicImage::from)
    } else {
        image::RgbImage::from_raw(w, h, buf).map(DynamicImage::from)
    };
    let image =
        image.ok_or_else(|| MediaError::Corrupt("the JPEG decoded to the wrong size".into()))?;
    Ok(Some(Decoded {
        kind,
        image,
        orientation: meta.orientation.unwrap_or(Orientation::NoTransforms),
        icc: meta.icc,
        gif: None,
    }))
}

/// Reads orientation, ICC profile and whether the coefficients are buffered from the
/// segments before the first scan. A damaged segment ends the walk: what was found so
/// far is kept, and the coefficients are counted as buffered.
pub fn meta(data: &[u8]) -> Meta {
    let mut meta = Meta::default();
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    // Components of a sequential (SOF0/SOF1) frame, if one was seen.
    let mut sequential: Option<u8> = None;
    // Whether the first scan, once reached, carries every component of that frame.
    let mut single_scan = false;
    let mut i = 2;
    while let (Some(&0xFF), Some(&marker)) = (data.get(i), data.get(i + 1)) {
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        // TEM and RST have no length (as `scan_jpeg` knows): reading one here would
        // end the walk before the EXIF or ICC segments that may follow.
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            i += 2;
            continue;
        }
        let Some(len) = data
            .get(i + 2..i + 4)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            break;
        };
        let Some(body) = data.get(i + 4..i + 2 + len.max(2)) else {
            break;
        };
        match marker {
            0xE1 if body.starts_with(b"Exif\0\0") => {
                meta.orientation = Orientation::from_exif_chunk(&body[6..]);
            }
            0xE2 if body.starts_with(b"ICC_PROFILE\0") && body.len() > 14 => {
                icc_chunks.push((body[12], &body[14..]));
            }
            0xC0 | 0xC1 => sequential = body.get(5).copied(),
            0xDA => {
                single_scan = sequential.is_some() && body.first().copied() == sequential;
                break;
            }
            _ => {}
        }
        i += 2 + len;
    }
    meta.buffered = !single_scan;
    if !icc_chunks.is_empty() {
        icc_chunks.sort_by_key(|(seq, _)| *seq);
        meta.icc = Some(
            icc_chunks
                .iter()
                .flat_map(|(_, d)| d.iter().copied())
                .collect(),
        );
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_stays_at_or_above_the_tier() {
        // 48 MP in the 1600 px tier: 8064 / 4 = 2016 ≥ 1600, 8064 / 8 = 1008 is not.
        assert_eq!(shrink(8064, 6048, 1600), 4);
        // 12 MP in the 2048 px tier: 4000 / 2 = 2000 < 2048, so no shrink.
        assert_eq!(shrink(4000, 3000, 2048), 1);
        assert_eq!(shrink(6000, 4000, 2048), 2);
        assert_eq!(shrink(3000, 4000, 2048), 1);
        assert_eq!(shrink(20_000, 100, 1280), 8);
        assert_eq!(shrink(100, 100, 2048), 1);
    }

    #[test]
    fn meta_joins_icc_chunks_in_order_and_reads_orientation() {
        let seg = |marker: u8, body: &[u8]| {
            let len = u16::try_from(body.len() + 2).unwrap().to_be_bytes();
            [&[0xFF, marker, len[0], len[1]][..], body].concat()
        };
        let icc = |seq: u8, data: &[u8]| [b"ICC_PROFILE\0", &[seq, 2][..], data].concat();
        // EXIF, big-endian, one IFD entry: orientation (0x0112) = 6.
        let exif: Vec<u8> = [
            &b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01"[..],
            &[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0],
            &[0, 0, 0, 0],
        ]
        .concat();
        let jpeg = [
            &[0xFF, 0xD8][..],
            &seg(0xE1, &exif),
            &seg(0xE2, &icc(2, b"world")),
            &seg(0xE2, &icc(1, b"hello ")),
            &seg(0xC2, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]),
            &seg(0xDA, &[0]),
        ]
        .concat();
        let m = meta(&jpeg);
        assert_eq!(m.icc.as_deref(), Some(&b"hello world"[..]));
        assert_eq!(m.orientation, Some(Orientation::Rotate90));
        assert!(m.buffered);
    }

    /// TEM (FF 01) and RST (FF D0-D7) have no length: one before the EXIF segment used
    /// to end the walk there, losing the orientation and the coefficients' memory.
    #[test]
    fn meta_steps_over_markers_without_a_length() {
        let seg = |marker: u8, body: &[u8]| {
            let len = u16::try_from(body.len() + 2).unwrap().to_be_bytes();
            [&[0xFF, marker, len[0], len[1]][..], body].concat()
        };
        let exif: Vec<u8> = [
            &b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01"[..],
            &[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0],
            &[0, 0, 0, 0],
        ]
        .concat();
        let sof = |marker: u8, components: u8| {
            let mut body = vec![8, 0, 16, 0, 16, components];
            for c in 1..=components {
                body.extend_from_slice(&[c, 0x11, 0]);
            }
            seg(marker, &body)
        };
        let sos = |components: u8| {
            let mut body = vec![components];
            for c in 1..=components {
                body.extend_from_slice(&[c, 0]);
            }
            body.extend_from_slice(&[0, 63, 0]);
            seg(0xDA, &body)
        };
        let jpeg = |tail: &[Vec<u8>]| {
            let head = [&[0xFF, 0xD8, 0xFF, 0x01, 0xFF, 0xD3][..], &seg(0xE1, &exif)].concat();
            [&[head][..], tail].concat().concat()
        };
        let m = meta(&jpeg(&[sof(0xC2, 3), sos(1)]));
        assert_eq!(m.orientation, Some(Orientation::Rotate270));
        assert!(m.buffered);
        // Baseline, one scan of all three components: decoded a row band at a time.
        assert!(!meta(&jpeg(&[sof(0xC0, 3), sos(3)])).buffered);
        // Baseline but one component a scan: every coefficient is kept until the last.
        assert!(meta(&jpeg(&[sof(0xC0, 3), sos(1)])).buffered);
        // Never reaching a scan counts as buffered.
        assert!(meta(&jpeg(&[sof(0xC1, 3)])).buffered);
    }
}
