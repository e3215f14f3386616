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
pub mod media;
pub mod notes;
pub mod search;
pub mod stats;
pub mod tags;

/// A handle to the database, cheap to clone.
///
/// Two pools on the one file: readers (several connections, WAL lets them run beside
/// a write) and a single writer connection. Writers queue for that connection in
/// order, asynchronously, instead of meeting inside SQLite, where a busy writer makes
/// the others sleep and retry (1, 2, 5, 10… ms): with sixteen sign-ins at once that
/// back-off was most of the p99.
#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
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
            .pragma("cache_size", "-16000")
            .pragma("temp_store", "memory");
        // The writer first: it creates the file, sets WAL and runs the migrations.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(opts.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&writer).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(1)
            .connect_with(opts)
            .await?;
        Ok(Db {
            pool,
            writer,
            queries: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The readers' pool. Writes go through [`Db::writer`] or [`Db::begin`].
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The single writer connection, for one-statement writes outside a transaction.
    pub(crate) fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// Records that `n` statements are about to run.
    pub(crate) fn count(&self, n: u64) {
        self.queries.fetch_add(n, Ordering::Relaxed);
    }

    /// Statements run since this handle was opened (for tests and diagnostics).
    pub fn query_count(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        self.count(1);
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    /// Whether the database answers (for `/health`).
    pub async fn ping(&self) -> bool {
        self.count(1);
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Closes both pools; the writer last, so its close checkpoints the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}
