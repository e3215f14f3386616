//! The CPU part of a save: decode, optimise the stored image by size tier, and make
//! the variants. Pure and synchronous (callers run it in `spawn_blocking`); the
//! benchmark calls [`process`] directly.

use std::path::Path;
use std::time::Instant;

use image::DynamicImage;
use image::metadata::Orientation;

use super::decode::{Decoded, decode};
use super::detect::Kind;
use super::encode::{encode, resize};
use super::error::{FailAt, MediaError};
use crate::domain::media::{Format, VariantName};

const MB: u64 = 1024 * 1024;
/// A stored image larger than this is re-encoded smaller.
pub const STORED_MAX_BYTES: usize = 10 * MB as usize;
/// Quality of every variant.
pub const VARIANT_QUALITY: u8 = 85;
/// The quality and the size the fallback steps stop at.
const FLOOR_QUALITY: u8 = 70;
const FLOOR_SIDE: u32 = 640;

/// How the stored image is optimised: longest side and JPEG quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    pub max_side: u32,
    pub quality: u8,
}

/// The tier for an upload of `len` bytes.
pub fn tier(len: u64) -> Tier {
    match len {
        l if l <= 10 * MB => Tier {
            max_side: 2048,
            quality: 95,
        },
        l if l <= 25 * MB => Tier {
            max_side: 1600,
            quality: 90,
        },
        _ => Tier {
            max_side: 1280,
            quality: 85,
        },
    }
}

/// The tier, then quality down to 70 in steps of 5, then the side down to 640.
fn attempts(first: Tier) -> Vec<Tier> {
    let mut out = vec![first];
    let mut t = first;
    while t.quality > FLOOR_QUALITY {
        t.quality = t.quality.saturating_sub(5).max(FLOOR_QUALITY);
        out.push(t);
    }
    while t.max_side > FLOOR_SIDE {
        t.max_side = (t.max_side * 4 / 5).max(FLOOR_SIDE);
        out.push(t);
    }
    out
}

/// An encoded image ready to be written.
#[derive(Debug)]
pub struct Encoded {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// The result of processing an upload.
#[derive(Debug)]
pub struct Processed {
    pub kind: Kind,
    pub stored: Encoded,
    pub animated: bool,
    /// Narrowest first; variants at least as wide as the stored image are skipped.
    pub variants: Vec<(VariantName, Encoded)>,
}

/// Decodes the upload at `path` (of `len` bytes, found to be `kind`) and produces the
/// stored image and its variants. `fail` injects a failure for tests.
pub fn process(
    path: &Path,
    kind: Kind,
    len: u64,
    fail: Option<FailAt>,
) -> Result<Processed, MediaError> {
    if fail == Some(FailAt::Decode) {
        return Err(MediaError::Injected(FailAt::Decode));
    }
    let started = Instant::now();
    let first = tier(len);
    let decoded = decode(path, kind, first.max_side)?;
    let decoded_at = started.elapsed();
    if fail == Some(FailAt::Encode) {
        return Err(MediaError::Injected(FailAt::Encode));
    }
    let Decoded {
        kind,
        image,
        orientation,
        icc,
        gif,
    } = decoded;
    let icc = icc.as_deref();
    let animated = gif.as_ref().is_some_and(|g| g.frames > 1);
    let has_alpha = image.color().has_alpha();
    let format = match kind {
        Kind::Png => Format::Png,
        Kind::Webp if has_alpha => Format::Png,
        Kind::Gif => Format::Gif,
        _ => Format::Jpeg,
    };
    let variant_format = match format {
        Format::Gif if has_alpha => Format::Png,
        Format::Gif => Format::Jpeg,
        other => other,
    };
    let base = fit(&image, orientation, first.max_side)?;
    let fitted_at = started.elapsed();
    // The variants are made from the tier-sized pixels on a second thread while this
    // one encodes the stored image: the two are independent.
    let (stored, mut variants) = std::thread::scope(|s| {
        let variants = s.spawn(|| variants(&base, variant_format, icc));
        let stored = match gif {
            Some(gif) => Ok(Encoded {
                format,
                width: gif.width,
                height: gif.height,
                data: gif.data,
            }),
            None => optimise(&image, &base, orientation, format, first, icc),
        };
        let variants = variants
            .join()
            .map_err(|_| MediaError::Encode("making the variants panicked".into()))?;
        Ok::<_, MediaError>((stored?, variants?))
    })?;
    // A stored image shrunk to fit the byte limit drops variants now as wide as it.
    variants.retain(|(name, v)| *name == VariantName::Thumb || v.width < stored.width);
    tracing::debug!(
        decode_ms = decoded_at.as_millis() as u64,
        fit_ms = (fitted_at - decoded_at).as_millis() as u64,
        encode_ms = (started.elapsed() - fitted_at).as_millis() as u64,
        "processed a photo"
    );
    Ok(Processed {
        kind,
        stored,
        animated,
        variants,
    })
}

/// Encodes the stored image (`base`, already fitted to the `first` tier), stepping
/// down from `image` until it is under [`STORED_MAX_BYTES`].
fn optimise(
    image: &DynamicImage,
    base: &DynamicImage,
    orientation: Orientation,
    format: Format,
    first: Tier,
    icc: Option<&[u8]>,
) -> Result<Encoded, MediaError> {
    let mut last = None;
    let mut tried_side = 0;
    for t in attempts(first) {
        // PNG has no quality to lower: only the size steps change anything.
        if format == Format::Png && t.max_side == tried_side {
            continue;
        }
        tried_side = t.max_side;
        let smaller;
        let pixels = if t.max_side == first.max_side {
            base
        } else {
            smaller = fit(image, orientation, t.max_side)?;
            &smaller
        };
        let data = encode(pixels, format, t.quality, icc)?;
        let done = data.len() <= STORED_MAX_BYTES;
        last = Some(Encoded {
            format,
            width: pixels.width(),
            height: pixels.height(),
            data,
        });
        if done {
            break;
        }
    }
    last.ok_or_else(|| MediaError::Encode("no size to try".into()))
}

/// Scales `image` so its longest side is at most `max_side` (never up), then applies
/// `orientation`: resizing first leaves far fewer pixels to turn.
fn fit(
    image: &DynamicImage,
    orientation: Orientation,
    max_side: u32,
) -> Result<DynamicImage, MediaError> {
    let (w, h) = (image.width(), image.height());
    let longest = w.max(h);
    let (tw, th) = if longest <= max_side {
        (w, h)
    } else {
        let scale = f64::from(max_side) / f64::from(longest);
        (scaled(w, scale), scaled(h, scale))
    };
    let mut out = resize(image, tw, th, false)?;
    out.apply_orientation(orientation);
    Ok(out)
}

/// Makes each variant from the previous, larger one (from `large` down to `small`, and
/// the thumbnail from the smallest that covers 150×150): fewer pixels to read each time.
fn variants(
    base: &DynamicImage,
    format: Format,
    icc: Option<&[u8]>,
) -> Result<Vec<(VariantName, Encoded)>, MediaError> {
    let mut out = Vec::with_capacity(4);
    let mut source = base.clone();
    for name in [VariantName::Large, VariantName::Medium, VariantName::Small] {
        let width = name.width();
        if width >= base.width() {
            continue;
        }
        let height = scaled(
            source.height(),
            f64::from(width) / f64::from(source.width()),
        );
        let img = resize(&source, width, height, false)?;
        out.push((name, encoded(&img, format, icc)?));
        source = img;
    }
    if source.width() < 150 || source.height() < 150 {
        source = base.clone();
    }
    let side = VariantName::Thumb.width();
    let thumb = resize(&source, side, side, true)?;
    out.push((VariantName::Thumb, encoded(&thumb, format, icc)?));
    out.reverse();
    Ok(out)
}

fn encoded(img: &DynamicImage, format: Format, icc: Option<&[u8]>) -> Result<Encoded, MediaError> {
    let data = encode(img, format, VARIANT_QUALITY, icc)?;
    Ok(Encoded {
        format,
        width: img.width(),
        height: img.height(),
        data,
    })
}

fn scaled(n: u32, scale: f64) -> u32 {
    ((f64::from(n) * scale).round() as u32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_upload_size() {
        assert_eq!(
            tier(10 * MB),
            Tier {
                max_side: 2048,
                quality: 95
            }
        );
        assert_eq!(
            tier(10 * MB + 1),
            Tier {
                max_side: 1600,
                quality: 90
            }
        );
        assert_eq!(
            tier(25 * MB + 1),
            Tier {
                max_side: 1280,
                quality: 85
            }
        );
    }

    #[test]
    fn fallback_steps_quality_then_size() {
        let steps = attempts(Tier {
            max_side: 2048,
            quality: 95,
        });
        let q: Vec<u8> = steps.iter().map(|t| t.quality).collect();
        assert_eq!(&q[..6], &[95, 90, 85, 80, 75, 70]);
        assert!(steps[6..].iter().all(|t| t.quality == 70));
        assert_eq!(steps.last().map(|t| t.max_side), Some(640));
        assert!(steps.windows(2).all(|w| w[1].max_side <= w[0].max_side));
    }

    #[test]
    fn variants_skip_widths_not_below_the_source() {
        let base =
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(700, 500, image::Rgb([9, 9, 9])));
        let v = variants(&base, Format::Jpeg, None).unwrap();
        let names: Vec<_> = v
            .iter()
            .map(|(n, e)| (n.as_str(), e.width, e.height))
            .collect();
        assert_eq!(
            names,
            vec![
                ("thumb", 150, 150),
                ("small", 320, 229),
                ("medium", 640, 457)
            ]
        );
    }
}
