//! The owner's saved profile applied to the site (own-identity mode): the author's
//! h-card and the `rel=me` links every page carries.

use super::Author;
use crate::app::AppState;
use crate::domain::profile::Profile;

/// Applies the saved profile, if any, to `state.site` (start-up and after a save).
/// Nothing saved (or a store failure, logged) leaves the site as the configuration
/// made it: `SITE_AUTHOR`, no `rel=me` links.
pub async fn apply_saved(state: &AppState) {
    if !state.config.own_identity() {
        return;
    }
    match crate::db::profile::load(&state.db).await {
        Ok(Some(p)) => apply(state, &p),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "could not read the owner's profile"),
    }
}

/// Shows `p` on every page and feed from now on: replaces the author and the `rel=me`
/// links, and makes cached pages and feeds render again.
pub fn apply(state: &AppState, p: &Profile) {
    state
        .site
        .set_author(author_of(p, &state.config.site_author, state.config.me()));
    state.site.set_rel_me(p.links.clone());
    state.generation.bump();
}

/// The author a profile describes; an empty name is `site_author` (`SITE_AUTHOR`).
pub fn author_of(p: &Profile, site_author: &str, me: String) -> Author {
    Author {
        name: if p.name.is_empty() {
            site_author.to_string()
        } else {
            p.name.clone()
        },
        url: me,
        photo: p.photo.clone(),
        note: p.note.clone(),
    }
}
