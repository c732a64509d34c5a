"""The topic taxonomy: an operator-edited TOML file of topics and keywords, and the tagger built from it.

Keywords match case-insensitively on whole words, with the inflections an operator would expect to come
for free ("sanction" → "sanctions", "terrorism" → "terrorist"). The variants are spelled out rather than
stemmed, so a keyword never drifts into an unrelated word ("trade" must not match "tradition"), and they
all go into one trie-shaped regex per taxonomy, which keeps tagging cheap over a whole corpus.

A phrase and a word inside it are not both counted: at each place the longest keyword wins, so with
"energy security" under Energy and "security" under Security, "energy security" is Energy only.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.corpus.countries import phrase_alternation, phrase_key

_TOPIC_KEYS = frozenset({"name", "description", "keywords"})
# Words whose final "s" is not a plural, so no singular is made from them.
_NOT_PLURAL = ("ss", "us", "is", "news", "ics")


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    description: str
    keywords: tuple[str, ...]


class Taxonomy:
    """Topics and the one regex that finds any of their keywords."""

    __slots__ = ("_pattern", "_variants", "topics")

    def __init__(self, topics: Iterable[Topic] = ()) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        # variant → (topic index, acronym?) for every topic that has a keyword producing it.
        self._variants: dict[str, list[tuple[int, bool]]] = {}
        for index, topic in enumerate(self.topics):
            for keyword in topic.keywords:
                acronym = _is_acronym(keyword)
                for variant in _inflections(phrase_key(keyword), acronym):
                    entries = self._variants.setdefault(variant, [])
                    if (index, acronym) not in entries:
                        entries.append((index, acronym))
        self._pattern: re.Pattern[str] | None = None
        if self._variants:
            self._pattern = re.compile(
                r"(?<!\w)(?=\w)(?:" + phrase_alternation(sorted(self._variants)) + r")(?!\w)",
                re.IGNORECASE,
            )

    def __len__(self) -> int:
        return len(self.topics)

    @property
    def names(self) -> list[str]:
        return [topic.name for topic in self.topics]

    @property
    def keywords(self) -> dict[str, list[str]]:
        """Topic name → its keywords as written, for search."""
        return {topic.name: list(topic.keywords) for topic in self.topics}

    def topics_for(self, text: str) -> list[str]:
        """The names of the topics `text` touches, in taxonomy order."""
        if self._pattern is None:
            return []
        hits: set[int] = set()
        for match in self._pattern.finditer(text):
            written = match.group()
            for index, acronym in self._variants.get(phrase_key(written), ()):
                if not acronym or written.isupper():
                    hits.add(index)
        return [self.topics[index].name for index in sorted(hits)]


def load_taxonomy(path: Path) -> tuple[Taxonomy, list[str]]:
    """Read a taxonomy file. Bad topics are skipped and described in the problems; the rest load."""
    label = path.name
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        return Taxonomy(), [f"{label}: unreadable ({exc.strerror or exc})"]
    except UnicodeDecodeError as exc:
        return Taxonomy(), [f"{label}: not valid UTF-8 (byte {exc.start})"]
    except tomllib.TOMLDecodeError as exc:
        return Taxonomy(), [f"{label}: invalid TOML ({exc})"]
    return parse_taxonomy(data, label)


def parse_taxonomy(data: dict[str, object], label: str = "topics.toml") -> tuple[Taxonomy, list[str]]:
    """Build a taxonomy from parsed TOML (`[[topic]]` tables), reporting what is wrong as it goes."""
    problems: list[str] = []
    for key in sorted(set(data) - {"topic"}):
        problems.append(f"{label}: unknown top-level key {key!r} (topics are [[topic]] tables)")
    entries = data.get("topic", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        return Taxonomy(), [*problems, f"{label}: 'topic' must be [[topic]] tables"]
    if not entries:
        problems.append(f"{label}: no topics ([[topic]] tables) defined")

    topics: list[Topic] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        topic = _parse_topic(entry, label, number, problems)
        if topic is None:
            continue
        if topic.name.casefold() in seen:
            problems.append(f"{label}: duplicate topic {topic.name!r} (the first one is kept)")
            continue
        seen.add(topic.name.casefold())
        topics.append(topic)
    return Taxonomy(topics), problems


def _parse_topic(entry: dict[str, object], label: str, number: int, problems: list[str]) -> Topic | None:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{label}: topic #{number} has no name (skipped)")
        return None
    name = " ".join(name.split())
    where = f"{label}: topic {name!r}"
    for key in sorted(set(entry) - _TOPIC_KEYS):
        problems.append(f"{where}: unknown key {key!r} (expected name, description, keywords)")

    description = entry.get("description", "")
    if not isinstance(description, str):
        problems.append(f"{where}: description is not a string (ignored)")
        description = ""

    raw = entry.get("keywords")
    if raw is None:
        problems.append(f"{where}: no keywords (skipped)")
        return None
    if not isinstance(raw, list):
        problems.append(f"{where}: keywords must be a list of strings (skipped)")
        return None
    keywords: list[str] = []
    for position, keyword in enumerate(raw, start=1):
        if not isinstance(keyword, str) or not keyword.strip():
            problems.append(f"{where}: keyword {position} is not a non-empty string (ignored)")
            continue
        keyword = " ".join(keyword.split())
        if keyword not in keywords:
            keywords.append(keyword)
    if not keywords:
        problems.append(f"{where}: no keywords (skipped)")
        return None
    return Topic(name=name, description=description.strip(), keywords=tuple(keywords))


def _is_acronym(keyword: str) -> bool:
    # "RATS" the anti-terrorist structure is not "rats"; an all-capitals keyword must match in capitals.
    return keyword.isupper()


def _inflections(keyword: str, acronym: bool) -> set[str]:
    """The spellings `keyword` (already a phrase key) stands for; only the last word of a phrase varies."""
    if acronym:
        return {keyword}
    head, _, last = keyword.rpartition(" ")
    prefix = f"{head} " if head else ""
    # A keyword written as a plural ("sanctions") stands for its singular too.
    base = last
    if last.endswith("ies") and len(last) > 4:
        base = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(_NOT_PLURAL) and len(last) > 3:
        base = last[:-1]
    forms = {last} | _noun_forms(base)
    # A single word is also a verb or the name of a doctrine; a phrase's head noun is only pluralised.
    if not head:
        forms |= _word_family(base)
    return {prefix + form for form in forms}


def _noun_forms(word: str) -> set[str]:
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return {word, word[:-1] + "ies"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return {word, word + "es"}
    return {word, word + "s"}


def _word_family(word: str) -> set[str]:
    forms: set[str] = set()
    if len(word) < 4 or not word[-1].isalpha():
        return forms
    for suffix, family in (("ism", ("ist", "ists", "isms", "istic")), ("ist", ("ism", "isms", "ists"))):
        if word.endswith(suffix):
            return {word[: -len(suffix)] + ending for ending in family}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    elif word.endswith("y") and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ied", word + "ing"}
    else:
        forms |= {word + "ed", word + "ing"}
    return forms
