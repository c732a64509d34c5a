"""The terms a speaker is filed under, so a load builds the identity of only the speakers its names can meet.

`SpeakerDirectory.resolve` decides what a name is from the speakers that share its alias key and, for a
person's name, the people that share one of its words (and, through them, whether a word is shared by
anyone else). A person whose name is made only of title words takes part through its alias key alone.
The store files every speaker under its alias keys and (for a person) its name words, and a load looks up
only the terms of its own names: the same answer as a directory of everyone, from a few hundred speakers
instead of tens of thousands.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

# alias_key is the directory's own rule for "the same name"; the filing must follow it exactly.
from bot.corpus.identity import alias_key, is_person_name, name_words

KEY = "k:"
WORD = "w:"


def speaker_terms(name: str, kind: str, aliases: Iterable[str] = ()) -> set[str]:
    """Every term the speaker is filed under."""
    terms = {KEY + alias_key(alias) for alias in (name, *aliases)}
    if is_person_name(name, kind):
        terms |= {WORD + word for word in name_words(name)}
    return terms


def lookup_terms(names: Iterable[tuple[str, str]]) -> set[str]:
    """The terms of the speakers that resolving these (name, kind) pairs can depend on."""
    terms: set[str] = set()
    for name, kind in names:
        terms.add(KEY + alias_key(name))
        if is_person_name(name, kind):
            terms |= {WORD + word for word in name_words(name)}
    return terms


def speaker_terms_json(name: str, kind: str, aliases_json: str | None) -> str:
    """`speaker_terms` for SQLite (`scobot_speaker_terms`): aliases in and terms out as JSON arrays."""
    aliases = [alias for alias in json.loads(aliases_json or "[]") if alias is not None]
    return json.dumps(sorted(speaker_terms(name, kind, aliases)))
