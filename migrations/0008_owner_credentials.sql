-- The owner's own credentials, for when the blog is its own IndieAuth server.
--
-- Nothing here is a secret as sent: the password is kept only as an Argon2id PHC string
-- (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), which carries its own parameters, so a
-- later change of cost still verifies older hashes.

-- At most one row: the blog has one owner, so one password.
CREATE TABLE owner_password (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    hash       TEXT NOT NULL CHECK (hash LIKE '$argon2id$%'),
    created_at TEXT NOT NULL,         -- first set
    changed_at TEXT NOT NULL          -- last set (equal to created_at until changed)
);

-- Passkeys (WebAuthn), empty until the Security page registers them. Shaped for
-- webauthn-rs: its `Passkey` serialises to JSON and is stored whole, so an upgrade of
-- the crate needs no migration; the credential id is kept beside it to find the row
-- a browser's assertion names.
CREATE TABLE passkeys (
    id           TEXT PRIMARY KEY,    -- credential id, base64url as webauthn-rs writes it
    name         TEXT NOT NULL,       -- the owner's label ("Phone", "YubiKey")
    credential   TEXT NOT NULL,       -- JSON of webauthn-rs `Passkey` (public key, counter)
    created_at   TEXT NOT NULL,
    last_used_at TEXT                 -- NULL until first used to sign in
);
