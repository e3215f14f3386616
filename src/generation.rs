//! The site's write counter. Every service that changes what pages and feeds show
//! (notes today; Micropub and Webmention through the notes service later) bumps it
//! after committing, and the notes service's publication task bumps it when a
//! scheduled note's time comes (nothing is written then, yet pages change); caches
//! remember the value they were built at, so a changed counter is a miss and the next
//! response is fresh.

use std::sync::atomic::{AtomicU64, Ordering};

/// A counter bumped by every write; caches remember the value they were built at.
#[derive(Debug, Default)]
pub struct Generation(AtomicU64);

impl Generation {
    /// The current value.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Marks that something shown on pages or feeds changed.
    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}
