//! Slug allocation: a base slug, or the first `-n` variant of it nobody has, chosen
//! from one read of the taken slugs (a burst of notes in the same second must not
//! probe the database once per suffix).

use std::collections::HashSet;

use super::{NoteError, Notes};
use crate::db::{Tx, notes as q};
use crate::domain::Slug;
use crate::domain::slug::MAX_LEN;

/// The longest `-n` suffix [`Slug::with_suffix`] can add (`-4294967295`).
const LONGEST_SUFFIX: usize = 11;

impl Notes {
    /// `base` when free, else `base-n` for the first free `n` from `first_suffix`.
    /// Runs inside the writing transaction, so the choice holds until it commits.
    pub(super) async fn free_slug(
        &self,
        tx: &mut Tx,
        base: &Slug,
        first_suffix: u32,
    ) -> Result<Slug, NoteError> {
        let taken: HashSet<String> =
            q::slugs_taken(&self.db, tx, &search_prefix(base), base.as_str())
                .await?
                .into_iter()
                .collect();
        first_free(base, first_suffix, &taken).ok_or_else(|| {
            NoteError::Invalid(format!("the slug {base} and its variants are all taken"))
        })
    }
}

/// A prefix every variant of `base` starts with: a long base is cut short to make room
/// for the suffix, so the prefix is the part that always survives.
fn search_prefix(base: &Slug) -> String {
    let s = base.as_str();
    let keep = s.len().min(MAX_LEN - LONGEST_SUFFIX);
    s[..keep].trim_end_matches('-').to_string()
}

/// The first of `base`, `base-{first}`, `base-{first + 1}`… not in `taken`. Among
/// `taken.len() + 1` variants one is free, so the search is bounded by what was read.
fn first_free(base: &Slug, first: u32, taken: &HashSet<String>) -> Option<Slug> {
    if !taken.contains(base.as_str()) {
        return Some(base.clone());
    }
    let tries = u32::try_from(taken.len()).ok()?.checked_add(1)?;
    (first..first.checked_add(tries)?)
        .map(|n| base.with_suffix(n))
        .find(|s| !taken.contains(s.as_str()))
}

/// A write refused by a UNIQUE constraint (here: another writer took the slug).
pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn first_free_suffix() {
        let base = Slug::parse("hello").unwrap();
        assert_eq!(first_free(&base, 2, &taken(&[])).unwrap().as_str(), "hello");
        let t = taken(&["hello", "hello-2", "hello-3", "hello-5", "hello-x1"]);
        assert_eq!(first_free(&base, 2, &t).unwrap().as_str(), "hello-4");
        let stamp = Slug::parse("20261129061500").unwrap();
        let t = taken(&["20261129061500", "20261129061500-1"]);
        assert_eq!(
            first_free(&stamp, 1, &t).unwrap().as_str(),
            "20261129061500-2"
        );
    }

    #[test]
    fn five_hundred_taken_needs_no_more_reads() {
        let base = Slug::parse("20261129061500").unwrap();
        let mut t: HashSet<String> = (1..500).map(|n| base.with_suffix(n).to_string()).collect();
        t.insert(base.to_string());
        assert_eq!(
            first_free(&base, 1, &t).unwrap().as_str(),
            "20261129061500-500"
        );
    }

    #[test]
    fn long_bases_are_found_by_their_surviving_prefix() {
        let long = Slug::parse(&"a".repeat(MAX_LEN)).unwrap();
        let prefix = search_prefix(&long);
        for n in [2, 10, 99_999, u32::MAX] {
            let v = long.with_suffix(n);
            assert!(v.as_str().starts_with(&prefix), "{v}");
            assert!(v.as_str().len() <= MAX_LEN);
        }
        let t = taken(&[long.as_str(), long.with_suffix(2).as_str()]);
        assert_eq!(first_free(&long, 2, &t), Some(long.with_suffix(3)));
    }
}
