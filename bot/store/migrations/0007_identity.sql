-- Identity compares names by the spelling keys of their words (bot/corpus/names.py) and lets any name that
-- looks like a person's take part, whatever kind was guessed: every speaker is filed again under its terms.
DELETE FROM speaker_terms;
INSERT OR IGNORE INTO speaker_terms (term, speaker_id)
SELECT t.value, s.id
FROM speakers s,
    json_each(scobot_speaker_terms(
        s.name, s.kind, (SELECT json_group_array(alias) FROM speaker_aliases WHERE speaker_id = s.id)
    )) t;
