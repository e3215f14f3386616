//! Tag queries: attach a note's tags, and batch-load the tags of many notes at once.

use std::collections::HashMap;

use crate::domain::Tag;

use super::{Db, Tx};

/// Replaces the tags of `note_id` with `tags`, in order, creating tags as needed.
pub async fn set_for_note(db: &Db, tx: &mut Tx, note_id: i64, tags: &[Tag]) -> sqlx::Result<()> {
    db.count(1);
    sqlx::query("DELETE FROM note_tags WHERE note_id = ?")
        .bind(note_id)
        .execute(&mut **tx)
        .await?;
    add_to_note(db, tx, note_id, tags).await
}

/// Gives `note_id`, which has no tags yet, `tags` in order, creating tags as needed
/// (a tag's display form is the first one written). Two statements however many tags:
/// an import writes hundreds of notes a second, each statement a round trip to the
/// database thread.
pub async fn add_to_note(db: &Db, tx: &mut Tx, note_id: i64, tags: &[Tag]) -> sqlx::Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    let pairs: Vec<[&str; 2]> = tags.iter().map(|t| [&*t.name, &*t.display]).collect();
    let json = serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into());
    db.count(2);
    // `WHERE true` tells the parser the ON CONFLICT is the upsert's, not a join's.
    sqlx::query(
        "INSERT INTO tags (name, display) \
         SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?) \
         WHERE true ON CONFLICT (name) DO NOTHING",
    )
    .bind(&json)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO note_tags (note_id, tag_id, position) \
         SELECT ?1, t.id, j.key FROM json_each(?2) j \
         JOIN tags t ON t.name = json_extract(j.value, '$[0]')",
    )
    .bind(note_id)
    .bind(&json)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The tags of every note in `ids`, in one query, keyed by note id. The note keeps the
/// display form it was written with only through the shared tag row (first writer wins).
pub async fn for_notes(db: &Db, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<Tag>>> {
    let mut out: HashMap<i64, Vec<Tag>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    db.count(1);
    let ids_json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT nt.note_id, t.name, t.display FROM note_tags nt JOIN tags t ON t.id = nt.tag_id \
         WHERE nt.note_id IN (SELECT value FROM json_each(?)) ORDER BY nt.note_id, nt.position",
    )
    .bind(ids_json)
    .fetch_all(db.pool())
    .await?;
    for (note_id, name, display) in rows {
        out.entry(note_id).or_default().push(Tag { name, display });
    }
    Ok(out)
}

/// The display form of a normalised tag name, if any note ever used it.
pub async fn display_of(db: &Db, name: &str) -> sqlx::Result<Option<String>> {
    db.count(1);
    sqlx::query_scalar("SELECT display FROM tags WHERE name = ?")
        .bind(name)
        .fetch_optional(db.pool())
        .await
}
