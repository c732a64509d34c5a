-- The full-text index, made again for two reasons.
-- Words match by their stems: "currencies" finds "currency" and "sanction" finds "sanctioned", where the
-- beginning of a word ("currencies"*) found only longer spellings of itself. A stem is one exact term,
-- whose rows FTS5 walks newest first and stops at the limit; a beginning ("sanction"*) first merges the rows
-- of every term it stands for, several times the work on a common word, so it is only the fallback.
-- Each statement's speaker is a term of its own column ("s42"), so "Putin on Afghanistan" is one FTS5
-- query that steps through Putin's rows, not a walk over every row holding "Afghanistan" to check its speaker.
DROP TRIGGER statements_fts_insert;
DROP TRIGGER statements_fts_delete;
DROP TABLE statements_fts;
ALTER TABLE statements ADD COLUMN speaker_term TEXT GENERATED ALWAYS AS ('s' || speaker_id) VIRTUAL;
CREATE VIRTUAL TABLE statements_fts USING fts5(
    text, speaker_term, content='statements', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts(rowid, text, speaker_term) VALUES (new.id, new.text, 's' || new.speaker_id);
END;
CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text, speaker_term)
    VALUES ('delete', old.id, old.text, 's' || old.speaker_id);
END;
CREATE TRIGGER statements_fts_update AFTER UPDATE OF text, speaker_id ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text, speaker_term)
    VALUES ('delete', old.id, old.text, 's' || old.speaker_id);
    INSERT INTO statements_fts(rowid, text, speaker_term) VALUES (new.id, new.text, 's' || new.speaker_id);
END;
INSERT INTO statements_fts(statements_fts) VALUES ('rebuild');
