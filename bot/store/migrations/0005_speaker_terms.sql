-- The terms each speaker is filed under (its alias keys, and a person's name words): a load resolves its
-- names against the few speakers filed under their terms instead of building every speaker's identity.
-- scobot_speaker_terms is a Python function the store registers on its connection (bot/speaker_terms.py).
CREATE TABLE speaker_terms (
    term TEXT NOT NULL,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    PRIMARY KEY (term, speaker_id)
) WITHOUT ROWID;
CREATE INDEX speaker_terms_by_speaker ON speaker_terms(speaker_id);
INSERT OR IGNORE INTO speaker_terms (term, speaker_id)
SELECT t.value, s.id
FROM speakers s,
    json_each(scobot_speaker_terms(
        s.name, s.kind, (SELECT json_group_array(alias) FROM speaker_aliases WHERE speaker_id = s.id)
    )) t;
