-- The first schema: documents, speakers, statements with their topics and countries, reference data,
-- and an FTS5 index over statement text kept in step by triggers.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    date TEXT,
    place TEXT,
    outlet TEXT,
    content_hash TEXT NOT NULL,
    paragraphs TEXT NOT NULL
);
CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    role TEXT
);
CREATE TABLE speaker_aliases (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    PRIMARY KEY (speaker_id, alias)
) WITHOUT ROWID;
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL,
    speaker_id INTEGER REFERENCES speakers(id),
    speaker_role TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('direct', 'indirect', 'mixed')),
    cue TEXT NOT NULL,
    text TEXT NOT NULL,
    date TEXT
);
CREATE INDEX statements_by_document ON statements(document_id);
CREATE INDEX statements_by_speaker ON statements(speaker_id, date);
CREATE INDEX statements_by_date ON statements(date);
CREATE TABLE statement_topics (
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (topic, statement_id)
) WITHOUT ROWID;
CREATE INDEX statement_topics_by_statement ON statement_topics(statement_id);
CREATE TABLE statement_countries (
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (country, statement_id)
) WITHOUT ROWID;
CREATE INDEX statement_countries_by_statement ON statement_countries(statement_id);
CREATE TABLE topics (name TEXT PRIMARY KEY, description TEXT NOT NULL, keywords TEXT NOT NULL);
CREATE TABLE membership (
    id INTEGER PRIMARY KEY,
    country TEXT NOT NULL,
    iso2 TEXT NOT NULL,
    status TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT,
    source TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE VIRTUAL TABLE statements_fts USING fts5(
    text, content='statements', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
