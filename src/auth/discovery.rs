//! IndieAuth discovery, the pure part: reading rel links from HTTP `Link` headers and
//! HTML `<link>`/`<a>` elements, reading server metadata, and choosing endpoints in the
//! order the IndieAuth specification gives. No I/O here; see `fetch` for the network.

use scraper::{Html, Selector};
use url::Url;

/// The rels sign-in looks for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rels {
    pub metadata: Option<Url>,
    pub authorization_endpoint: Option<Url>,
    pub token_endpoint: Option<Url>,
}

impl Rels {
    /// Keeps the first value seen for each rel (document order / header order).
    fn offer(&mut self, rels: &str, href: &str, base: &Url) {
        let Ok(url) = base.join(href.trim()) else {
            return;
        };
        for rel in rels.split_ascii_whitespace() {
            let slot = match rel.to_ascii_lowercase().as_str() {
                "indieauth-metadata" => &mut self.metadata,
                "authorization_endpoint" => &mut self.authorization_endpoint,
                "token_endpoint" => &mut self.token_endpoint,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(url.clone());
            }
        }
    }
}

/// Reads rel links from the values of one or more HTTP `Link` headers (RFC 8288),
/// resolving relative targets against `base` (the final URL after redirects).
pub fn parse_link_header<'a>(values: impl IntoIterator<Item = &'a str>, base: &Url) -> Rels {
    let mut rels = Rels::default();
    for value in values {
        for (target, rel) in link_values(value) {
            rels.offer(&rel, &target, base);
        }
    }
    rels
}

/// Splits one `Link` header value into `(target, rel)` pairs, honouring `<…>` targets
/// and quoted parameter values (which may hold `,` and `;`).
fn link_values(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if rest.is_empty() {
            break;
        }
        let Some(after_lt) = rest.strip_prefix('<') else {
            // Not a link: skip to the next one.
            match rest.find(',') {
                Some(i) => {
                    rest = &rest[i..];
                    continue;
                }
                None => break,
            }
        };
        let Some(end) = after_lt.find('>') else { break };
        let target = after_lt[..end].to_string();
        rest = &after_lt[end + 1..];
        let mut rel = None;
        // Parameters until the next top-level comma.
        loop {
            rest = rest.trim_start();
            let Some(after_semi) = rest.strip_prefix(';') else {
                break;
            };
            let (name, val, remaining) = link_param(after_semi);
            rest = remaining;
            if name.eq_ignore_ascii_case("rel") && rel.is_none() {
                rel = Some(val);
            }
        }
        if let Some(rel) = rel {
            out.push((target, rel));
        }
    }
    out
}

/// One `; name=value` parameter: returns name, unquoted value and the rest.
fn link_param(s: &str) -> (String, String, &str) {
    let s = s.trim_start();
    let name_end = s.find(['=', ';', ',']).unwrap_or(s.len());
    let name = s[..name_end].trim().to_string();
    let s = &s[name_end..];
    let Some(s) = s.strip_prefix('=') else {
        return (name, String::new(), s);
    };
    let s = s.trim_start();
    if let Some(quoted) = s.strip_prefix('"') {
        let mut val = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        val.push(n);
                    }
                }
                '"' => return (name, val, &quoted[i + 1..]),
                c => val.push(c),
            }
        }
        (name, val, "")
    } else {
        let end = s.find([';', ',']).unwrap_or(s.len());
        (name, s[..end].trim().to_string(), &s[end..])
    }
}

/// Reads rel links from an HTML document's `<link>` and `<a>` elements, resolving them
/// against the document's base URL (`<base href>` when present, else `url`).
pub fn parse_html_links(html: &str, url: &Url) -> Rels {
    let doc = Html::parse_document(html);
    let mut rels = Rels::default();
    each_html_link(&doc, url, |rel, href, base| rels.offer(rel, href, base));
    rels
}

/// Calls `f(rel, href, base)` for each `<link>`/`<a>` with both attributes, in
/// document order; `base` is `<base href>` resolved against `url`, else `url`.
fn each_html_link(doc: &Html, url: &Url, mut f: impl FnMut(&str, &str, &Url)) {
    let (Ok(base_sel), Ok(link_sel)) = (
        Selector::parse("base[href]"),
        Selector::parse("link[rel][href], a[rel][href]"),
    ) else {
        return;
    };
    let base = doc
        .select(&base_sel)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| url.join(h).ok())
        .unwrap_or_else(|| url.clone());
    for el in doc.select(&link_sel) {
        if let (Some(rel), Some(href)) = (el.value().attr("rel"), el.value().attr("href")) {
            f(rel, href, &base);
        }
    }
}

/// Whether a space-separated rel list holds `wanted` (ASCII case-insensitive).
fn has_rel(rels: &str, wanted: &str) -> bool {
    rels.split_ascii_whitespace()
        .any(|r| r.eq_ignore_ascii_case(wanted))
}

/// Every target of `rel` in the values of `Link` headers, in order, resolved against
/// `base` (e.g. a client's `redirect_uri` list).
pub fn header_rel_targets<'a>(
    values: impl IntoIterator<Item = &'a str>,
    base: &Url,
    rel: &str,
) -> Vec<Url> {
    values
        .into_iter()
        .flat_map(link_values)
        .filter(|(_, rels)| has_rel(rels, rel))
        .filter_map(|(target, _)| base.join(target.trim()).ok())
        .collect()
}

/// Every target of `rel` among a parsed document's `<link>`/`<a>` elements, in
/// document order, resolved as [`parse_html_links`] does.
pub fn html_rel_targets(doc: &Html, url: &Url, rel: &str) -> Vec<Url> {
    let mut out = Vec::new();
    each_html_link(doc, url, |rels, href, base| {
        if has_rel(rels, rel)
            && let Ok(u) = base.join(href.trim())
        {
            out.push(u);
        }
    });
    out
}

/// What an `indieauth-metadata` document says (RFC 8414 fields IndieAuth uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub issuer: Option<String>,
    /// `authorization_response_iss_parameter_supported` (RFC 9207): the provider
    /// promises `iss` on every authorization response.
    pub iss_parameter_supported: bool,
    pub authorization_endpoint: Url,
    pub token_endpoint: Option<Url>,
}

/// Why a metadata document was not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("it is not a JSON object")]
    NotJson,
    #[error("it names no authorization_endpoint")]
    NoAuthorizationEndpoint,
}

/// Parses server metadata; relative endpoint URLs are resolved against the metadata URL.
pub fn parse_metadata(body: &[u8], metadata_url: &Url) -> Result<Metadata, MetadataError> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|_| MetadataError::NotJson)?;
    let obj = v.as_object().ok_or(MetadataError::NotJson)?;
    let url_field = |k: &str| {
        obj.get(k)
            .and_then(|v| v.as_str())
            .and_then(|s| metadata_url.join(s).ok())
    };
    Ok(Metadata {
        issuer: obj
            .get("issuer")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        iss_parameter_supported: obj
            .get("authorization_response_iss_parameter_supported")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
        authorization_endpoint: url_field("authorization_endpoint")
            .ok_or(MetadataError::NoAuthorizationEndpoint)?,
        token_endpoint: url_field("token_endpoint"),
    })
}

/// Combines header and HTML rels in specification order: `indieauth-metadata` (header,
/// then HTML) wins; otherwise `authorization_endpoint` / `token_endpoint` (header, then
/// HTML). Returns `(metadata, authorization_endpoint, token_endpoint)` as found.
pub fn choose(header: &Rels, html: &Rels) -> Rels {
    if let Some(m) = header.metadata.clone().or_else(|| html.metadata.clone()) {
        return Rels {
            metadata: Some(m),
            ..Rels::default()
        };
    }
    Rels {
        metadata: None,
        authorization_endpoint: header
            .authorization_endpoint
            .clone()
            .or_else(|| html.authorization_endpoint.clone()),
        token_endpoint: header
            .token_endpoint
            .clone()
            .or_else(|| html.token_endpoint.clone()),
    }
}

/// The media type of a `Content-Type` value, lowercased, without its parameters
/// (`text/html; charset=utf-8` → `text/html`).
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a `Content-Type` is worth parsing as HTML (absent counts as HTML).
pub fn is_html(content_type: Option<&str>) -> bool {
    match content_type {
        None => true,
        Some(ct) => {
            let ct = media_type(ct);
            ct.is_empty() || ct == "text/html" || ct == "application/xhtml+xml"
        }
    }
}

#[cfg(test)]
#[path = "discovery_tests.rs"]
mod tests;
