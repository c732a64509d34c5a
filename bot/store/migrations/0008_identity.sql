-- Identity compares names by the spelling keys of their words (bot/corpus/names.py) and lets any name that
-- looks like a person's take part, whatever kind was guessed: every speaker is filed again under its terms.
DELETE FROM speaker_terms;
INSERT OR IGNORE INTO speaker_terms (term, speaker_id)
SELECT t.value, s.id
FROM speakers s,
    json_each(scobot_speaker_terms(
        s.name, s.kind, (SELECT json_group_array(alias) FROM speaker_aliases WHERE speaker_id = s.id)
    )) t;

-- One statement, many sources: the same speaker's same words reported by several articles are one row,
-- with every article that reports them here (its own first). `text_key` is the words, folded
-- (bot/store/writes.py); a database loaded before this keeps NULL there, and so its copies, until its
-- articles are loaded again.
ALTER TABLE statements ADD COLUMN text_key TEXT;
CREATE INDEX statements_by_text_key ON statements(speaker_id, text_key) WHERE text_key IS NOT NULL;
CREATE TABLE statement_sources (
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL,
    PRIMARY KEY (statement_id, document_id, paragraph)
) WITHOUT ROWID;
CREATE INDEX statement_sources_by_document ON statement_sources(document_id);
INSERT INTO statement_sources (statement_id, document_id, paragraph)
SELECT id, document_id, paragraph FROM statements;
