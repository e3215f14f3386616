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

/// Matches are counted exactly up to this many; past it the count is "more than". It is
/// also the bound on ranking: a query with at most this many matches is ranked by bm25,
/// best match first; one with more is listed newest first. bm25 costs time in proportion
/// to every match of every term, however few are ranked (it reads each term's whole
/// posting list to weigh it): 1.5-3 ms per request for a word in most of 100,000 notes,
/// the largest part of a search. Past the bound the word is too common for its weight to
/// tell notes apart, and newest first is what a reader of a blog expects.
pub const COUNT_BOUND: i64 = 1000;

/// A hit's columns (macros, so the statements stay `&'static str`).
macro_rules! columns {
    () => {
        "n.id, n.slug, n.title, n.content, n.status, n.created_at, n.published_at, \
         n.updated_at, n.deleted_at, n.properties, n.content_kind, n.name_given, \
         snippet(notes_fts, 1, char(57344), char(57345), '…', 24) AS snippet"
    };
}

/// A `LIMIT` of bound parameter `?n`, cast. SQLite reads a bare `LIMIT ?n` while
/// planning (to size the result) and then marks the statement to be compiled again
/// whenever `?n` is bound anew, so every search paid a fresh prepare (~5% of its time);
/// through a cast the limit is an expression it does not read ahead.
macro_rules! limit {
    ($n:literal) => {
        concat!("CAST(?", $n, " AS INTEGER)")
    };
}

/// Matching public notes: `?1` the FTS query, `?2` now.
macro_rules! public {
    () => {
        "notes_fts MATCH ?1 AND n.status = 'published' AND n.deleted_at IS NULL \
         AND n.published_at <= ?2"
    };
}

/// Public notes matching `fts` (a query from [`fts_query`]), public as of `now` (a
/// scheduled note is not found before its time). `matches` is what [`count`] answered:
/// at most [`COUNT_BOUND`], the matches are ranked by bm25, best first ([`RANKED`]);
/// past it they come newest first ([`BY_DATE`]). Only the page's rows get a snippet.
pub async fn search(
    db: &Db,
    fts: &str,
    limit: u32,
    offset: u32,
    now: DateTime<Utc>,
    matches: i64,
) -> sqlx::Result<Vec<Hit>> {
    let sql = if matches <= COUNT_BOUND {
        RANKED
    } else {
        BY_DATE
    };
    db.count(1);
    sqlx::query_as(sql)
        .bind(fts)
        .bind(to_db(now))
        .bind(limit as i64)
        .bind(offset as i64)
        .bind(COUNT_BOUND)
        .fetch_all(db.pool())
        .await
}

/// The bm25 order of every match: `?1` the query, `?2` now, `?3`/`?4` the page, `?5`
/// the bound. A note published between [`count`] and this query could push the
/// matches past the bound: the candidates stop there anyway, so the cost stays bounded.
const RANKED: &str = concat!(
    "WITH cand AS (SELECT notes_fts.rowid AS rid, bm25(notes_fts, 5.0, 1.0) AS score, \
            n.published_at AS pub \
         FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid WHERE ",
    public!(),
    " LIMIT ",
    limit!(5),
    "), page AS (SELECT rid, score, pub FROM cand ORDER BY score, pub DESC LIMIT ",
    limit!(3),
    " OFFSET ?4) \
     SELECT ",
    columns!(),
    " FROM page JOIN notes_fts ON notes_fts.rowid = page.rid \
     JOIN notes n ON n.id = page.rid \
     WHERE notes_fts MATCH ?1 ORDER BY page.score, page.pub DESC"
);

/// Every match newest first, with the same parameters as [`RANKED`] (`?5` compared
/// with itself, so both take one binding): a note's id grows with its creation and
/// FTS5 walks ids in order, so a page costs its offset, not the matches.
const BY_DATE: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid WHERE ",
    public!(),
    " AND ?5 = ?5 ORDER BY notes_fts.rowid DESC LIMIT ",
    limit!(3),
    " OFFSET ?4"
);

/// How many public notes (as of `now`) match `fts`, counted up to [`COUNT_BOUND`] + 1:
/// a result above [`COUNT_BOUND`] means "more than [`COUNT_BOUND`]".
pub async fn count(db: &Db, fts: &str, now: DateTime<Utc>) -> sqlx::Result<i64> {
    db.count(1);
    sqlx::query_scalar(concat!(
        "SELECT count(*) FROM (SELECT 1 FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid \
         WHERE ",
        public!(),
        " LIMIT ",
        limit!(3),
        ")"
    ))
    .bind(fts)
    .bind(to_db(now))
    .bind(COUNT_BOUND + 1)
    .fetch_one(db.pool())
    .await
}

/// Merges the search index into one segment. Writes add small segments that FTS5
/// merges a few at a time; after an import of many notes, one merge of everything (half
/// a second at 100,000 notes) makes common-word searches about twice as fast.
pub async fn optimize(db: &Db) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    db.count(1);
    sqlx::query("INSERT INTO notes_fts (notes_fts) VALUES ('optimize')")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
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
