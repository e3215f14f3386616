//! The owner's representative h-card, read with a small microformats2 subset: the
//! `h-card` whose `u-url` is the profile URL, else the only top-level `h-card`; its
//! `p-name`, `u-photo`, `u-url`, `p-note` (name implied from text when absent), and the
//! page's `rel=me` links. Pure: no I/O.

use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::auth::urls::same_profile;

/// What the owner says about themself on their home page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Card {
    pub name: String,
    pub url: Option<String>,
    pub photo: Option<String>,
    pub note: Option<String>,
    pub rel_me: Vec<String>,
}

const MAX_REL_ME: usize = 20;

/// The representative h-card of the page at `page_url` (the URL after redirects), for
/// the owner `me`; `None` when the page has no card that clearly is the owner's.
pub fn representative(html: &str, page_url: &Url, me: &Url) -> Option<Card> {
    let doc = Html::parse_document(html);
    let cards_sel = Selector::parse(".h-card").ok()?;
    let cards: Vec<ElementRef> = doc.select(&cards_sel).collect();
    let by_url = cards.iter().find(|c| {
        prop_values(**c, "u-url", page_url)
            .iter()
            .any(|u| same_profile(u, page_url.as_str()) || same_profile(u, me.as_str()))
    });
    let card = match by_url {
        Some(c) => *c,
        None => {
            let mut top = cards.iter().filter(|c| !has_root_ancestor(**c));
            match (top.next(), top.next()) {
                (Some(only), None) => *only,
                _ => return None,
            }
        }
    };
    let mut out = Card {
        name: first_prop(card, "p-name", page_url).unwrap_or_else(|| implied_name(card)),
        url: first_prop(card, "u-url", page_url).or_else(|| implied_url(card, page_url)),
        photo: first_prop(card, "u-photo", page_url).or_else(|| implied_photo(card, page_url)),
        note: first_prop(card, "p-note", page_url).filter(|n| !n.is_empty()),
        rel_me: rel_me(&doc, page_url),
    };
    out.name = out.name.chars().take(200).collect();
    Some(out)
}

fn is_root(el: ElementRef) -> bool {
    el.value()
        .classes()
        .any(|c| c.starts_with("h-") && c.len() > 2)
}

/// Whether `el` sits inside another microformat (so it is not a top-level one).
pub(crate) fn has_root_ancestor(el: ElementRef) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).any(is_root)
}

/// Whether `el` is a property of `card` rather than of a microformat nested inside it.
fn belongs_to(el: ElementRef, card: ElementRef) -> bool {
    for a in el.ancestors().filter_map(ElementRef::wrap) {
        if a == card {
            return true;
        }
        if is_root(a) {
            return false;
        }
    }
    false
}

fn owned<'a>(card: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    card.descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .filter(move |e| belongs_to(*e, card))
}

fn prop_values(card: ElementRef, class: &str, base: &Url) -> Vec<String> {
    owned(card)
        .filter(|e| e.value().classes().any(|c| c == class))
        .filter_map(|e| value_of(e, class, base))
        .collect()
}

/// The first value of property `class` (`p-name`, `u-url`…) of the microformat `card`,
/// ignoring properties of microformats nested in it.
pub(crate) fn first_prop(card: ElementRef, class: &str, base: &Url) -> Option<String> {
    prop_values(card, class, base).into_iter().next()
}

/// The value of one property element, by the mf2 parsing rules for its prefix.
fn value_of(el: ElementRef, class: &str, base: &Url) -> Option<String> {
    let v = el.value();
    if class.starts_with("u-") {
        let attr = match v.name() {
            "a" | "area" | "link" => v.attr("href"),
            "img" | "audio" | "video" | "source" => v.attr("src"),
            "object" => v.attr("data"),
            _ => None,
        };
        let raw = attr.map(str::to_string).unwrap_or_else(|| text(el));
        return base.join(raw.trim()).ok().map(|u| u.to_string());
    }
    let s = match v.name() {
        "img" | "area" => v.attr("alt").map(str::to_string),
        "abbr" => v.attr("title").map(str::to_string),
        _ => None,
    };
    Some(s.unwrap_or_else(|| text(el)))
}

fn text(el: ElementRef) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The mf2 implied name of `card` (its `alt`, `title` or text).
pub(crate) fn implied_name(card: ElementRef) -> String {
    let v = card.value();
    match v.name() {
        "img" | "area" => v.attr("alt").map(str::to_string).unwrap_or_default(),
        "abbr" => v.attr("title").map(str::to_string).unwrap_or_default(),
        _ => text(card),
    }
}

fn implied_photo(card: ElementRef, base: &Url) -> Option<String> {
    let src = if card.value().name() == "img" {
        card.value().attr("src")
    } else {
        let mut imgs =
            owned(card).filter(|e| e.value().name() == "img" && e.value().attr("src").is_some());
        match (imgs.next(), imgs.next()) {
            (Some(one), None) => one.value().attr("src"),
            _ => None,
        }
    }?;
    base.join(src.trim()).ok().map(|u| u.to_string())
}

fn implied_url(card: ElementRef, base: &Url) -> Option<String> {
    let href = if card.value().name() == "a" {
        card.value().attr("href")
    } else {
        let mut links = card
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "a");
        match (links.next(), links.next()) {
            (Some(one), None) => one.value().attr("href"),
            _ => None,
        }
    }?;
    base.join(href.trim()).ok().map(|u| u.to_string())
}

fn rel_me(doc: &Html, base: &Url) -> Vec<String> {
    let Ok(sel) = Selector::parse("a[rel][href], link[rel][href]") else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for el in doc.select(&sel) {
        let is_me = el.value().attr("rel").is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("me"))
        });
        if let (true, Some(href)) = (is_me, el.value().attr("href"))
            && let Ok(u) = base.join(href.trim())
            && !out.contains(&u.to_string())
            && out.len() < MAX_REL_ME
        {
            out.push(u.to_string());
        }
    }
    out
}

#[cfg(test)]
#[path = "hcard_tests.rs"]
mod tests;
