-- Where articles came from (SEEDS_DIR/sources.csv), by document name: every load replaces the rows from the
-- file. Keyed by name rather than by documents.id, so a document parsed again keeps its source.
CREATE TABLE sources (
    document TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    fetched TEXT
) WITHOUT ROWID;
