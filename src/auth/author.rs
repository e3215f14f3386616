//! The author shown on pages and in feeds, from the owner's h-card at `ADMIN_ME`:
//! fetched after each sign-in and at start-up, always in the background, cached for a
//! day in the database. A failed fetch leaves the last known card, or `SITE_AUTHOR`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::ACCEPT;
use url::Url;

use crate::app::AppState;
use crate::auth::fetch::{FetchError, redact, send_capped};
use crate::auth::hcard::{self, Card};
use crate::auth::urls::endpoint_allowed;
use crate::domain::time::now;
use crate::site::Author;

/// How long a fetched h-card is used before it is fetched again.
pub const FRESH_FOR: Duration = Duration::from_secs(24 * 3600);

/// Starts [`refresh`] in the background; sign-in and start-up never wait for it.
pub fn spawn_refresh(state: &AppState, force: bool) {
    let state = state.clone();
    tokio::spawn(async move { refresh(&state, force).await });
}

/// Shows the cached card at once, then (when it is stale, or with `force`) fetches
/// `ADMIN_ME` again and shows and caches what it finds.
pub async fn refresh(state: &AppState, force: bool) {
    let Some(me) = state.config.admin_me.clone() else {
        return;
    };
    let cached = match state.auth.store.card(me.as_str()).await {
        Ok(row) => row.and_then(|(json, at)| Some((serde_json::from_str::<Card>(&json).ok()?, at))),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the cached h-card");
            None
        }
    };
    if let Some((card, at)) = &cached {
        apply(state, card);
        if !force && is_fresh(*at, now()) {
            return;
        }
    }
    match fetch(state, &me).await {
        Ok(Some(card)) => {
            if let Ok(json) = serde_json::to_string(&card)
                && let Err(e) = state.auth.store.store_card(me.as_str(), &json, now()).await
            {
                tracing::warn!(error = %e, "could not cache the h-card");
            }
            apply(state, &card);
            tracing::info!(author = %card.name, "author h-card updated");
        }
        Ok(None) => {
            tracing::warn!(me = %redact(&me), "no representative h-card at ADMIN_ME; keeping the current author")
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not fetch the h-card at ADMIN_ME; keeping the current author")
        }
    }
}

fn is_fresh(fetched_at: DateTime<Utc>, at: DateTime<Utc>) -> bool {
    (at - fetched_at).to_std().is_ok_and(|age| age < FRESH_FOR) || fetched_at > at
}

async fn fetch(state: &AppState, me: &Url) -> Result<Option<Card>, FetchError> {
    let dev = state.config.dev_mode;
    let req = state
        .http
        .get(me.clone())
        .header(ACCEPT, "text/html,application/xhtml+xml;q=0.9");
    let page = send_capped(req, me, dev, state.auth.fetch_timeout(), true).await?;
    if !(200..300).contains(&page.status) {
        return Err(FetchError::Status(redact(me), page.status));
    }
    let me = me.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        hcard::representative(&String::from_utf8_lossy(&page.body), &page.url, &me)
    })
    .await;
    Ok(parsed.ok().flatten())
}

/// The author a card describes, with `SITE_AUTHOR` and `ADMIN_ME` filling the gaps. A
/// photo is kept only if the browser may load it (https, or loopback / `DEV_MODE`).
pub fn author_from(card: &Card, state: &AppState) -> Author {
    let fallback = state.site.author();
    let url = card
        .url
        .as_deref()
        .and_then(|s| Url::parse(s).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string());
    let photo = card
        .photo
        .as_deref()
        .and_then(|s| Url::parse(s).ok())
        .filter(|u| endpoint_allowed(u, state.config.dev_mode))
        .map(|u| u.to_string());
    Author {
        name: if card.name.trim().is_empty() {
            state.config.site_author.clone()
        } else {
            card.name.clone()
        },
        url: url
            .or_else(|| state.site.admin_me.clone())
            .unwrap_or(fallback.url),
        photo,
        note: String::new(),
    }
}

fn apply(state: &AppState, card: &Card) {
    let next = author_from(card, state);
    let current = state.site.author();
    if current.name != next.name || current.url != next.url || current.photo != next.photo {
        state.site.set_author(next);
        state.generation.bump();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness() {
        let t = now();
        assert!(is_fresh(t, t + chrono::Duration::hours(23)));
        assert!(!is_fresh(t, t + chrono::Duration::hours(25)));
        assert!(
            is_fresh(t + chrono::Duration::hours(1), t),
            "a clock step back keeps the card"
        );
    }
}
