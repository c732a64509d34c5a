-- What each corpus version changed, so a searcher a few versions behind updates only those speakers,
-- topics and countries. A version missing from the log (older ones are pruned), or one marked rebuild
-- (a new taxonomy, or a load changing too many names to list), makes a searcher rebuild from scratch.
CREATE TABLE corpus_versions (version INTEGER PRIMARY KEY, rebuild INTEGER NOT NULL);
CREATE TABLE corpus_changes (
    version INTEGER NOT NULL REFERENCES corpus_versions(version) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('speaker', 'topic', 'country')),
    key TEXT NOT NULL,
    PRIMARY KEY (version, kind, key)
) WITHOUT ROWID;
