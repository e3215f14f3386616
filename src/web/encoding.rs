//! Content codings for cached responses: each body is compressed at most once per
//! coding, by the first request that accepts it (brotli and gzip, each kept only if
//! smaller), and every later request only picks one by its `Accept-Encoding`.
//! Compressing per request is what costs nginx most of its speed with `gzip on`; here a
//! hit costs what an uncompressed one does, and a client that asks for no coding (or a
//! search nobody repeats) costs no compression at all.

use std::io::Write;

use axum::http::{HeaderMap, HeaderValue, header};
use bytes::Bytes;

/// Bodies below this are sent as they are: the saving would not pay for the coding's
/// header and the client's work.
pub const MIN_COMPRESS: usize = 1024;

/// Brotli quality 5 with a 4 MiB window: close to gzip -9 in size (and well below
/// gzip -6) at a few milliseconds for a 42 KB feed, so a write-triggered miss stays
/// cheap; quality 11 would take ~50× longer.
const BROTLI_QUALITY: i32 = 5;
const BROTLI_WINDOW: i32 = 22;
/// gzip's usual level (nginx's `gzip_comp_level 6` peer in the bench).
const GZIP_LEVEL: u32 = 6;

/// A content coding a cached body may be sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Br,
    Gzip,
}

impl Coding {
    /// The `Content-Encoding` value, none for identity.
    pub fn header(self) -> Option<HeaderValue> {
        match self {
            Coding::Identity => None,
            Coding::Br => Some(HeaderValue::from_static("br")),
            Coding::Gzip => Some(HeaderValue::from_static("gzip")),
        }
    }

    /// What the entity tag gets appended, so each coding has its own strong tag.
    pub fn etag_suffix(self) -> &'static str {
        match self {
            Coding::Identity => "",
            Coding::Br => "-br",
            Coding::Gzip => "-gz",
        }
    }
}

/// Whether a body of this media type is worth compressing: text, markup and JSON.
/// Images, audio and video are compressed already.
pub fn compressible(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    mime.starts_with("text/")
        || mime.ends_with("+xml")
        || mime.ends_with("+json")
        || matches!(
            mime.as_str(),
            "application/xml" | "application/json" | "application/javascript" | "image/svg+xml"
        )
}

/// The body in brotli, if that is smaller.
pub fn brotli(body: &[u8]) -> Option<Bytes> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        size_hint: body.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(body.len() / 4);
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

/// The body in gzip, if that is smaller.
pub fn gzip(body: &[u8]) -> Option<Bytes> {
    let out = Vec::with_capacity(body.len() / 3);
    let mut enc = flate2::write::GzEncoder::new(out, flate2::Compression::new(GZIP_LEVEL));
    enc.write_all(body).ok()?;
    let out = enc.finish().ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

/// The coding to send, given which compressed versions exist: the highest `q` the
/// client gives (RFC 9110 §12.5.3, with `*`), ties going to brotli, then gzip, then
/// identity. No header means identity. When the client refuses identity and nothing
/// else fits, identity is still sent (a 406 would help no one).
pub fn negotiate(headers: &HeaderMap, has_br: bool, has_gzip: bool) -> Coding {
    let Some(accept) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Coding::Identity;
    };
    let (mut br, mut gz, mut id, mut star) = (None, None, None, None);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let slot = if name.eq_ignore_ascii_case("br") {
            &mut br
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            &mut gz
        } else if name.eq_ignore_ascii_case("identity") {
            &mut id
        } else if name == "*" {
            &mut star
        } else {
            continue;
        };
        *slot = Some(q);
    }
    let br = if has_br {
        br.or(star).unwrap_or(0.0)
    } else {
        0.0
    };
    let gz = if has_gzip {
        gz.or(star).unwrap_or(0.0)
    } else {
        0.0
    };
    // Identity unnamed is acceptable but preferred least (RFC 9110 gives it no weight);
    // named, or matched by `*`, it competes by its q like the others.
    let best = if br > 0.0 && br >= gz {
        Some((Coding::Br, br))
    } else if gz > 0.0 {
        Some((Coding::Gzip, gz))
    } else {
        None
    };
    match (best, id.or(star)) {
        (Some((_, q)), Some(id)) if id > q => Coding::Identity,
        (Some((coding, _)), _) => coding,
        (None, _) => Coding::Identity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: &str) -> Coding {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        negotiate(&h, true, true)
    }

    #[test]
    fn negotiation_follows_q_values() {
        assert_eq!(negotiate(&HeaderMap::new(), true, true), Coding::Identity);
        assert_eq!(pick("gzip, deflate, br"), Coding::Br);
        assert_eq!(pick("gzip"), Coding::Gzip);
        assert_eq!(pick("identity"), Coding::Identity);
        assert_eq!(pick(""), Coding::Identity);
        assert_eq!(pick("br;q=0, gzip"), Coding::Gzip);
        assert_eq!(pick("br;q=0.5, gzip;q=1"), Coding::Gzip);
        assert_eq!(pick("br;q=0.4, gzip;q=0.8"), Coding::Gzip);
        assert_eq!(pick("identity;q=0, gzip"), Coding::Gzip);
        assert_eq!(pick("gzip;q=0, br;q=0"), Coding::Identity);
        assert_eq!(pick("*"), Coding::Br);
        assert_eq!(pick("*;q=0, identity"), Coding::Identity);
        assert_eq!(pick("br;q=0.2, identity;q=0.5"), Coding::Identity);
        assert_eq!(pick("deflate"), Coding::Identity);
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("br, gzip"),
        );
        assert_eq!(negotiate(&h, false, true), Coding::Gzip);
        assert_eq!(negotiate(&h, false, false), Coding::Identity);
    }

    #[test]
    fn only_text_types_are_compressed() {
        assert!(compressible("text/html; charset=utf-8"));
        assert!(compressible("application/atom+xml; charset=utf-8"));
        assert!(compressible("application/feed+json"));
        assert!(compressible("text/x-opml; charset=utf-8"));
        assert!(!compressible("image/jpeg"));
        assert!(!compressible("application/octet-stream"));
    }

    #[test]
    fn compressing_a_feed_sized_body_is_cheap_and_smaller() {
        // About the size of /feed.atom with 2,000 notes (42 KB).
        let body: String = (0..420)
            .map(|i| {
                format!(
                    "<entry><id>https://b.example/note/{i}</id><title>Note {i}</title>\
                     <updated>2026-11-{:02}T10:00:00Z</updated></entry>\n",
                    i % 28 + 1
                )
            })
            .collect();
        let started = std::time::Instant::now();
        let br = brotli(body.as_bytes()).unwrap();
        let gz = gzip(body.as_bytes()).unwrap();
        let took = started.elapsed();
        eprintln!(
            "{} B: br {} B, gzip {} B in {took:?}",
            body.len(),
            br.len(),
            gz.len()
        );
        assert!(br.len() < body.len() / 5 && gz.len() < body.len() / 5);
        // A few ms optimised (Cargo.toml builds both codecs at opt-level 3 in tests
        // too); generous for a shared machine.
        assert!(took < std::time::Duration::from_millis(100), "{took:?}");
        assert!(brotli(b"ab").is_none(), "kept only if smaller");
    }
}
