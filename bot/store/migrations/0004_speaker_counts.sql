-- Each speaker's statement count, kept by the load for the speakers it touches, so the match lists and
-- /speakers read it instead of counting a million statements.
ALTER TABLE speakers ADD COLUMN statements INTEGER NOT NULL DEFAULT 0;
UPDATE speakers SET statements = (SELECT count(*) FROM statements WHERE speaker_id = speakers.id);
