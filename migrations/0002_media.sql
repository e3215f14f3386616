-- Media: stored images, their resized variants, and the photos of notes.
--
-- Paths are relative to DATA_PATH/media (`2026/11/{uuid}.jpg`) so the data folder can
-- move. A row exists only once its files were moved into place in the same
-- transaction (see src/media/store.rs).
CREATE TABLE media (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    path          TEXT NOT NULL UNIQUE,
    mime          TEXT NOT NULL,           -- of the stored file
    source_mime   TEXT NOT NULL,           -- what was uploaded (image/heic, image/mpo…)
    width         INTEGER NOT NULL CHECK (width > 0),
    height        INTEGER NOT NULL CHECK (height > 0),
    bytes         INTEGER NOT NULL CHECK (bytes >= 0),
    animated      INTEGER NOT NULL DEFAULT 0 CHECK (animated IN (0, 1)),
    original_name TEXT,                    -- the client's file name, for display only
    created_at    TEXT NOT NULL
);
CREATE INDEX media_created ON media (created_at DESC, id DESC);

CREATE TABLE media_variants (
    media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    name     TEXT NOT NULL CHECK (name IN ('thumb', 'small', 'medium', 'large')),
    path     TEXT NOT NULL UNIQUE,
    mime     TEXT NOT NULL,
    width    INTEGER NOT NULL CHECK (width > 0),
    height   INTEGER NOT NULL CHECK (height > 0),
    bytes    INTEGER NOT NULL CHECK (bytes >= 0),
    PRIMARY KEY (media_id, name)
);

-- The photos of a note: at most four (positions 0–3, each used once), in order, each
-- with an optional caption (the alt text). A soft-deleted note keeps its rows; purging
-- the note removes them (CASCADE) but never the media, which RESTRICT protects while
-- any note still shows it.
CREATE TABLE note_media (
    note_id  INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE RESTRICT,
    position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 3),
    caption  TEXT,
    PRIMARY KEY (note_id, media_id),
    UNIQUE (note_id, position)
);
CREATE INDEX note_media_media ON note_media (media_id);
