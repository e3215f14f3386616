-- The first-run set-up link and the owner's WebAuthn user handle (issue 10).
--
-- A set-up token is 256 random bits, kept only as its SHA-256: the log line that shows
-- the link is the one place the token itself exists. A token is good until used or
-- until `expires_at` (24 hours), and only while the owner has no credential at all.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,       -- lowercase hex SHA-256 of the token
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT                    -- NULL until spent
);

-- The owner's WebAuthn user handle (a random UUID): the same for every passkey the
-- owner registers, so authenticators keep one account per site rather than one per key.
CREATE TABLE owner_webauthn (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    user_id TEXT NOT NULL
);
