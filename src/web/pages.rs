//! Public pages: home (the h-feed), permalinks, tag archives.

use askama::Template;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::AppState;
use crate::domain::markdown::excerpt;
use crate::domain::tag::tag_path;
use crate::domain::{Slug, Tag};
use crate::error::{AppError, Result};
use crate::notes::Page;
use crate::site::layout::Layout;
use crate::site::preview::{self, Preview};
use crate::web::cache::Cached;
use crate::web::params::{ListParams, cursor_str};
use crate::web::view::{EntryView, HomePage, NotePage, TagPage};

/// Notes per listing page.
pub const PER_PAGE: u32 = 20;

const HTML: &str = "text/html; charset=utf-8";

/// `GET /`.
pub async fn home(
    State(s): State<AppState>,
    RawQuery(q): RawQuery,
    req: Request,
) -> Result<Response> {
    let params = ListParams::parse(q.as_deref())?;
    let key = format!("home:{}", params.key());
    let cached = s
        .pages
        .get_or_build(&key, || async {
            let page = s
                .notes
                .public_page(None, params.window.clone(), PER_PAGE)
                .await?;
            if page.notes.is_empty() && !params.is_first() {
                return Err(AppError::NotFound(
                    "There are no notes on this page.".into(),
                ));
            }
            let last_modified = page.notes.iter().map(|n| n.updated_at).max();
            let (newer, older) = pager_links("/", &page);
            let home_url = format!("{}/", s.site.url);
            let mut l = Layout::new(&s.site, "")
                .preview(Preview::website(s.site.name.clone(), home_url.clone()));
            if params.is_first() {
                l = l.canonical(home_url);
            }
            let tpl = HomePage {
                l,
                author: s.site.author(),
                me_links: crate::web::view::me_links(&s.site),
                entries: entry_views(&page, &s),
                newer,
                older,
            };
            Ok::<_, AppError>(Cached::new(tpl.render()?, HTML, last_modified))
        })
        .await?;
    Ok(cached.respond(req.headers()))
}

/// Views of a listing's notes: only the first note's first photo is above the fold.
fn entry_views(page: &Page, s: &AppState) -> Vec<EntryView> {
    page.notes
        .iter()
        .enumerate()
        .map(|(i, n)| EntryView::with_fold(n, &s.site, usize::from(i == 0)))
        .collect()
}

/// `GET /note/{slug}`: the note, 410 when deleted, 404 for drafts and unknown slugs.
pub async fn note(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    req: Request,
) -> Result<Response> {
    let missing = || AppError::NotFound("There is no note at this address.".into());
    let slug = Slug::parse(&slug).map_err(|_| missing())?;
    let key = format!("note:{slug}");
    let cached = s
        .pages
        .get_or_build(&key, || async {
            let note = s.notes.by_slug(&slug).await?.ok_or_else(missing)?;
            if note.deleted_at.is_some() {
                return Err(AppError::Gone);
            }
            if !note.is_public() {
                return Err(missing());
            }
            let e = EntryView::with_fold(&note, &s.site, 1);
            let text = preview::plain_text(&e.html);
            // A like or a photo has no words of its own: it is described ("Liked …").
            let title = note
                .title
                .clone()
                .or_else(|| (!text.is_empty()).then(|| excerpt(&text, 60)))
                .or_else(|| e.described.clone())
                .unwrap_or_default();
            let description = match &e.summary {
                Some(summary) => excerpt(summary, preview::DESCRIPTION_CHARS),
                None if text.is_empty() => e.described.clone().unwrap_or_default(),
                None => excerpt(&text, preview::DESCRIPTION_CHARS),
            };
            let l = Layout::new(&s.site, title.clone())
                .canonical(e.url.clone())
                .description(description)
                .preview(Preview::article(&note, &s.site, title));
            let tpl = NotePage {
                l,
                author: s.site.author(),
                e,
            };
            Ok::<_, AppError>(Cached::new(tpl.render()?, HTML, Some(note.updated_at)))
        })
        .await?;
    Ok(cached.respond(req.headers()))
}

/// `GET /notes/{slug}` (and with a trailing slash): StarPunk v1.5 gave clients these
/// addresses, so they answer 301 to the permalink rather than 404.
pub async fn legacy_note(State(s): State<AppState>, Path(slug): Path<String>) -> Result<Response> {
    let slug = Slug::parse(&slug)
        .map_err(|_| AppError::NotFound("There is no note at this address.".into()))?;
    Ok((
        StatusCode::MOVED_PERMANENTLY,
        [
            (header::LOCATION, format!("{}/note/{slug}", s.site.url)),
            // A moved address stays moved: shared caches may keep the answer.
            (header::CACHE_CONTROL, "public, max-age=86400".to_string()),
        ],
    )
        .into_response())
}

/// `GET /tag/{tag}`: the archive of one tag; non-canonical spellings redirect.
pub async fn tag(
    State(s): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
    req: Request,
) -> Result<Response> {
    let tag = Tag::parse(&raw).map_err(|_| AppError::NotFound("There is no such tag.".into()))?;
    if tag.name != raw {
        let mut to = tag_path(&tag.name);
        if let Some(q) = q.as_deref().filter(|q| !q.is_empty()) {
            to = format!("{to}?{q}");
        }
        return Ok(Redirect::permanent(&to).into_response());
    }
    let params = ListParams::parse(q.as_deref())?;
    let key = format!("tag:{}:{}", tag.name, params.key());
    let cached = s
        .pages
        .get_or_build(&key, || async {
            let display = s.notes.tag_display(&tag.name).await?;
            let page = s
                .notes
                .public_page(Some(&tag.name), params.window.clone(), PER_PAGE)
                .await?;
            let Some(display) = display.filter(|_| !page.notes.is_empty() || !params.is_first())
            else {
                return Err(AppError::NotFound("No published note has this tag.".into()));
            };
            if page.notes.is_empty() {
                return Err(AppError::NotFound(
                    "There are no notes on this page.".into(),
                ));
            }
            let base = tag_path(&tag.name);
            let last_modified = page.notes.iter().map(|n| n.updated_at).max();
            let (newer, older) = pager_links(&base, &page);
            let title = format!("#{display}");
            let l = Layout::new(&s.site, title.clone())
                .preview(Preview::website(title, s.site.abs(&base)));
            let tpl = TagPage {
                l,
                author: s.site.author(),
                tag_url: s.site.abs(&base),
                tag_display: display,
                entries: entry_views(&page, &s),
                newer,
                older,
            };
            Ok::<_, AppError>(Cached::new(tpl.render()?, HTML, last_modified))
        })
        .await?;
    Ok(cached.respond(req.headers()))
}

/// Links to the newer and older pages of a listing at `base`.
fn pager_links(base: &str, page: &Page) -> (Option<String>, Option<String>) {
    let newer = page.newer.as_ref().map(|c| match c {
        None => base.to_string(),
        Some(c) => format!("{base}?after={}", cursor_str(c)),
    });
    let older = page
        .older
        .as_ref()
        .map(|c| format!("{base}?before={}", cursor_str(c)));
    (newer, older)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_links_use_cursors() {
        let page = Page {
            notes: vec![],
            older: Some(crate::db::notes::Cursor {
                at: chrono::DateTime::from_timestamp(1, 0).unwrap(),
                id: 3,
            }),
            newer: Some(None),
        };
        let (newer, older) = pager_links("/", &page);
        assert_eq!(newer.as_deref(), Some("/"));
        assert_eq!(older.as_deref(), Some("/?before=1000000.3"));
    }
}
