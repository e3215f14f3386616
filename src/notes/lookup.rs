//! Reads that pages, crawlers and the health report need beyond listings: full-text
//! search, a tag's display form, the sitemap's pages, and the store's figures. Handlers ask the service; only the
//! service talks to `db`.

use super::{NoteError, Notes};
use crate::db::stats::Stats;
use chrono::{DateTime, Utc};

use crate::db::sitemap::SitemapRow;
use crate::db::{notes, search, sitemap, stats, tags};
use crate::domain::Note;
use crate::domain::time::now;

/// One page of search results.
#[derive(Debug)]
pub struct SearchResults {
    /// Public notes matching, in all when `total_exact`; else at least this many (the
    /// count stops at [`search::COUNT_BOUND`]).
    pub total: i64,
    /// Whether `total` is the whole count.
    pub total_exact: bool,
    /// This page's notes (with tags and photos, like every other listing), each with a
    /// snippet whose matches are marked with [`search::MARK_START`] / [`search::MARK_END`].
    pub hits: Vec<(Note, String)>,
}

impl Notes {
    /// Public notes matching `fts` (a query from [`search::fts_query`]): best first
    /// when there are at most [`search::COUNT_BOUND`], newest first past it.
    pub async fn search(
        &self,
        fts: &str,
        limit: u32,
        offset: u32,
    ) -> Result<SearchResults, NoteError> {
        let t = now();
        let counted = search::count(&self.db, fts, t).await?;
        let rows = search::search(&self.db, fts, limit, offset, t, counted).await?;
        let snippets: Vec<String> = rows.iter().map(|h| h.snippet.clone()).collect();
        let notes = self
            .with_tags(rows.into_iter().map(|h| h.note).collect())
            .await?;
        Ok(SearchResults {
            total: counted.min(search::COUNT_BOUND),
            total_exact: counted <= search::COUNT_BOUND,
            hits: notes.into_iter().zip(snippets).collect(),
        })
    }

    /// Merges the search index (after an import: see [`search::optimize`]).
    pub async fn optimize_search(&self) -> Result<(), NoteError> {
        Ok(search::optimize(&self.db).await?)
    }

    /// How a tag was first written, when any note ever had it.
    pub async fn tag_display(&self, name: &str) -> Result<Option<String>, NoteError> {
        Ok(tags::display_of(&self.db, name).await?)
    }

    /// The number of public notes and the latest change among them (feeds, sitemap); a
    /// note's publication counts as a change.
    pub async fn public_stats(&self) -> Result<(i64, Option<DateTime<Utc>>), NoteError> {
        Ok(notes::public_stats(&self.db, now()).await?)
    }

    /// A page of public notes as the sitemap lists them, oldest first.
    pub async fn sitemap_page(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<SitemapRow>, NoteError> {
        Ok(sitemap::public_notes(&self.db, offset, limit, now()).await?)
    }

    /// The tags in use on notes that are not deleted, as first written (Micropub
    /// `q=category`): at most `limit`, those containing `filter` (any case) when one
    /// is given, names starting with it first, then the most used. One query.
    pub async fn categories(
        &self,
        filter: Option<&str>,
        limit: u32,
    ) -> Result<Vec<String>, NoteError> {
        let filter = filter
            .map(|f| f.trim().trim_start_matches('#').trim().to_lowercase())
            .filter(|f| !f.is_empty());
        Ok(notes::categories(&self.db, filter.as_deref(), limit).await?)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.db.ping().await
    }

    /// Counts of notes by state and the database's size (`/health?detailed=true`).
    pub async fn stats(&self) -> Result<Stats, NoteError> {
        Ok(stats::stats(&self.db, now()).await?)
    }
}
