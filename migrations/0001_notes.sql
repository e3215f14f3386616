-- Notes, tags and full-text search.
CREATE TABLE notes (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT,
    content      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_at   TEXT NOT NULL,
    published_at TEXT,
    updated_at   TEXT NOT NULL,
    deleted_at   TEXT,
    properties   TEXT NOT NULL DEFAULT '{}'
);

-- Public listings: published, not deleted, newest first.
CREATE INDEX notes_public ON notes (published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX notes_created ON notes (created_at DESC, id DESC);

CREATE TABLE tags (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,  -- normalised, lowercase
    display TEXT NOT NULL          -- as first written
);

CREATE TABLE note_tags (
    note_id  INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (note_id, tag_id)
);
CREATE INDEX note_tags_tag ON note_tags (tag_id, note_id);

-- Full-text index over title and Markdown; kept in step by triggers, so it always
-- changes in the same transaction as the note.
CREATE VIRTUAL TABLE notes_fts USING fts5 (
    title, content, tokenize = 'porter unicode61'
);

CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, title, content) VALUES (new.id, coalesce(new.title, ''), new.content);
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, content ON notes BEGIN
    DELETE FROM notes_fts WHERE rowid = old.id;
    INSERT INTO notes_fts (rowid, title, content) VALUES (new.id, coalesce(new.title, ''), new.content);
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    DELETE FROM notes_fts WHERE rowid = old.id;
END;

-- Small key/value facts about this installation (e.g. the last write time).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
