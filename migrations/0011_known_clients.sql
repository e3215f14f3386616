-- What the blog's own IndieAuth server learnt about each app at consent time (its
-- client information document or h-app): shown on the admin's Apps page beside the
-- app's tokens. The logo is kept as fetched (bounded in size, never SVG) and shown
-- inline, so pages load nothing from the app's site.
CREATE TABLE known_clients (
    client_id  TEXT PRIMARY KEY,
    name       TEXT,
    url        TEXT,
    logo_type  TEXT,                  -- media type of `logo`, e.g. image/png
    logo       BLOB,                  -- at most 256 kB
    fetched_at TEXT NOT NULL
);
