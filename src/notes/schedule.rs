//! Scheduled publication: a published note whose `published` time is still to come is
//! hidden from every public listing until that moment (the SQL compares with the time
//! of the request). Pages and feeds are cached until the [`Generation`] changes, so
//! something must bump it when the moment comes: one task sleeps until the earliest
//! future publication and bumps it then. A write that schedules an earlier note wakes
//! the task to sleep less.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::Notes;
use crate::db::{Db, notes as q};
use crate::domain::Status;
use crate::domain::time::now;
use crate::generation::Generation;

/// Longest the task sleeps without looking again: the wall clock may be set while it
/// sleeps on the monotonic one, and another process (an import) may add notes.
const MAX_SLEEP: Duration = Duration::from_secs(60);
/// Pause after a failed query before trying again.
const RETRY: Duration = Duration::from_secs(5);
/// [`Scheduler::next`] while no publication is known to be pending: every newly
/// scheduled note is earlier than that, so it wakes the task.
const NONE_KNOWN: i64 = i64::MAX;

/// What writers share with the publication task.
#[derive(Debug)]
pub(super) struct Scheduler {
    wake: Notify,
    /// The publication the task waits for, in microseconds since the epoch.
    next: AtomicI64,
    started: AtomicBool,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler {
            wake: Notify::new(),
            next: AtomicI64::new(NONE_KNOWN),
            started: AtomicBool::new(false),
        }
    }
}

impl Notes {
    /// Starts the task that makes scheduled notes appear at their time (once; later
    /// calls do nothing). Needs a tokio runtime; without one it is left for later.
    /// `app::serve_with` calls it, and so does every write that schedules a note.
    pub fn start_scheduler(&self) {
        let s = &self.schedule;
        if s.started.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            s.started.store(false, Ordering::Release);
            return;
        };
        rt.spawn(run(
            self.db.clone(),
            self.generation.clone(),
            self.schedule.clone(),
        ));
    }

    /// The earliest publication still to come (published notes, not deleted).
    pub async fn next_publication(&self) -> Result<Option<DateTime<Utc>>, super::NoteError> {
        Ok(q::next_publication(&self.db, now()).await?)
    }

    /// Called after a committed write that left a note with `status` and `published`:
    /// a publication in the future that is earlier than the one the task waits for
    /// wakes it.
    pub(super) fn scheduled(&self, status: Status, published: Option<DateTime<Utc>>) {
        let Some(at) = published.filter(|p| status == Status::Published && *p > now()) else {
            return;
        };
        self.start_scheduler();
        if at.timestamp_micros() < self.schedule.next.load(Ordering::Acquire) {
            self.schedule.wake.notify_one();
        }
    }
}

/// The task: find the earliest future publication, sleep until it (or until a writer
/// wakes it), bump the generation when a publication time has passed, repeat. Ends
/// when the database is closed.
async fn run(db: Db, generation: Arc<Generation>, s: Arc<Scheduler>) {
    loop {
        // While the query runs, any writer wakes the task: the query may not see its
        // note. Once `next` is set, only earlier notes need to.
        s.next.store(NONE_KNOWN, Ordering::Release);
        let started = now();
        let next = match q::next_publication(&db, started).await {
            Ok(next) => next,
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => {
                tracing::warn!(error = %e, "scheduled publication: query failed");
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        if let Some(at) = next {
            s.next.store(at.timestamp_micros(), Ordering::Release);
        }
        let wait = next
            .and_then(|at| (at - started).to_std().ok())
            .map_or(MAX_SLEEP, |w| w.min(MAX_SLEEP));
        tokio::select! {
            () = tokio::time::sleep(wait) => {
                // The monotonic clock may run ahead of the wall clock the SQL compares
                // with: bump only once the time has really come, else sleep the rest.
                if next.is_some_and(|at| at <= now()) {
                    generation.bump();
                    tracing::info!("a scheduled note is now public");
                }
            }
            () = s.wake.notified() => {}
        }
    }
}

/// The `updated` time of a change made now to a note with `status` and `published`:
/// never before a publication still to come, so that when the note appears its
/// `updated` (and the `Last-Modified` of the pages and feeds showing it) is not older
/// than what those pages showed before.
pub(super) fn changed_at(status: Status, published: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let t = now();
    match published {
        Some(p) if status == Status::Published && p > t => p,
        _ => t,
    }
}
