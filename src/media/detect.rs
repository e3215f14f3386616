//! What an upload is, from its first bytes (never from its name or the client's
//! Content-Type), and whether a JPEG is whole.

use super::error::MediaError;

/// Bytes of the upload's head that [`sniff`] needs to decide.
pub const SNIFF_LEN: usize = 64;

/// An accepted input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    /// A JPEG carrying a second image (Multi-Picture Format); decoded as its first image.
    Mpo,
    Png,
    Gif,
    Webp,
    Heic,
    Heif,
}

impl Kind {
    /// The media type of the upload as received.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Mpo => "image/mpo",
            Kind::Png => "image/png",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Heic => "image/heic",
            Kind::Heif => "image/heif",
        }
    }
}

/// Recognises an accepted image from the first bytes of a file (up to [`SNIFF_LEN`]).
/// MPO cannot be told from a plain JPEG by its head; [`scan_jpeg`] does that later.
pub fn sniff(head: &[u8]) -> Result<Kind, MediaError> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Kind::Jpeg);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Kind::Png);
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Ok(Kind::Gif);
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Ok(Kind::Webp);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return heif_kind(head);
    }
    Err(MediaError::Unsupported(describe_unknown(head)))
}

/// Tells HEIC from HEIF (and refuses AVIF and videos) by the `ftyp` brands.
fn heif_kind(head: &[u8]) -> Result<Kind, MediaError> {
    let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let end = size.clamp(12, head.len());
    let major = &head[8..12];
    let compatible = head.get(16..end).unwrap_or_default().chunks_exact(4);
    let brands: Vec<&[u8]> = std::iter::once(major).chain(compatible).collect();
    let has = |names: &[&[u8]]| brands.iter().any(|b| names.contains(b));
    if has(&[b"avif", b"avis"]) {
        return Err(MediaError::Unsupported(
            "This is an AVIF image, which is not supported yet. Please upload JPEG, PNG, GIF, WebP or HEIC."
                .into(),
        ));
    }
    if has(&[b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"]) {
        return Ok(Kind::Heic);
    }
    if has(&[b"mif1", b"msf1", b"heif"]) {
        return Ok(Kind::Heif);
    }
    Err(MediaError::Unsupported(
        "This looks like a video or another ISO media file, not a photo. Please upload JPEG, PNG, GIF, WebP or HEIC."
            .into(),
    ))
}

fn describe_unknown(head: &[u8]) -> String {
    let what = if head.is_empty() {
        "The file is empty"
    } else if head.starts_with(b"%PDF") {
        "This is a PDF document, not an image"
    } else if head.starts_with(b"BM") {
        "This is a BMP image, which is not supported"
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        "This is a TIFF or camera raw file, which is not supported"
    } else if head
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        "This is a text file, not an image"
    } else {
        "This file is not an image we recognise"
    };
    format!("{what}. Please upload a JPEG, PNG, GIF, WebP or HEIC photo.")
}

/// What a walk over a JPEG's markers found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegScan {
    /// An APP2 `MPF` segment: the file is a Multi-Picture Object.
    pub mpo: bool,
    /// The first image reaches its end-of-image marker.
    pub complete: bool,
}

/// Walks the markers of the first image in `data` up to its end-of-image marker,
/// skipping entropy-coded data, so a cut-off upload is caught before decoding (the
/// decoder would fill the missing part with grey).
pub fn scan_jpeg(data: &[u8]) -> JpegScan {
    let mut mpo = false;
    let mut i = 2;
    loop {
        // Fill bytes before a marker are allowed.
        while data.get(i) == Some(&0xFF) && data.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(i), data.get(i + 1)) else {
            return JpegScan {
                mpo,
                complete: false,
            };
        };
        i += 2;
        match marker {
            0xD9 => {
                return JpegScan {
                    mpo,
                    complete: true,
                };
            }
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = data
            .get(i..i + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            return JpegScan {
                mpo,
                complete: false,
            };
        };
        if len < 2 || i + len > data.len() {
            return JpegScan {
                mpo,
                complete: false,
            };
        }
        if marker == 0xE2 && data[i + 2..i + len].starts_with(b"MPF\0") {
            mpo = true;
        }
        i += len;
        if marker == 0xDA {
            match next_marker(data, i) {
                Some(at) => i = at,
                None => {
                    return JpegScan {
                        mpo,
                        complete: false,
                    };
                }
            }
        }
    }
}

/// The offset of the next marker after entropy-coded data starting at `from`
/// (`FF 00` is an escaped byte and `FF D0`–`FF D7` are restart markers inside it).
fn next_marker(data: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        i += data.get(i..)?.iter().position(|&b| b == 0xFF)?;
        match data.get(i + 1)? {
            0x00 | 0xD0..=0xD7 | 0xFF => i += 1,
            _ => return Some(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compat: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compat.len();
        let mut v = (size as u32).to_be_bytes().to_vec();
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(major);
        v.extend_from_slice(&[0, 0, 0, 0]);
        for c in compat {
            v.extend_from_slice(*c);
        }
        v
    }

    #[test]
    fn recognises_each_format_by_magic() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), Kind::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0").unwrap(), Kind::Png);
        assert_eq!(sniff(b"GIF89a....").unwrap(), Kind::Gif);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), Kind::Webp);
        assert_eq!(
            sniff(&ftyp(b"heic", &[b"mif1", b"heic"])).unwrap(),
            Kind::Heic
        );
        assert_eq!(sniff(&ftyp(b"mif1", &[b"heic"])).unwrap(), Kind::Heic);
        assert_eq!(sniff(&ftyp(b"mif1", &[b"mif1"])).unwrap(), Kind::Heif);
    }

    #[test]
    fn refuses_others_with_a_human_message() {
        let e = sniff(b"hello, this is text\n").unwrap_err().to_string();
        assert!(e.contains("text file"), "{e}");
        assert!(sniff(b"").unwrap_err().to_string().contains("empty"));
        let avif = sniff(&ftyp(b"avif", &[b"mif1", b"avif"]))
            .unwrap_err()
            .to_string();
        assert!(avif.contains("AVIF"), "{avif}");
        let mp4 = sniff(&ftyp(b"isom", &[b"mp41"])).unwrap_err().to_string();
        assert!(mp4.contains("video"), "{mp4}");
    }

    #[test]
    fn jpeg_scan_finds_end_mpf_and_truncation() {
        // SOI, APP2 "MPF\0", SOS (len 2) + entropy data with an escaped FF and a restart, EOI.
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE2, 0x00, 0x06, b'M', b'P', b'F', 0];
        j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 1, 2, 0xFF, 0x00, 3, 0xFF, 0xD0, 4]);
        j.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(
            scan_jpeg(&j),
            JpegScan {
                mpo: true,
                complete: true
            }
        );
        let cut = &j[..j.len() - 3];
        assert!(!scan_jpeg(cut).complete);
        assert!(!scan_jpeg(&j[..7]).complete);
    }
}
