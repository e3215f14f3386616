-- What the full-text index reads for a note whose content is not Markdown: the text of
-- an HTML note (tags dropped), so a search for "href" or "strong" finds no markup.
-- NULL (Markdown notes) indexes the content as written, as before.
ALTER TABLE notes ADD COLUMN search_text TEXT;

DROP TRIGGER notes_fts_insert;
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, title, content)
    VALUES (new.id, coalesce(new.title, ''), coalesce(new.search_text, new.content));
END;

DROP TRIGGER notes_fts_update;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, content, search_text ON notes BEGIN
    DELETE FROM notes_fts WHERE rowid = old.id;
    INSERT INTO notes_fts (rowid, title, content)
    VALUES (new.id, coalesce(new.title, ''), coalesce(new.search_text, new.content));
END;
