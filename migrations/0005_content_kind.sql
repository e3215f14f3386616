-- What a note's content is written in: Markdown (the admin, import, a Micropub string)
-- or HTML (Micropub `{"html": …}`), rendered through the same sanitiser either way.
ALTER TABLE notes ADD COLUMN content_kind TEXT NOT NULL DEFAULT 'markdown'
    CHECK (content_kind IN ('markdown', 'html'));
