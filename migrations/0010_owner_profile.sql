-- The owner's profile, for when the blog is the owner's identity: nothing else
-- describes them then. One row at most. Pages render it as the site's h-card and
-- `rel=me` links, feeds use the name, IndieAuth `userinfo` answers from it.
CREATE TABLE owner_profile (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT NOT NULL DEFAULT '',
    photo      TEXT,                  -- absolute URL of the owner's picture, or NULL
    note       TEXT NOT NULL DEFAULT '',  -- a short description (plain text)
    email      TEXT,                  -- given to apps granted the `email` scope only
    links      TEXT NOT NULL DEFAULT '[]',  -- JSON array of rel=me URLs, in order
    updated_at TEXT NOT NULL
);
