-- Whether the note's title was given as a name (Micropub `name`, import `title`) rather
-- than read from a leading `# Heading`: a name equal to the heading stays a name, and
-- survives when the content is later replaced.
ALTER TABLE notes ADD COLUMN name_given INTEGER NOT NULL DEFAULT 0 CHECK (name_given IN (0, 1));
