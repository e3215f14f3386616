//! `Accept` header negotiation with q-values (RFC 9110 §12.5.1) for `/feed`.

/// The feed formats this site offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    /// Media types that select each format, most specific first.
    fn media_types(self) -> &'static [&'static str] {
        match self {
            Format::Rss => &["application/rss+xml", "application/xml", "text/xml"],
            Format::Atom => &["application/atom+xml"],
            Format::Json => &["application/feed+json", "application/json"],
        }
    }
}

/// Server preference when the client likes several formats equally.
const OFFERED: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

struct Range<'a> {
    kind: &'a str,
    sub: &'a str,
    q: f32,
}

fn parse(accept: &str) -> Vec<Range<'_>> {
    accept
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let media = pieces.next()?.trim();
            let (kind, sub) = media.split_once('/')?;
            let (kind, sub) = (kind.trim(), sub.trim());
            if kind.is_empty() || sub.is_empty() || (kind == "*" && sub != "*") {
                return None;
            }
            let mut q = 1.0f32;
            for p in pieces {
                if let Some((k, v)) = p.split_once('=')
                    && k.trim().eq_ignore_ascii_case("q")
                {
                    q = v
                        .trim()
                        .parse::<f32>()
                        .ok()
                        .filter(|q| (0.0..=1.0).contains(q))?;
                }
            }
            Some(Range { kind, sub, q })
        })
        .collect()
}

/// The most specific range matching `media`, as `(specificity, q)`.
fn quality(ranges: &[Range<'_>], media: &str) -> Option<(u8, f32)> {
    let (kind, sub) = media.split_once('/').unwrap_or((media, ""));
    let mut best: Option<(u8, f32)> = None;
    for r in ranges {
        let specificity = if r.kind.eq_ignore_ascii_case(kind) && r.sub.eq_ignore_ascii_case(sub) {
            3
        } else if r.kind.eq_ignore_ascii_case(kind) && r.sub == "*" {
            2
        } else if r.kind == "*" && r.sub == "*" {
            1
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, r.q));
        }
    }
    best
}

/// Picks the format for an `Accept` header; no header means RSS; `None` means 406.
pub fn choose(accept: Option<&str>) -> Option<Format> {
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Some(Format::Rss);
    };
    let ranges = parse(accept);
    let mut best: Option<(Format, f32)> = None;
    for f in OFFERED {
        // The most specific mention of any of the format's types decides (so an explicit
        // `application/rss+xml;q=0` is not overridden by `*/*` matching `text/xml`).
        let q = f
            .media_types()
            .iter()
            .filter_map(|m| quality(&ranges, m))
            .fold(None::<(u8, f32)>, |acc, (s, q)| match acc {
                Some((bs, bq)) if bs > s || (bs == s && bq >= q) => Some((bs, bq)),
                _ => Some((s, q)),
            })
            .map(|(_, q)| q)
            .unwrap_or(0.0);
        if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
            best = Some((f, q));
        }
    }
    best.map(|(f, _)| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_wildcards() {
        assert_eq!(choose(None), Some(Format::Rss));
        assert_eq!(choose(Some("*/*")), Some(Format::Rss));
        assert_eq!(choose(Some("application/*")), Some(Format::Rss));
    }

    #[test]
    fn exact_types() {
        assert_eq!(choose(Some("application/atom+xml")), Some(Format::Atom));
        assert_eq!(choose(Some("application/feed+json")), Some(Format::Json));
        assert_eq!(choose(Some("application/json")), Some(Format::Json));
        assert_eq!(choose(Some("text/xml")), Some(Format::Rss));
        assert_eq!(choose(Some("text/*")), Some(Format::Rss));
    }

    #[test]
    fn q_values_rank() {
        assert_eq!(
            choose(Some(
                "application/rss+xml;q=0.5, application/atom+xml;q=0.9"
            )),
            Some(Format::Atom)
        );
        assert_eq!(
            choose(Some("application/atom+xml, */*;q=0.1")),
            Some(Format::Atom)
        );
        assert_eq!(
            choose(Some("application/rss+xml;q=0, */*")),
            Some(Format::Atom)
        );
    }

    #[test]
    fn nothing_acceptable() {
        assert_eq!(choose(Some("text/html")), None);
        assert_eq!(choose(Some("garbage")), None);
        assert_eq!(choose(Some(";;;,,,q=")), None);
        assert_eq!(choose(Some("application/atom+xml;q=2")), None);
        assert_eq!(choose(Some("image/png, video/*")), None);
    }
}
