//! Many notes written at once (import): one transaction for the lot instead of one per
//! note. A transaction per note costs a commit, a WAL append and a flush of the search
//! index's pending terms each time; for 100,000 notes that was most of the import.

use super::{NoteError, Notes, Prepared};
use crate::db::notes as q;
use crate::domain::time::now;
use crate::domain::{NoteInput, Slug};

impl Notes {
    /// Creates each note of `inputs` under exactly its own slug (an import): one that
    /// breaks the [`super::rules`] or whose slug a note already has (or an earlier
    /// input took) is refused with the reason, never renamed. The answers come in the
    /// order of `inputs`.
    ///
    /// Each note is all-or-nothing, as with [`Notes::create`]: the notes are written in
    /// one transaction, and should any write fail part-way (not a refusal: those are
    /// decided before anything of that note is written), the whole transaction is rolled
    /// back and the notes are written again one transaction each, so the failure costs
    /// only its own note.
    pub async fn import_many(&self, inputs: &[NoteInput]) -> Vec<Result<Slug, NoteError>> {
        let created = now();
        let prepared: Vec<Result<Prepared<'_>, NoteError>> = inputs
            .iter()
            .map(|input| Prepared::new(input, created))
            .collect();
        let ready: Vec<&Prepared<'_>> = prepared.iter().filter_map(|p| p.as_ref().ok()).collect();
        let written = match self.import_together(&ready).await {
            Ok(written) => written,
            Err(e) => {
                tracing::warn!(error = %e, notes = ready.len(), "a batch of imported notes failed; writing them one at a time");
                let mut one_by_one = Vec::with_capacity(ready.len());
                for p in &ready {
                    one_by_one.push(self.import_alone(p).await);
                }
                one_by_one
            }
        };
        if written.iter().any(Result::is_ok) {
            self.generation.bump();
        }
        let mut written = written.into_iter();
        prepared
            .into_iter()
            .map(|p| {
                let p = p?;
                let slug = written.next().unwrap_or(Err(NoteError::NotFound))?;
                self.scheduled(p.status, p.published_at);
                tracing::debug!(note.slug = %slug, "note imported");
                Ok(slug)
            })
            .collect()
    }

    /// Writes every note of `ready` in one transaction. The outer error means nothing
    /// was written; inside, a refusal for each note whose slug is taken.
    async fn import_together(
        &self,
        ready: &[&Prepared<'_>],
    ) -> Result<Vec<Result<Slug, NoteError>>, NoteError> {
        let mut tx = self.db.begin().await?;
        let mut out = Vec::with_capacity(ready.len());
        for p in ready {
            if q::slug_taken(&self.db, &mut tx, p.base.as_str()).await? {
                out.push(Err(taken(&p.base)));
                continue;
            }
            self.insert_new(&mut tx, &p.note(), &p.base).await?;
            out.push(Ok(p.base.clone()));
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Writes one note in its own transaction, under exactly its slug.
    async fn import_alone(&self, p: &Prepared<'_>) -> Result<Slug, NoteError> {
        let mut tx = self.db.begin().await?;
        if q::slug_taken(&self.db, &mut tx, p.base.as_str()).await? {
            return Err(taken(&p.base));
        }
        self.insert_new(&mut tx, &p.note(), &p.base).await?;
        tx.commit().await?;
        Ok(p.base.clone())
    }
}

fn taken(slug: &Slug) -> NoteError {
    NoteError::Invalid(format!("a note with slug {slug} already exists"))
}
