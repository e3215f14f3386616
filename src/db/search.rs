//! Full-text search over public notes (FTS5, `porter unicode61`).

use chrono::{DateTime, Utc};

use super::Db;
use super::notes::NoteRow;
use crate::domain::time::to_db;

/// Marks around matched terms in snippets; private-use characters that never appear in
/// escaped HTML, replaced by `<mark>` after escaping.
pub const MARK_START: char = '\u{E000}';
pub const MARK_END: char = '\u{E001}';

/// A search hit: the note and a snippet of its text with matches marked.
#[derive(Debug, sqlx::FromRow)]
pub struct Hit {
    #[sqlx(flatten)]
    pub note: NoteRow,
    pub snippet: String,
}

/// Turns what a person typed into a safe FTS5 query: every word quoted (so `"`, `*`,
/// `NEAR(`, `AND` are plain text), all words required. `None` when nothing is left.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split_whitespace()
        .map(|w| w.replace('"', "\"\""))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{w}\""))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

/// Public notes matching `fts` (a query from [`fts_query`]), best first; public as of
/// `now` (a scheduled note is not found before its time).
pub async fn search(
    db: &Db,
    fts: &str,
    limit: u32,
    offset: u32,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Hit>> {
    db.count(1);
    sqlx::query_as(
        "SELECT n.id, n.slug, n.title, n.content, n.status, n.created_at, n.published_at, n.updated_at, \
                n.deleted_at, n.properties, n.content_kind, n.name_given, \
                snippet(notes_fts, 1, char(57344), char(57345), '…', 24) AS snippet \
         FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid \
         WHERE notes_fts MATCH ?1 AND n.status = 'published' AND n.deleted_at IS NULL \
         AND n.published_at <= ?4 \
         ORDER BY bm25(notes_fts, 5.0, 1.0), n.published_at DESC LIMIT ?2 OFFSET ?3",
    )
    .bind(fts)
    .bind(limit as i64)
    .bind(offset as i64)
    .bind(to_db(now))
    .fetch_all(db.pool())
    .await
}

/// How many public notes (as of `now`) match `fts`.
pub async fn count(db: &Db, fts: &str, now: DateTime<Utc>) -> sqlx::Result<i64> {
    db.count(1);
    sqlx::query_scalar(
        "SELECT count(*) FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid \
         WHERE notes_fts MATCH ?1 AND n.status = 'published' AND n.deleted_at IS NULL \
         AND n.published_at <= ?2",
    )
    .bind(fts)
    .bind(to_db(now))
    .fetch_one(db.pool())
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_queries_are_quoted() {
        assert_eq!(
            fts_query("hello world").as_deref(),
            Some("\"hello\" \"world\"")
        );
        assert_eq!(fts_query("\"").as_deref(), None);
        assert_eq!(fts_query("*").as_deref(), None);
        assert_eq!(fts_query("NEAR(a b)").as_deref(), Some("\"NEAR(a\" \"b)\""));
        assert_eq!(
            fts_query("say \"hi\"").as_deref(),
            Some("\"say\" \"\"\"hi\"\"\"")
        );
    }
}
