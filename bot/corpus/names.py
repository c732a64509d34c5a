"""What in a speaker's name identifies the person: the words left once titles, honorifics and noise are gone,
each spelt by a key that transliterations of one name share.

Names reach identity as the extractor found them: "Ayatollah Seyed Ebrahim Raisi", "Foreign Ministry
spokesman Nasser Kanani Chafi", "TEHRAN- Ebrahim Raisi", "Further Xi Jinping", "Sergei Lavrov" beside
"Sergey Lavrov". `display_name` keeps the person's own words in their own spelling; `name_words` gives the
keys that identity compares, so "Sergey"/"Sergei", "Aleksandr"/"Alexander", "Zhaparov"/"Japarov" and
"Raisi"/"Raeisi" are one word. `looks_like_person` says whether a name could be a person's whatever kind
the extractor guessed ("Modi" is often typed an organization), so a guessed kind never blocks a merge.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from bot.corpus.countries import country_aliases

_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A wire dateline the extractor left in front of a name: "TEHRAN- Ebrahim Raisi", "MOSCOW — Lavrov".
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,}\s*[-–—:]+\s*")
# Honorifics and titles that can sit in front of a name but never identify anyone.
TITLE_WORDS = frozenset(
    "mr mrs ms miss dr prof sir madam mister his her excellency he hon honorable honourable comrade "
    "president vice prime minister deputy foreign secretary general spokesman spokeswoman spokesperson "
    "chairman chairwoman ambassador senator sen rep representative governor mayor king queen premier "
    "chancellor state councilor the ayatollah seyed seyyed sayyid sayyed sayed syed sheikh shaikh sheik "
    "hojatoleslam hojjatoleslam imam grand supreme leader gen lt col maj adm envoy advisor adviser "
    "national security special presidential emir crown prince".split()
)
# Words that start a sentence and that the extractor can leave in front of a name.
_LEADING_NOISE = frozenset(
    "further also however meanwhile moreover furthermore additionally then but and so yet still besides "
    "likewise similarly earlier later today yesterday separately finally first second".split()
)
# Words of institutions, documents and groups: a name holding one is not a person's.
_NOT_PERSON_WORDS = frozenset(
    "ministry ministries office service secretariat council committee commission organization organisation "
    "government agency department embassy press party parliament assembly bank fund union association "
    "army forces force military police court declaration statement report charter communique summit "
    "sco brics nato un uno members member states state administration cabinet kremlin pmo tass xinhua "
    "irna news times daily post agency group media spokesperson's people's republic".split()
)


def _ascii_words(name: str) -> list[str]:
    if _HAN.search(name):
        # A Chinese name is its family name's syllable, then the given name's run together: 习近平 → Xi Jinping.
        syllables = [anyascii(char) for char in name if _HAN.match(char)]
        return [s.lower() for s in (syllables[0], "".join(syllables[1:])) if s]
    return _WORD.findall(_CAMEL.sub(" ", anyascii(unicodedata.normalize("NFKC", name))).lower())


def display_name(name: str) -> str:
    """The person's own name out of what the article gave: no dateline, leading titles or role before it.

    "Foreign Ministry spokesman Nasser Kanani Chafi" → "Nasser Kanani Chafi"; a name that is an institution
    ("press service of Uzbek President Shavkat Mirziyoyev") is kept whole, for it is not that person.
    """
    text = _DATELINE.sub("", " ".join(name.split())).strip(" ,;:-–—")
    words = text.split()
    countries = _folded_country_names()
    # "Further Xi Jinping", "Kazakhstan Ahmadinejad": a sentence's first word, or a country, before the name.
    while len(words) > 1 and (
        words[0].strip(".,").lower() in _LEADING_NOISE
        or (_is_country(words[0], countries) and looks_like_person(" ".join(words[1:])))
    ):
        words = words[1:]
    # "Ebrahim Raisi of Iran": the country after a person's name is where they are from.
    if len(words) > 2 and words[-2] == "of" and _is_country(words[-1], countries):
        words = words[:-2]
    lowered = [w.strip(".,").lower() for w in words]
    if "of" in lowered:
        # An institution's press service speaks for it ("service of the SCO Secretariat"); a person's press
        # service is not that person, so it stays whole.
        of = lowered.index("of")
        rest = words[of + 1 :][1:] if lowered[of + 1 : of + 2] == ["the"] else words[of + 1 :]
        if set(lowered[:of]) <= {"press", "service"} and rest and not looks_like_person(" ".join(rest)):
            return " ".join(rest)
        return " ".join(words)
    # The words after the last title, when they are a capitalised name: the role goes, the name stays.
    last_title = max((i for i, w in enumerate(lowered) if w in TITLE_WORDS), default=-1)
    rest = words[last_title + 1 :]
    if last_title >= 0 and rest and all(w[:1].isupper() for w in rest) and looks_like_person(" ".join(rest)):
        return " ".join(rest)
    return " ".join(words) or name


@lru_cache(maxsize=65536)
def spelling_key(word: str) -> str:
    """One key for the transliterations of a name's word: its consonant skeleton, first letter kept.

    Short words ("Xi", "Yi", "Wang") are their own key: a skeleton of two letters would join unrelated names.
    """
    if len(word) <= 4 or word.isdigit():
        return word
    key = word.replace("dzh", "j").replace("zh", "j").replace("dj", "j").replace("x", "ks").replace("ph", "f")
    key = key.replace("ck", "k").replace("w", "v").replace("q", "k").replace("y", "i")
    head, tail = key[0], re.sub(r"[aeiou]", "", key[1:])
    return head + re.sub(r"([a-z])\1+", r"\1", tail)


@lru_cache(maxsize=65536)
def name_words(name: str) -> frozenset[str]:
    """The identifying words of a name, by spelling key: transliterated, folded, without titles or noise."""
    return frozenset(spelling_key(w) for w in _ascii_words(display_name(name)) if w not in TITLE_WORDS)


@lru_cache(maxsize=65536)
def looks_like_person(name: str) -> bool:
    """Whether a name could be a person's: a few words, none of an institution's, not a bare country."""
    words = _ascii_words(name)
    if not words or len(words) > 6 or any(w in _NOT_PERSON_WORDS for w in words):
        return False
    return " ".join(words) not in _folded_country_names()


def _is_country(word: str, countries: frozenset[str]) -> bool:
    return word[:1].isupper() and " ".join(_ascii_words(word)) in countries


@lru_cache(maxsize=1)
def _folded_country_names() -> frozenset[str]:
    return frozenset(" ".join(_ascii_words(alias)) for alias in country_aliases())
