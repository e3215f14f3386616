-- The blog as its own IndieAuth server: authorization codes and the tokens they become.
--
-- Codes and tokens are 256-bit random strings handed to a client once; only their
-- SHA-256 hex digests are stored, so a copy of the database lets nobody post.
-- Times are fixed-width RFC 3339 UTC text, as everywhere else (text order = time order).

CREATE TABLE auth_codes (
    code_hash      TEXT PRIMARY KEY,   -- SHA-256 of the code sent to the client
    client_id      TEXT NOT NULL,      -- the code is bound to this client...
    redirect_uri   TEXT NOT NULL,      -- ...and this redirect URI
    -- PKCE S256 challenge. NULL only when INDIEAUTH_REQUIRE_PKCE=false let an older
    -- app in without PKCE; a code issued with one can only be redeemed with its verifier.
    code_challenge TEXT,
    scope          TEXT NOT NULL DEFAULT '',  -- space-separated, as approved on consent
    me             TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,      -- ten minutes after created_at
    used_at        TEXT,               -- set once: a code is single-use
    -- Set when a used code comes back: the tokens it issued are revoked, and tokens
    -- still being issued for it (a race with the first redemption) are refused.
    reused_at      TEXT
);
CREATE INDEX auth_codes_expires ON auth_codes (expires_at);

CREATE TABLE issued_tokens (
    token_hash   TEXT PRIMARY KEY,     -- SHA-256 of the token sent to the client
    kind         TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    client_id    TEXT NOT NULL,
    scope        TEXT NOT NULL DEFAULT '',
    me           TEXT NOT NULL,
    -- The code this grant came from. Every token of one authorization carries it,
    -- through every refresh: a code used twice, a revocation or a replayed refresh
    -- token revokes the whole grant in one statement. (No foreign key: codes are
    -- purged long before their tokens.)
    from_code    TEXT NOT NULL,
    granted_at   TEXT NOT NULL,        -- when the owner approved (kept across refreshes)
    -- Access-token lifetime of the grant in seconds (NULL: until revoked), so that
    -- tokens issued by a refresh live as long as the first ones did.
    lifetime_s   INTEGER CHECK (lifetime_s IS NULL OR lifetime_s > 0),
    created_at   TEXT NOT NULL,
    last_used_at TEXT,                 -- updated at most once a minute
    expires_at   TEXT,                 -- NULL: until revoked
    revoked_at   TEXT,
    -- A refresh token's successor: set when it is rotated, so a rotated token that
    -- comes back (stolen and replayed) is told apart from one revoked by the owner.
    replaced_by  TEXT
);
CREATE INDEX issued_tokens_from_code ON issued_tokens (from_code);
CREATE INDEX issued_tokens_client ON issued_tokens (client_id);
