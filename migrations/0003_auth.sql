-- Sign-in: pending IndieAuth requests, sessions, and the owner's cached h-card.
--
-- Secrets are never stored as sent: states, browser cookies and session tokens are kept
-- as SHA-256 hex digests. Only the PKCE verifier is kept as is (it must be sent).

CREATE TABLE auth_requests (
    state_hash    TEXT PRIMARY KEY,   -- SHA-256 of the `state` sent to the provider
    browser_hash  TEXT NOT NULL,      -- SHA-256 of the cookie of the browser that started it
    verifier      TEXT NOT NULL,      -- PKCE code verifier
    response_type TEXT NOT NULL CHECK (response_type IN ('code', 'id')),
    endpoint      TEXT NOT NULL,      -- the authorization endpoint the browser was sent to
    issuer        TEXT,               -- from metadata, to check `iss` on the way back
    next          TEXT NOT NULL,      -- same-site path to return to
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT                -- set once: a state is single-use
);
CREATE INDEX auth_requests_expires ON auth_requests (expires_at);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,    -- SHA-256 of the cookie value
    me           TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    refreshed_at TEXT NOT NULL,       -- last time the expiry slid forward
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE author_cards (
    me         TEXT PRIMARY KEY,
    card       TEXT NOT NULL,         -- JSON of the parsed representative h-card
    fetched_at TEXT NOT NULL
);
