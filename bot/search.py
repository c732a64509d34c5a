"""Fuzzy matching of what people type to what the corpus knows: speakers, topics, countries, years.

The match lists are built once per corpus version and kept in memory; a query costs a few rapidfuzz
passes in C over those lists and never scans a table. Words that match nothing go to full-text search.
Other scripts are transliterated first, so "Норов" finds Norov and "习近平" finds Xi Jinping.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from anyascii import anyascii
from rapidfuzz import fuzz, process

from bot.corpus.countries import country_aliases
from bot.store import NamedCount, SpeakerNames, Store

TargetKind = Literal["speaker", "topic", "country", "year"]

# Scores are rapidfuzz's 0-100. A match this good is taken as meant; between SUGGEST and CONFIDENT we ask.
CONFIDENT = 85.0
SUGGEST = 60.0
# Matches this close to the best one are equally plausible, so the user chooses.
AMBIGUITY_BAND = 3.0
# One word of a longer name ("zhang" in "Zhang Ming") counts a little less than the whole name.
WORD_WEIGHT = 0.95
MIN_FUZZY_CHARS = 4
MAX_QUERY_CHARS = 200
_WORD = re.compile(r"[^\W_]+")
_YEAR = re.compile(r"(19|20)\d\d")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def fold(text: str) -> str:
    """Lower-case ASCII words: transliterated, accents and punctuation gone, camel case split."""
    ascii_text = _CAMEL.sub(" ", anyascii(unicodedata.normalize("NFKC", text)))
    return " ".join(_WORD.findall(ascii_text.lower()))


def fts_expression(query: str, any_word: bool = False) -> str | None:
    """A safe FTS5 expression for the words of `query`; operators and quotes never pass through."""
    # Single letters match nearly every row, and a prefix search only helps on longer words.
    words = [word for word in fold(query).split() if len(word) > 1][:12]
    if not words:
        return None
    return (" OR " if any_word else " ").join(f'"{word}"*' if len(word) > 3 else f'"{word}"' for word in words)


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    key: str  # speaker id, topic name, country name or year
    label: str
    count: int = 0
    detail: str | None = None  # a speaker's role


@dataclass(frozen=True, slots=True)
class Match:
    target: Target
    score: float


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a query means: one target, several equally good ones, or only suggestions."""

    query: str
    matches: tuple[Match, ...] = ()
    suggestions: tuple[Match, ...] = ()

    @property
    def best(self) -> Target | None:
        return self.matches[0].target if len(self.matches) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.matches) > 1


@dataclass(slots=True)
class _Names:
    """One kind's match list: the strings to match and the target each string stands for."""

    strings: list[str] = field(default_factory=list)
    compact: list[str] = field(default_factory=list)
    owners: list[Target] = field(default_factory=list)
    words: dict[str, set[int]] = field(default_factory=dict)

    def add(self, name: str, target: Target) -> None:
        folded = fold(name)
        if not folded:
            return
        index = len(self.strings)
        self.strings.append(folded)
        self.compact.append(folded.replace(" ", ""))
        self.owners.append(target)
        for word in folded.split():
            if len(word) > 1:
                self.words.setdefault(word, set()).add(index)

    def score(self, query: str, limit: int = 12) -> dict[Target, float]:
        """Each target's best score: a whole name beats one word of a longer name, and a typo costs a little."""
        found: dict[Target, float] = {}

        def keep(index: int, score: float) -> None:
            owner = self.owners[index]
            if score > found.get(owner, 0.0):
                found[owner] = score

        for index in self.words.get(query, ()):
            keep(index, WORD_WEIGHT * 100.0)
        if len(query) < MIN_FUZZY_CHARS:
            # Two or three letters fuzzily resemble everything; only exact names and words count.
            for index, string in enumerate(self.strings):
                if string == query:
                    keep(index, 100.0)
            return found
        for _, score, index in process.extract(
            query, self.strings, scorer=fuzz.token_sort_ratio, limit=limit, score_cutoff=SUGGEST
        ):
            keep(index, score)
        # "XiJinPing" from 习近平 and "xi jinping" differ only in spaces.
        for _, score, index in process.extract(
            query.replace(" ", ""), self.compact, scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGEST
        ):
            keep(index, score)
        if " " not in query:
            # A surname with a typo ("norrov") against the single words of every name.
            for word, score, _ in process.extract(
                query, list(self.words), scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGEST
            ):
                for index in self.words[word]:
                    keep(index, score * WORD_WEIGHT)
        return found


class SearchIndex:
    """The in-memory match lists of one corpus version."""

    def __init__(
        self,
        speakers: Iterable[SpeakerNames] = (),
        topics: dict[str, Sequence[str]] | None = None,
        topic_counts: Iterable[NamedCount] = (),
        country_counts: Iterable[NamedCount] = (),
        version: int = 0,
    ) -> None:
        self.version = version
        self.speakers: dict[int, Target] = {}
        self.topics: dict[str, Target] = {}
        self.countries: dict[str, Target] = {}
        self._lists: dict[TargetKind, _Names] = {"speaker": _Names(), "topic": _Names(), "country": _Names()}
        for speaker in speakers:
            target = Target("speaker", str(speaker.id), speaker.name, speaker.statements, speaker.role)
            self.speakers[speaker.id] = target
            for name in (speaker.name, *speaker.aliases):
                self._lists["speaker"].add(name, target)
            if speaker.role:
                self._lists["speaker"].add(speaker.role, target)
        counts = {c.name: c.count for c in topic_counts}
        for topic, keywords in (topics or {}).items():
            target = Target("topic", topic, topic, counts.get(topic, 0))
            self.topics[topic] = target
            for name in (topic, *keywords):
                self._lists["topic"].add(name, target)
        country_count = {c.name: c.count for c in country_counts}
        for alias, country in country_aliases().items():
            target = self.countries.setdefault(
                country, Target("country", country, country, country_count.get(country, 0))
            )
            self._lists["country"].add(alias, target)

    @classmethod
    async def from_store(cls, store: Store) -> SearchIndex:
        return cls(
            speakers=await store.speaker_names(),
            topics=await store.topic_keywords(),
            topic_counts=await store.topic_counts(),
            country_counts=await store.country_counts(),
            version=await store.corpus_version(),
        )

    def resolve(self, query: str, kinds: Iterable[TargetKind] = ("speaker", "topic", "country")) -> Resolution:
        folded = fold(query[:MAX_QUERY_CHARS])
        if not folded:
            return Resolution(query)
        wanted = set(kinds)
        if "year" in wanted and _YEAR.fullmatch(folded):
            return Resolution(query, (Match(Target("year", folded, folded), 100.0),))
        scored: dict[Target, float] = {}
        for kind, names in self._lists.items():
            if kind in wanted:
                scored.update(names.score(folded))
        # Only targets with something to show are worth offering.
        ranked = sorted(
            (Match(t, s) for t, s in scored.items() if t.count > 0 or t.kind == "country"),
            key=lambda m: (-m.score, -m.target.count, m.target.label),
        )
        if not ranked:
            return Resolution(query)
        top = ranked[0].score
        if top >= CONFIDENT:
            close = tuple(m for m in ranked if m.score >= max(CONFIDENT, top - AMBIGUITY_BAND))
            return Resolution(query, close[:8])
        return Resolution(query, suggestions=tuple(ranked[:4]))

    def closest(self, query: str, limit: int = 4) -> list[Target]:
        """Whatever is nearest, however weak: what to suggest when nothing matched."""
        folded = fold(query[:MAX_QUERY_CHARS]) or " "
        found: list[tuple[float, Target]] = []
        for kind in ("speaker", "topic"):
            names = self._lists[kind]  # type: ignore[index]
            for _, score, index in process.extract(folded, names.strings, scorer=fuzz.WRatio, limit=limit):
                found.append((score, names.owners[index]))
        unique: dict[Target, float] = {}
        for score, target in sorted(found, key=lambda pair: -pair[0]):
            unique.setdefault(target, score)
        return list(unique)[:limit]

    def speaker(self, speaker_id: int) -> Target | None:
        return self.speakers.get(speaker_id)

    def top_speakers(self, limit: int = 3) -> list[Target]:
        return sorted(self.speakers.values(), key=lambda t: -t.count)[:limit]


# -- from a query to statements ----------------------------------------------------------------------

TEXT_SEARCHES_KEPT = 5000
RESULT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Found:
    """The answer to a query: a selection of statements (by its short key), or why there is none."""

    resolution: Resolution
    key: str | None = None
    title: str = ""
    ids: tuple[int, ...] = ()


# Callback data holds "view|key|position" within 64 bytes, so a key gets at most this many.
MAX_KEY_BYTES = 40
_KEY_PREFIX: dict[TargetKind, str] = {"speaker": "s", "topic": "t", "country": "c", "year": "y"}


def short_digest(text: str) -> str:
    return hashlib.blake2s(text.encode(), digest_size=6).hexdigest()


def selection_key(target: Target) -> str:
    """A short, stable name for a target's statements, small enough for callback data.

    Names that would not fit (an operator's long topic name) are replaced by a digest of the name.
    """
    prefix = _KEY_PREFIX[target.kind]
    key = f"{prefix}:{target.key}"
    return key if len(key.encode()) <= MAX_KEY_BYTES else f"{prefix}#{short_digest(target.key)}"


class Searcher:
    """Answers queries from the in-memory index and the store; rebuilt when the corpus version moves."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = SearchIndex(version=-1)
        self._text_queries: dict[str, str] = {}

    async def refresh(self) -> bool:
        """Rebuild the match lists if the corpus changed since they were built; True when it did."""
        version = await self.store.corpus_version()
        if version == self.index.version:
            return False
        self.index = await SearchIndex.from_store(self.store)
        return True

    async def find(self, query: str, kinds: Iterable[TargetKind] = ("speaker", "topic", "country")) -> Found:
        resolution = self.index.resolve(query, kinds)
        target = resolution.best
        if target is not None:
            key = selection_key(target)
            ids = await self.ids(key)
            if ids:
                return Found(resolution, key, self.title(key), tuple(ids))
        if resolution.ambiguous:
            return Found(resolution)
        key = self._remember_text(query)
        ids = await self.ids(key) if key else None
        if ids:
            return Found(resolution, key, self.title(key), tuple(ids))
        if not resolution.suggestions:
            closest = self.index.closest(query)
            resolution = Resolution(query, suggestions=tuple(Match(t, 0.0) for t in closest))
        return Found(resolution)

    async def ids(self, key: str) -> list[int] | None:
        """The statement ids of a selection, best first; None when the key is unknown or expired."""
        key = self._expand(key)
        kind, _, value = key.partition(":")
        if kind == "s" and value.isdigit():
            return await self.store.ids_by_speakers([int(value)], RESULT_LIMIT)
        if kind == "t":
            return await self.store.ids_by_topic(value, RESULT_LIMIT)
        if kind == "c":
            return await self.store.ids_by_country(value, RESULT_LIMIT)
        if kind == "y" and value.isdigit():
            year = int(value)
            return await self.store.ids_by_date(date(year, 1, 1), date(year, 12, 31), limit=RESULT_LIMIT)
        if kind == "a":
            return await self.store.ids_by_date(limit=RESULT_LIMIT)
        if kind == "x" and value in self._text_queries:
            query = self._text_queries[value]
            for any_word in (False, True):
                expression = fts_expression(query, any_word)
                found = await self.store.ids_by_text(expression, RESULT_LIMIT) if expression else []
                if found:
                    return found
            return []
        return None

    def _expand(self, key: str) -> str:
        """Turn a digest key ("t#…") back into the name it stands for, while the index knows it."""
        prefix, hashed, digest = key.partition("#")
        if not hashed:
            return key
        names = {"t": self.index.topics, "c": self.index.countries}.get(prefix, {})
        for name in names:
            if short_digest(name) == digest:
                return f"{prefix}:{name}"
        return key

    def title(self, key: str) -> str:
        key = self._expand(key)
        kind, _, value = key.partition(":")
        if kind == "s" and value.isdigit():
            target = self.index.speaker(int(value))
            return target.label if target else "this speaker"
        if kind == "x":
            return f"“{self._text_queries.get(value, '…')}”"
        if kind == "a":
            return "the whole corpus"
        return value

    def _remember_text(self, query: str) -> str | None:
        folded = fold(query[:MAX_QUERY_CHARS])
        if not folded:
            return None
        digest = short_digest(folded)
        self._text_queries.pop(digest, None)
        self._text_queries[digest] = query[:MAX_QUERY_CHARS]
        while len(self._text_queries) > TEXT_SEARCHES_KEPT:
            self._text_queries.pop(next(iter(self._text_queries)))
        return f"x:{digest}"
