//! A small bounded cache of rendered public responses (pages and feeds), invalidated by
//! every write through the site's [`Generation`], plus conditional-GET handling
//! (`ETag` / `If-None-Match`, `Last-Modified` / `If-Modified-Since` → 304), and the
//! choice among the body's content codings (see [`crate::web::encoding`]).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::generation::Generation;
use crate::web::encoding::{self, Coding};

/// Room for the headers a cached response ends up with: up to five of its own, five
/// from the site layer, and a `Set-Cookie` or `Vary` to spare.
const RESPONSE_HEADERS: usize = 12;

/// A rendered response body with its validators, and its compressed versions.
#[derive(Debug)]
pub struct Cached {
    /// The identity (uncompressed) body.
    pub body: Bytes,
    pub content_type: &'static str,
    pub etag: HeaderValue,
    pub last_modified: Option<HeaderValue>,
    pub cache_control: &'static str,
    /// Whether the response varies by `Accept` (the negotiated `/feed`).
    pub vary_accept: bool,
    /// Whether the body is text large enough to be worth compressing.
    compressible: bool,
    /// The body's digest, hex, from which each coding's entity tag is made.
    hash: String,
    /// The body in brotli and in gzip, each made by the first request that asks for it
    /// (a client that accepts neither costs no compression) and then kept with the
    /// entry; `None` inside when the coding did not make the body smaller.
    br: OnceLock<Option<Variant>>,
    gzip: OnceLock<Option<Variant>>,
    generation: u64,
    made: Instant,
}

/// A compressed body and its own strong entity tag.
#[derive(Debug)]
struct Variant {
    body: Bytes,
    etag: HeaderValue,
}

impl Cached {
    /// Wraps a freshly rendered body, computing a strong ETag from its bytes. For text
    /// above [`encoding::MIN_COMPRESS`], its brotli and gzip versions are made once
    /// each, by the first request that accepts that coding, rather than per request.
    pub fn new(
        body: impl Into<Bytes>,
        content_type: &'static str,
        last_modified: Option<DateTime<Utc>>,
    ) -> Self {
        let body = body.into();
        let digest = Sha256::digest(&body);
        let hash = hex(&digest[..16]);
        let tag = format!("\"{hash}\"");
        let compressible =
            body.len() >= encoding::MIN_COMPRESS && encoding::compressible(content_type);
        Cached {
            compressible,
            hash,
            br: OnceLock::new(),
            gzip: OnceLock::new(),
            etag: HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"0\"")),
            last_modified: last_modified.and_then(|t| {
                let st = SystemTime::UNIX_EPOCH + Duration::from_secs(t.timestamp().max(0) as u64);
                HeaderValue::from_str(&httpdate::fmt_http_date(st)).ok()
            }),
            body,
            content_type,
            cache_control: "public, max-age=60",
            vary_accept: false,
            generation: 0,
            made: Instant::now(),
        }
    }

    /// Marks the response as varying by `Accept`.
    pub fn varying_by_accept(mut self) -> Self {
        self.vary_accept = true;
        self
    }

    /// The response for a request with `headers`: in the coding its `Accept-Encoding`
    /// prefers, or 304 when the client's copy of that coding is current.
    pub fn respond(&self, headers: &HeaderMap) -> Response<Body> {
        let mut negotiated = encoding::negotiate(headers, self.compressible, self.compressible);
        let mut variant = self.variant(negotiated);
        // A coding that did not make the body smaller is not kept: when brotli did not,
        // gzip may still, if the client takes it; else identity.
        if variant.is_none() && negotiated == Coding::Br {
            negotiated = encoding::negotiate(headers, false, self.compressible);
            variant = self.variant(negotiated);
        }
        let (coding, body, etag) = match variant {
            Some(v) => (negotiated, &v.body, &v.etag),
            None => (Coding::Identity, &self.body, &self.etag),
        };
        let not_modified = is_not_modified(headers, etag, self.last_modified.as_ref());
        let mut res = if not_modified {
            Response::new(Body::empty())
        } else {
            Response::new(Body::from(body.clone()))
        };
        if not_modified {
            *res.status_mut() = StatusCode::NOT_MODIFIED;
        }
        // Sized once for these and the site headers added on the way out, rather than
        // grown (and re-hashed) twice per response.
        *res.headers_mut() = HeaderMap::with_capacity(RESPONSE_HEADERS);
        let h = res.headers_mut();
        if !not_modified {
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            if let Some(ce) = coding.header() {
                h.insert(header::CONTENT_ENCODING, ce);
            }
        }
        h.insert(header::ETAG, etag.clone());
        if let Some(lm) = &self.last_modified {
            h.insert(header::LAST_MODIFIED, lm.clone());
        }
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        // Only a compressible entry is negotiated by encoding; a 304 and an identity
        // answer carry the Vary too, so no cache hands them to the others.
        let vary = match (self.vary_accept, self.compressible) {
            (true, true) => Some("Accept, Accept-Encoding"),
            (true, false) => Some("Accept"),
            (false, true) => Some("Accept-Encoding"),
            (false, false) => None,
        };
        if let Some(vary) = vary {
            h.insert(header::VARY, HeaderValue::from_static(vary));
        }
        res
    }
}

impl Cached {
    /// The body in `coding`, compressed by the first request that asks for it; `None`
    /// for identity, for a body not worth compressing, or when the coding would not
    /// make it smaller.
    fn variant(&self, coding: Coding) -> Option<&Variant> {
        type Compress = fn(&[u8]) -> Option<Bytes>;
        let (slot, compress): (_, Compress) = match coding {
            Coding::Identity => return None,
            Coding::Br => (&self.br, encoding::brotli),
            Coding::Gzip => (&self.gzip, encoding::gzip),
        };
        if !self.compressible {
            return None;
        }
        slot.get_or_init(|| {
            let etag = format!("\"{}{}\"", self.hash, coding.etag_suffix());
            Some(Variant {
                body: compress(&self.body)?,
                etag: HeaderValue::from_str(&etag).ok()?,
            })
        })
        .as_ref()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 9110 evaluation: `If-None-Match` (weak comparison) wins over `If-Modified-Since`.
pub fn is_not_modified(
    headers: &HeaderMap,
    etag: &HeaderValue,
    last_modified: Option<&HeaderValue>,
) -> bool {
    if let Some(inm) = headers.get(header::IF_NONE_MATCH) {
        let Ok(inm) = inm.to_str() else { return false };
        let ours = etag.to_str().unwrap_or_default().trim_start_matches("W/");
        return inm
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == ours);
    }
    if let (Some(ims), Some(lm)) = (headers.get(header::IF_MODIFIED_SINCE), last_modified) {
        let parse = |v: &HeaderValue| {
            v.to_str()
                .ok()
                .and_then(|s| httpdate::parse_http_date(s).ok())
        };
        if let (Some(ims), Some(lm)) = (parse(ims), parse(lm)) {
            return lm <= ims;
        }
    }
    false
}

/// Bounded map from request key (path + query) to a rendered response.
#[derive(Debug)]
pub struct ResponseCache {
    generation: Arc<Generation>,
    max_entries: usize,
    ttl: Duration,
    enabled: bool,
    map: Mutex<HashMap<String, Arc<Cached>>>,
}

impl ResponseCache {
    pub fn new(
        generation: Arc<Generation>,
        max_entries: usize,
        ttl: Duration,
        enabled: bool,
    ) -> Self {
        ResponseCache {
            generation,
            max_entries: max_entries.max(1),
            ttl,
            enabled: enabled && !ttl.is_zero(),
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The cached response for `key` if still current, else builds, stores and returns it.
    /// The generation is read before building, so a write during the build leaves the
    /// entry already stale rather than hiding the write.
    pub async fn get_or_build<F, Fut, E>(&self, key: &str, build: F) -> Result<Arc<Cached>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Cached, E>>,
    {
        let generation = self.generation.get();
        if self.enabled
            && let Some(hit) = self.lookup(key, generation)
        {
            return Ok(hit);
        }
        let mut fresh = build().await?;
        fresh.generation = generation;
        fresh.made = Instant::now();
        let fresh = Arc::new(fresh);
        if self.enabled {
            self.store(key, fresh.clone());
        }
        Ok(fresh)
    }

    fn lookup(&self, key: &str, generation: u64) -> Option<Arc<Cached>> {
        let map = self.map.lock().ok()?;
        let hit = map.get(key)?;
        (hit.generation == generation && hit.made.elapsed() < self.ttl).then(|| hit.clone())
    }

    fn store(&self, key: &str, value: Arc<Cached>) {
        let Ok(mut map) = self.map.lock() else { return };
        if map.len() >= self.max_entries && !map.contains_key(key) {
            let current = self.generation.get();
            map.retain(|_, v| v.generation == current && v.made.elapsed() < self.ttl);
            if map.len() >= self.max_entries
                && let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, v)| v.made)
                    .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(key.to_string(), value);
    }

    /// Number of entries held (for tests).
    pub fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hv(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).unwrap()
    }

    #[test]
    fn a_coding_is_made_once_by_the_first_request_that_asks_for_it() {
        let c = Cached::new("<p>hello</p>".repeat(200), "text/html; charset=utf-8", None);
        let plain = c.respond(&HeaderMap::new());
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(plain.headers()[header::VARY], "Accept-Encoding");
        assert!(
            c.br.get().is_none() && c.gzip.get().is_none(),
            "nothing compressed"
        );

        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, hv("gzip"));
        let gz = c.respond(&h);
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        assert!(
            c.gzip.get().is_some() && c.br.get().is_none(),
            "only gzip made"
        );
        let first = c
            .gzip
            .get()
            .and_then(Option::as_ref)
            .map(|v| v.body.as_ptr());
        c.respond(&h);
        let again = c
            .gzip
            .get()
            .and_then(Option::as_ref)
            .map(|v| v.body.as_ptr());
        assert_eq!(first, again, "made once, then kept");
        assert_ne!(gz.headers()[header::ETAG], plain.headers()[header::ETAG]);
    }

    #[test]
    fn when_brotli_does_not_shrink_the_body_gzip_still_may() {
        let c = Cached::new("<p>hello</p>".repeat(200), "text/html; charset=utf-8", None);
        // As if brotli had made the body larger (and so was not kept).
        c.br.set(None).unwrap();
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, hv("br, gzip"));
        let res = c.respond(&h);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
        h.insert(header::ACCEPT_ENCODING, hv("br"));
        let res = c.respond(&h);
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    }

    #[test]
    fn etag_matching() {
        let etag = hv("\"abc\"");
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, hv("\"x\", W/\"abc\""));
        assert!(is_not_modified(&h, &etag, None));
        h.insert(header::IF_NONE_MATCH, hv("\"x\""));
        assert!(!is_not_modified(&h, &etag, None));
        h.insert(header::IF_NONE_MATCH, hv("*"));
        assert!(is_not_modified(&h, &etag, None));
    }

    #[test]
    fn if_modified_since() {
        let etag = hv("\"abc\"");
        let lm = hv("Sat, 28 Nov 2026 04:13:17 GMT");
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_MODIFIED_SINCE,
            hv("Sat, 28 Nov 2026 04:13:17 GMT"),
        );
        assert!(is_not_modified(&h, &etag, Some(&lm)));
        h.insert(
            header::IF_MODIFIED_SINCE,
            hv("Fri, 27 Nov 2026 04:13:17 GMT"),
        );
        assert!(!is_not_modified(&h, &etag, Some(&lm)));
        h.insert(header::IF_MODIFIED_SINCE, hv("garbage"));
        assert!(!is_not_modified(&h, &etag, Some(&lm)));
    }

    #[tokio::test]
    async fn writes_invalidate_and_size_is_bounded() {
        let g = Arc::new(Generation::default());
        let cache = ResponseCache::new(g.clone(), 2, Duration::from_secs(60), true);
        let build = |s: &'static str| {
            move || async move { Ok::<_, ()>(Cached::new(s, "text/plain", None)) }
        };
        let a = cache.get_or_build("a", build("one")).await.unwrap();
        let a2 = cache.get_or_build("a", build("two")).await.unwrap();
        assert_eq!(a.body, a2.body);
        g.bump();
        let a3 = cache.get_or_build("a", build("three")).await.unwrap();
        assert_eq!(&a3.body[..], b"three");
        cache.get_or_build("b", build("b")).await.unwrap();
        cache.get_or_build("c", build("c")).await.unwrap();
        assert!(cache.len() <= 2);
    }
}
