//! The SQLite store: pool (WAL, busy timeout, created when missing), embedded
//! forward-only migrations, and — in the submodules — all of the program's SQL.
//!
//! Every query goes through [`Db`], which counts statements so tests can prove that a
//! page runs a fixed number of queries whatever the number of notes on it.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

pub mod auth;
pub mod clients;
pub mod credentials;
pub mod media;
pub mod notes;
pub mod passkeys;
pub mod profile;
pub mod search;
pub mod setup_tokens;
pub mod sitemap;
pub mod stats;
pub mod tags;
pub mod tokens;

/// Reading connections. With the writer, five page caches share the process's memory.
const READERS: u32 = 4;
/// Each reader's page cache (negative: KiB), 4 MB. Private memory grows to the sum of
/// the caches as the data is read (each connection keeps its own), so the sizes are a
/// budget: 4 × 4 MB + 16 MB = 32 MB at most, which keeps the server under 100 MB at
/// 100,000 notes and near 60 MB at 10,000. The hot pages (the newest notes, the FTS index's leaves of common
/// words) fit; the rest comes from the operating system's file cache in microseconds.
const READER_CACHE_KIB: &str = "-4000";
/// The writer's page cache, 16 MB: an import or a long edit touches the FTS index's
/// segments over and over, and merging them is faster when they stay in memory.
const WRITER_CACHE_KIB: &str = "-16000";
/// A process-wide ceiling (bytes) past which SQLite gives back cache pages and sorts
/// spill rather than the heap growing: a backstop for the budget above.
const SOFT_HEAP_LIMIT: &str = "64000000";

/// A handle to the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
    /// One connection for write transactions: writers wait their turn in the pool's
    /// fair queue instead of SQLite's sleep-and-retry busy handler, so 50 creates at
    /// once finish in order and readers keep the other connections.
    writer: SqlitePool,
    queries: Arc<AtomicU64>,
}

/// A write transaction (`BEGIN IMMEDIATE`, so two writers never deadlock on upgrade).
pub type Tx = Transaction<'static, Sqlite>;

impl Db {
    /// Opens (creating if needed) `starpunk.db` in `data_path` and runs migrations.
    pub async fn open(data_path: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_path)?;
        let file = data_path.join("starpunk.db");
        let opts = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            .pragma("cache_size", READER_CACHE_KIB)
            .pragma("soft_heap_limit", SOFT_HEAP_LIMIT)
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(READERS)
            .min_connections(1)
            .connect_with(opts.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts.pragma("cache_size", WRITER_CACHE_KIB))
            .await?;
        Ok(Db {
            pool,
            writer,
            queries: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The pool, for modules that add tables of their own (through functions in `db/`).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Records that `n` statements are about to run.
    pub(crate) fn count(&self, n: u64) {
        self.queries.fetch_add(n, Ordering::Relaxed);
    }

    /// Statements run since this handle was opened (for tests and diagnostics).
    pub fn query_count(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// Starts a write transaction on the writer connection (one at a time, in order).
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        self.count(1);
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    /// Whether the database answers (for `/health`).
    pub async fn ping(&self) -> bool {
        self.count(1);
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Closes both pools, checkpointing the WAL.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page caches are the memory budget (see the constants): readers small, the
    /// writer larger, and a soft heap limit set.
    #[tokio::test]
    async fn page_caches_are_sized_as_budgeted() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).await.unwrap();
        let reader: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(reader.to_string(), READER_CACHE_KIB);
        let mut tx = db.begin().await.unwrap();
        let writer: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(writer.to_string(), WRITER_CACHE_KIB);
        tx.rollback().await.unwrap();
        let limit: i64 = sqlx::query_scalar("PRAGMA soft_heap_limit")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(limit.to_string(), SOFT_HEAP_LIMIT);
        db.close().await;
    }
}
