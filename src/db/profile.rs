//! The owner's profile row (own-identity mode). One row at most; `links` is a JSON
//! array of URLs, kept in the owner's order.

use chrono::{DateTime, Utc};

use crate::domain::profile::Profile;
use crate::domain::time::to_db;

use super::Db;

#[derive(sqlx::FromRow)]
struct Row {
    name: String,
    photo: Option<String>,
    note: String,
    email: Option<String>,
    links: String,
}

/// The saved profile; `None` until the owner first saves one.
pub async fn load(db: &Db) -> sqlx::Result<Option<Profile>> {
    db.count(1);
    let row: Option<Row> =
        sqlx::query_as("SELECT name, photo, note, email, links FROM owner_profile WHERE id = 1")
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(|r| Profile {
        name: r.name,
        photo: r.photo,
        note: r.note,
        email: r.email,
        // A row written by this program always holds an array; anything else reads
        // as no links rather than failing every page.
        links: serde_json::from_str(&r.links).unwrap_or_default(),
    }))
}

/// Replaces the profile.
pub async fn save(db: &Db, p: &Profile, now: DateTime<Utc>) -> sqlx::Result<()> {
    let links = serde_json::to_string(&p.links).unwrap_or_else(|_| "[]".into());
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO owner_profile (id, name, photo, note, email, links, updated_at) \
         VALUES (1, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, photo = excluded.photo, \
         note = excluded.note, email = excluded.email, links = excluded.links, \
         updated_at = excluded.updated_at",
    )
    .bind(&p.name)
    .bind(&p.photo)
    .bind(&p.note)
    .bind(&p.email)
    .bind(&links)
    .bind(to_db(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
