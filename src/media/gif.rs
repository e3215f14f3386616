//! GIFs are stored as uploaded, to keep their animation, minus anything that is not
//! picture: comments, application blocks other than the loop count (XMP lives there),
//! and bytes after the trailer. Copying block by block also proves the file is whole.

use super::error::MediaError;

/// A GIF rewritten without metadata.
#[derive(Debug)]
pub struct CleanGif {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    /// The largest frame's pixels (a frame may claim more than the screen).
    pub largest_frame: (u32, u32),
}

/// Application extensions that only carry the loop count, which animation needs.
const LOOP_APPS: [&[u8]; 2] = [b"NETSCAPE2.0", b"ANIMEXTS1.0"];

/// Copies `src` block by block, dropping metadata; fails on a cut-off or malformed file.
pub fn clean(src: &[u8]) -> Result<CleanGif, MediaError> {
    let mut r = Reader { src, at: 0 };
    let mut out = Vec::with_capacity(src.len());
    let header = r.take(13)?;
    if !(header.starts_with(b"GIF87a") || header.starts_with(b"GIF89a")) {
        return Err(MediaError::Corrupt("not a GIF file".into()));
    }
    let width = u32::from(u16::from_le_bytes([header[6], header[7]]));
    let height = u32::from(u16::from_le_bytes([header[8], header[9]]));
    out.extend_from_slice(header);
    out.extend_from_slice(r.take(colour_table_len(header[10]))?);
    let mut frames = 0;
    let mut largest_frame = (0, 0);
    loop {
        match r.byte()? {
            0x3B => {
                out.push(0x3B);
                break;
            }
            0x2C => {
                let desc = r.take(9)?;
                let fw = u32::from(u16::from_le_bytes([desc[4], desc[5]]));
                let fh = u32::from(u16::from_le_bytes([desc[6], desc[7]]));
                if u64::from(fw) * u64::from(fh)
                    > u64::from(largest_frame.0) * u64::from(largest_frame.1)
                {
                    largest_frame = (fw, fh);
                }
                out.push(0x2C);
                out.extend_from_slice(desc);
                out.extend_from_slice(r.take(colour_table_len(desc[8]))?);
                out.push(r.byte()?); // LZW minimum code size
                r.copy_sub_blocks(&mut out)?;
                frames += 1;
            }
            0x21 => {
                let label = r.byte()?;
                let keep = match label {
                    0xF9 | 0x01 => true,
                    0xFF => r
                        .src
                        .get(r.at + 1..r.at + 12)
                        .is_some_and(|id| LOOP_APPS.contains(&id)),
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(&[0x21, label]);
                    r.copy_sub_blocks(&mut out)?;
                } else {
                    r.copy_sub_blocks(&mut Vec::new())?;
                }
            }
            other => {
                return Err(MediaError::Corrupt(format!(
                    "unexpected GIF block 0x{other:02x}"
                )));
            }
        }
    }
    if frames == 0 {
        return Err(MediaError::Corrupt("the GIF has no image in it".into()));
    }
    Ok(CleanGif {
        data: out,
        width,
        height,
        frames,
        largest_frame,
    })
}

fn colour_table_len(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

struct Reader<'a> {
    src: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], MediaError> {
        let s = self
            .src
            .get(self.at..self.at + n)
            .ok_or(MediaError::Truncated)?;
        self.at += n;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, MediaError> {
        Ok(self.take(1)?[0])
    }

    /// Copies length-prefixed sub-blocks up to and including the empty terminator.
    fn copy_sub_blocks(&mut self, out: &mut Vec<u8>) -> Result<(), MediaError> {
        loop {
            let len = self.byte()?;
            out.push(len);
            if len == 0 {
                return Ok(());
            }
            out.extend_from_slice(self.take(usize::from(len))?);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1×1, two-frame GIF with a comment, an XMP application block and a loop block.
    fn sample() -> Vec<u8> {
        let mut g = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
        g.extend_from_slice(&[0, 0, 0, 255, 255, 255]); // 2-colour table
        g.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00");
        g.extend_from_slice(b"\x21\xFE\x05hello\x00");
        g.extend_from_slice(b"\x21\xFF\x0BXMP DataXMP\x04<x/>\x00");
        for _ in 0..2 {
            g.extend_from_slice(b"\x21\xF9\x04\x00\x0A\x00\x00\x00");
            g.extend_from_slice(b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00");
        }
        g.push(0x3B);
        g.extend_from_slice(b"trailing junk");
        g
    }

    #[test]
    fn drops_comments_xmp_and_trailing_bytes_but_keeps_frames_and_loop() {
        let c = clean(&sample()).unwrap();
        assert_eq!((c.width, c.height, c.frames), (1, 1, 2));
        let has = |needle: &[u8]| c.data.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"NETSCAPE2.0"));
        assert!(!has(b"hello"));
        assert!(!has(b"XMP"));
        assert!(!has(b"junk"));
        assert_eq!(c.data.last(), Some(&0x3B));
        image::load_from_memory(&c.data).unwrap();
    }

    #[test]
    fn cut_off_gif_is_truncated() {
        let g = sample();
        let cut = &g[..g.len() - 20];
        assert!(matches!(clean(cut), Err(MediaError::Truncated)));
    }
}
