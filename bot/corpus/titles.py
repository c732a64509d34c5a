"""What a title says: its words with their spellings and abbreviations, and the country it is of.

"Prime Minister" is also "PM", "lawmaker" also "MP"; "Iranian president" and "president of Iran" are one
title. Coreference compares these word sets to decide which person a role noun stands for.
"""

from __future__ import annotations

import functools

from bot.corpus.countries import canonical_country

# Spellings of one title, and the abbreviations news uses for titles: each set is one title.
_TITLE_VARIANTS: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(full.split()), frozenset(short.split()))
    for full, short in (
        ("prime minister", "pm"),
        ("prime minister", "premier"),
        ("foreign minister", "fm"),
        ("defence minister", "dm"),
        ("defense minister", "dm"),
        ("secretary general", "sg"),
        ("lawmaker", "mp"),
        ("legislator", "mp"),
        ("parliamentarian", "mp"),
        ("spokesman", "spokesperson"),
        ("spokeswoman", "spokesperson"),
        ("counselor", "counsellor"),
        ("councilor", "counsellor"),
        ("councillor", "counsellor"),
        ("adviser", "advisor"),
    )
)
# Words in a title that say nothing about which office it is.
TITLE_NOISE = frozenset({"mr", "mrs", "ms", "dr", "prof", "the", "a", "an", "'s", "’s", "of", "and", "for", "to"})


def title_words(words: set[str] | frozenset[str]) -> set[str]:
    """Title words with their variants: "prime minister" also reads "pm", "mp" also "lawmaker"."""
    found = set(words)
    for full, short in _TITLE_VARIANTS:
        if full <= found:
            found |= short
        if short <= found:
            found |= full
    # "Iranian president" and "president of Iran" are one title: a nationality reads as its country.
    return found | {_COUNTRY_WORD + country for country in map(_country_of, found) if country}


_COUNTRY_WORD = "country:"


@functools.cache
def _country_of(word: str) -> str | None:
    return canonical_country(word) if word.isalpha() and len(word) > 2 else None


def _countries(titles: set[str]) -> set[str]:
    return {t for t in titles if t.startswith(_COUNTRY_WORD)}


def other_country(wanted: set[str], titles: set[str]) -> bool:
    """ "the Iranian president" is never the Russian one, however near."""
    country, theirs = _countries(wanted), _countries(titles)
    return bool(country) and bool(theirs) and not country & theirs
