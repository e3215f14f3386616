//! Query-string parsing for listings, with clear refusals for bad values.

use serde::Deserialize;

use crate::db::notes::{Cursor, Window};
use crate::error::AppError;

/// Longest page number accepted (beyond it there cannot be notes).
const MAX_PAGE: u32 = 100_000;

#[derive(Deserialize, Default)]
struct Raw {
    page: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

/// Which part of a listing was asked for.
#[derive(Debug, Clone)]
pub struct ListParams {
    pub window: Window,
}

impl ListParams {
    /// Parses `?page=N`, `?before=CURSOR` or `?after=CURSOR`; unknown keys are ignored.
    pub fn parse(query: Option<&str>) -> Result<Self, AppError> {
        let raw: Raw = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|_| AppError::BadRequest("The query string could not be read.".into()))?;
        let window = match (raw.page, raw.before, raw.after) {
            (_, Some(b), _) => Window::Before(parse_cursor(&b)?),
            (_, None, Some(a)) => Window::After(parse_cursor(&a)?),
            (Some(p), None, None) => Window::Offset(parse_page(&p)?),
            (None, None, None) => Window::Offset(0),
        };
        Ok(ListParams { window })
    }

    /// A canonical form of the request, for cache keys (garbage keys never multiply).
    pub fn key(&self) -> String {
        match &self.window {
            Window::Offset(o) => format!("o{o}"),
            Window::Before(c) => format!("b{}", cursor_str(c)),
            Window::After(c) => format!("a{}", cursor_str(c)),
        }
    }

    /// Whether this is the first page.
    pub fn is_first(&self) -> bool {
        matches!(self.window, Window::Offset(0))
    }
}

/// Parses `page` (1-based) into an offset in notes.
pub fn parse_page(p: &str) -> Result<u32, AppError> {
    match p.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok((n - 1) * crate::web::pages::PER_PAGE),
        _ => Err(AppError::BadRequest(format!(
            "The page number must be a whole number from 1 to {MAX_PAGE}."
        ))),
    }
}

/// `{unix microseconds}.{id}` — stable while new notes arrive.
pub fn cursor_str(c: &Cursor) -> String {
    c.encode()
}

fn parse_cursor(s: &str) -> Result<Cursor, AppError> {
    Cursor::decode(s).ok_or_else(|| {
        AppError::BadRequest(
            "That page position is not valid; start again from the first page.".into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_windows() {
        assert!(matches!(
            ListParams::parse(None).unwrap().window,
            Window::Offset(0)
        ));
        assert!(matches!(
            ListParams::parse(Some("page=2")).unwrap().window,
            Window::Offset(20)
        ));
        let p = ListParams::parse(Some("before=1700000000000000.42")).unwrap();
        assert_eq!(p.key(), "b1700000000000000.42");
        assert!(ListParams::parse(Some("page=abc")).is_err());
        assert!(ListParams::parse(Some("page=0")).is_err());
        assert!(ListParams::parse(Some("before=x.y")).is_err());
        assert!(ListParams::parse(Some("after=99999999999999999999.1")).is_err());
    }
}
