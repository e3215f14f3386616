//! Markdown → HTML: CommonMark with GFM tables, strikethrough, autolinks and footnotes
//! (comrak), then sanitised (ammonia) with every relative URL made absolute against the
//! note's permalink, so the same HTML is right on pages and in feeds.

use std::sync::OnceLock;

use comrak::{Options, markdown_to_html};

/// A note's Markdown split into its optional leading `# Heading` and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub title: Option<String>,
    pub body: &'a str,
}

/// Finds a leading level-1 ATX heading (`# Title`); returns it and the remaining text.
pub fn split_title(md: &str) -> Split<'_> {
    let trimmed = md.trim_start_matches(['\n', '\r', ' ', '\t']);
    let line_end = trimmed.find('\n').unwrap_or(trimmed.len());
    let line = trimmed[..line_end].trim_end_matches('\r');
    if let Some(rest) = line.strip_prefix("# ") {
        let title = rest.trim().trim_end_matches('#').trim();
        if !title.is_empty() {
            return Split {
                title: Some(title.to_string()),
                body: &trimmed[line_end..],
            };
        }
    }
    Split {
        title: None,
        body: md,
    }
}

fn options() -> &'static Options<'static> {
    static OPTS: OnceLock<Options<'static>> = OnceLock::new();
    OPTS.get_or_init(|| {
        let mut o = Options::default();
        o.extension.table = true;
        o.extension.strikethrough = true;
        o.extension.autolink = true;
        o.extension.footnotes = true;
        // Raw HTML is passed through here and made safe by ammonia below.
        o.render.r#unsafe = true;
        o
    })
}

/// Renders Markdown to sanitised HTML with URLs absolute against `base` (the permalink).
pub fn render(md: &str, base: &url::Url) -> String {
    let raw = markdown_to_html(md, options());
    sanitize(&raw, base)
}

/// Sanitises HTML a writer sent (Micropub `{"html": …}`) exactly as rendered Markdown
/// is: the same allowed subset, the same absolute URLs, so an HTML note can do no more
/// on a page or in a feed than a Markdown one.
pub fn render_html(html: &str, base: &url::Url) -> String {
    sanitize(html, base)
}

fn sanitize(html: &str, base: &url::Url) -> String {
    let mut b = ammonia::Builder::default();
    b.add_tags(["section", "sup", "input"])
        .add_tag_attributes("section", ["class"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("a", ["id", "class"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("td", ["align"])
        .add_tag_attributes("th", ["align"])
        .add_tag_attributes("code", ["class"])
        .link_rel(Some("noopener"))
        .url_relative(ammonia::UrlRelative::RewriteWithBase(base.clone()));
    b.clean(html).to_string()
}

/// Text content of an HTML fragment (tags dropped, entities for `&<>"'` decoded),
/// with whitespace collapsed. Used for word counts, summaries and titles in feeds.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Number of words in the text of an HTML fragment.
pub fn word_count(html: &str) -> usize {
    html_to_text(html).split_whitespace().count()
}

/// The first `max` characters of `text`, cut at a word boundary, with an ellipsis.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> url::Url {
        url::Url::parse("https://ex.com/note/hello").unwrap()
    }

    #[test]
    fn heading_becomes_title() {
        let s = split_title("# Hello *there*\n\nBody text");
        assert_eq!(s.title.as_deref(), Some("Hello *there*"));
        assert_eq!(s.body.trim(), "Body text");
        assert_eq!(split_title("## Not a title\nx").title, None);
        assert_eq!(split_title("#hashtag only").title, None);
        assert_eq!(split_title("Just text").body, "Just text");
    }

    #[test]
    fn gfm_extensions() {
        let html = render(
            "| a | b |\n|---|---|\n| c | d |\n\n~~gone~~ https://example.org x[^1]\n\n[^1]: note",
            &base(),
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>gone</del>"), "{html}");
        assert!(html.contains(r#"href="https://example.org""#), "{html}");
        assert!(html.contains("footnote"), "{html}");
    }

    #[test]
    fn raw_html_is_sanitised() {
        let html = render(
            "hi <script>alert(1)</script> <a href=\"javascript:x\" onclick=\"y\">l</a>",
            &base(),
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn relative_urls_become_absolute() {
        let html = render("[x](/about) ![i](/media/a.jpg)", &base());
        assert!(html.contains(r#"href="https://ex.com/about""#), "{html}");
        assert!(
            html.contains(r#"src="https://ex.com/media/a.jpg""#),
            "{html}"
        );
    }

    #[test]
    fn html_content_shares_the_sanitiser() {
        let html = render_html(
            "<p class=\"x\" onclick=\"y\">Hi <a href=\"/about\">a</a></p>\
             <script>alert(1)</script><a href=\"javascript:x\">j</a>\
             <img src=\"/m.jpg\" onerror=\"z\">",
            &base(),
        );
        assert!(
            html.starts_with("<p>Hi <a href=\"https://ex.com/about\""),
            "{html}"
        );
        for bad in ["<script", "onclick", "onerror", "javascript:"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains(r#"src="https://ex.com/m.jpg""#), "{html}");
    }

    #[test]
    fn text_and_counts() {
        assert_eq!(html_to_text("<p>a &amp; <b>b</b></p>"), "a & b");
        assert_eq!(word_count("<p>one two</p><p>three</p>"), 3);
        assert_eq!(excerpt("hello wonderful world", 18), "hello wonderful…");
        assert_eq!(excerpt("short", 18), "short");
    }
}
