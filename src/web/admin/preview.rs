//! `POST /admin/preview`: the editor's text rendered as it will look, Markdown or (for a
//! note a Micropub client sent as HTML) sanitised HTML. Stores nothing.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::editor::{Page, PreviewView, error_page_only, render_page, view_of_form};
use super::form::{self, Purpose};
use super::list::note_by_id;
use crate::app::AppState;
use crate::auth::session::AdminSession;
use crate::domain::ContentKind;
use crate::domain::markdown::{render, render_html, split_title};
use crate::error::{AppError, Result};
use crate::notes::explicit_name;

/// The preview of `content`: Markdown with its leading `# Heading` as the title, or
/// HTML as it is (an HTML note's title is its explicit name, `name`).
pub fn preview_of(
    content: &str,
    kind: ContentKind,
    name: Option<&str>,
    base: &url::Url,
) -> PreviewView {
    match kind {
        ContentKind::Html => PreviewView {
            title: name.map(str::to_string),
            html: render_html(content, base),
        },
        ContentKind::Markdown => {
            let split = split_title(content);
            let body = if split.title.is_some() {
                split.body
            } else {
                content
            };
            PreviewView {
                html: render(body, base),
                title: split.title,
            }
        }
    }
}

/// `POST /admin/preview`: renders the text as it will look, keeps every value, stores
/// nothing (chosen files are not uploaded by a preview).
pub async fn preview(
    State(s): State<AppState>,
    session: AdminSession,
    mp: Multipart,
) -> Result<Response> {
    let f = match form::read(mp, &session, &s.media, Purpose::Preview).await {
        Ok(f) => f,
        Err(r) => {
            if error_page_only(&r.error) {
                return Err(r.error);
            }
            r.form
        }
    };
    let note = match f.note_id {
        Some(id) => Some(note_by_id(&s, &id.to_string()).await?),
        None => None,
    };
    let base = url::Url::parse(&s.site.abs("/")).map_err(|e| AppError::Internal(e.into()))?;
    // The kind is the stored note's: an HTML note previews as HTML, new notes as Markdown.
    let kind = note
        .as_ref()
        .map_or(ContentKind::Markdown, |n| n.content_kind);
    // Only a name given as such: a `# ` line in HTML is text, not a heading.
    let name = note.as_ref().and_then(explicit_name);
    let preview = preview_of(&f.content, kind, name, &base);
    let title = if note.is_some() {
        "Edit note"
    } else {
        "New note"
    };
    let purpose = match &note {
        Some(n) => Purpose::Edit {
            photos: n.photos.len(),
        },
        None => Purpose::Preview,
    };
    let error = form::check_text(&f, purpose).err();
    let page = Page {
        title,
        note: note.as_ref(),
        f: view_of_form(&f, note.as_ref()),
        form: Some(&f),
        error,
        preview: Some(preview),
        flash: None,
    };
    render_page(&s, &session, page, StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> url::Url {
        url::Url::parse("https://ex.com/").unwrap()
    }

    #[test]
    fn html_is_shown_as_html_and_made_safe() {
        let p = preview_of(
            "<p># not a heading *not emphasis*</p><script>x()</script><a href=\"/a\" onclick=\"y\">l</a>",
            ContentKind::Html,
            Some("Named"),
            &base(),
        );
        assert_eq!(p.title.as_deref(), Some("Named"));
        assert!(
            p.html.contains("<p># not a heading *not emphasis*</p>"),
            "{}",
            p.html
        );
        assert!(!p.html.contains("<script"), "{}", p.html);
        assert!(!p.html.contains("onclick"), "{}", p.html);
        assert!(p.html.contains("href=\"https://ex.com/a\""), "{}", p.html);
    }

    #[test]
    fn markdown_is_read_as_markdown() {
        let p = preview_of("# Title\n\n*hi*", ContentKind::Markdown, None, &base());
        assert_eq!(p.title.as_deref(), Some("Title"));
        assert!(p.html.contains("<em>hi</em>"), "{}", p.html);
    }
}
