"""Fuzzy matching of what people type to what the corpus knows: speakers, topics, countries, years.

The match lists are built once per corpus version and kept in memory; a query costs a few rapidfuzz
passes in C over those lists and never scans a table. Words that match nothing go to full-text search.
Other scripts are transliterated first, so "Норов" finds Norov and "习近平" finds Xi Jinping.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
import unicodedata
from collections import OrderedDict
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
# How many of the most-quoted names a weak "did you mean" suggestion is looked for among.
CLOSEST_POOL = 3000
# Names (the most-quoted first) that fuzzy matching looks through; beyond them only exact spelling finds a
# name. Each fuzzy pass costs a few hundred nanoseconds per name, and a query makes three.
FUZZY_POOL = 12_000
# Resolutions kept per index: people ask for the same few names again and again.
RESOLUTIONS_KEPT = 2048
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


class _Window:
    """Strings sorted by length, so a fuzzy pass only compares strings long or short enough to reach a score.

    A rapidfuzz ratio of at least p% needs the shorter string to be at least p/(200-p) of the longer one,
    so "norov" is never compared with "mohammad javad zarif": the answer is the same, for a fraction of the work.
    """

    def __init__(self, strings: Iterable[tuple[str, int]]) -> None:
        ordered = sorted(strings, key=lambda pair: len(pair[0]))
        self.strings = [string for string, _ in ordered]
        self.owners = [owner for _, owner in ordered]
        self.lengths = [len(string) for string in self.strings]

    def extract(self, query: str, limit: int) -> list[tuple[int, float]]:
        """(owner, score) of the best `limit` strings whose ratio to `query` reaches SUGGEST."""
        share = SUGGEST / 100.0
        lo = bisect.bisect_left(self.lengths, math.floor(len(query) * share / (2.0 - share)))
        hi = bisect.bisect_right(self.lengths, math.ceil(len(query) * (2.0 - share) / share))
        found = process.extract(query, self.strings[lo:hi], scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGEST)
        return [(self.owners[lo + position], score) for _, score, position in found]


@dataclass(slots=True)
class _Names:
    """One kind's match list: the distinct strings to match and the targets each string stands for."""

    strings: list[str] = field(default_factory=list)
    owners: list[dict[Target, None]] = field(default_factory=list)  # a dict as an ordered set
    words: dict[str, set[int]] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict)
    _words: list[str] = field(default_factory=list)
    _windows: tuple[_Window, _Window, _Window] | None = None

    def add(self, name: str, target: Target) -> None:
        folded = fold(name)
        if not folded:
            return
        index = self._position.get(folded)
        if index is None:
            # Roles repeat ("foreign minister" for hundreds of people): each string is compared once.
            index = self._position[folded] = len(self.strings)
            self.strings.append(folded)
            self.owners.append({})
            self._windows = None
        self.owners[index][target] = None
        for word in folded.split():
            if len(word) > 1:
                self.words.setdefault(word, set()).add(index)

    def windows(self) -> tuple[_Window, _Window, _Window]:
        if self._windows is None:
            pool = range(len(self.strings))
            if len(self.strings) > FUZZY_POOL:
                # Typos are forgiven for the most-quoted names; the long tail must be spelt exactly.
                best = [max(target.count for target in owners) for owners in self.owners]
                pool = sorted(pool, key=lambda i: -best[i])[:FUZZY_POOL]
            kept = set(pool)
            words = self._words = [w for w, indices in self.words.items() if not kept.isdisjoint(indices)]
            self._windows = (
                # token_sort_ratio is ratio on sorted words; the names' words are sorted once, here.
                _Window((" ".join(sorted(self.strings[i].split())), i) for i in pool),
                _Window((self.strings[i].replace(" ", ""), i) for i in pool),
                _Window((word, i) for i, word in enumerate(words)),
            )
        return self._windows

    def score(self, query: str, limit: int = 12, exact_only: bool = False) -> dict[Target, float]:
        """Each target's best score: a whole name beats one word of a longer name, and a typo costs a little.

        With `exact_only`, only whole names and words spelt exactly as `query` count: no fuzzy pass.
        """
        found: dict[Target, float] = {}

        def keep(index: int, score: float) -> None:
            for owner in self.owners[index]:
                if score > found.get(owner, 0.0):
                    found[owner] = score

        for index in self.words.get(query, ()):
            keep(index, WORD_WEIGHT * 100.0)
        if exact_only:
            if query in self._position:
                keep(self._position[query], 100.0)
            return found
        if len(query) < MIN_FUZZY_CHARS:
            # Two or three letters fuzzily resemble everything; only exact names and words count.
            if query in self._position:
                keep(self._position[query], 100.0)
            return found
        names, compact, words = self.windows()
        for index, score in names.extract(" ".join(sorted(query.split())), limit):
            keep(index, score)
        # "XiJinPing" from 习近平 and "xi jinping" differ only in spaces.
        for index, score in compact.extract(query.replace(" ", ""), limit):
            keep(index, score)
        if " " not in query:
            # A surname with a typo ("norrov") against the single words of every name.
            for position, score in words.extract(query, limit):
                for index in self.words[self._words[position]]:
                    keep(index, score * WORD_WEIGHT)
        return found

    def prominent(self, limit: int) -> tuple[list[str], list[Target]]:
        """The strings of the `limit` most-quoted targets, with their owner: what `closest` looks through."""
        ranked = sorted(
            ((string, owner) for string, owners in zip(self.strings, self.owners, strict=True) for owner in owners),
            key=lambda pair: -pair[1].count,
        )[:limit]
        return [string for string, _ in ranked], [owner for _, owner in ranked]


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
        self._prominent: dict[str, tuple[list[str], list[Target]]] = {}
        self._resolved: OrderedDict[tuple[str, tuple[TargetKind, ...]], Resolution] = OrderedDict()
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

        for names in self._lists.values():
            # Built with the index, in the refresh, so that no user's query pays for it.
            names.windows()

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
        """What `query` means among `kinds`; popular queries are answered from a cache of this version's."""
        key = (query, tuple(sorted(set(kinds))))
        cached = self._resolved.get(key)
        if cached is None:
            cached = self._resolve(query, key[1])
            self._resolved[key] = cached
            while len(self._resolved) > RESOLUTIONS_KEPT:
                self._resolved.popitem(last=False)
        else:
            self._resolved.move_to_end(key)
        return cached

    def _resolve(self, query: str, kinds: Iterable[TargetKind]) -> Resolution:
        folded = fold(query[:MAX_QUERY_CHARS])
        if not folded:
            return Resolution(query)
        wanted = set(kinds)
        if "year" in wanted and _YEAR.fullmatch(folded):
            return Resolution(query, (Match(Target("year", folded, folded), 100.0),))
        # A name or word spelt exactly is taken as meant; the fuzzy passes, which cost a pass over every
        # name (tens of thousands in a big corpus), are for queries that match nothing exactly.
        scored: dict[Target, float] = {}
        for kind, names in self._lists.items():
            if kind in wanted:
                scored.update(names.score(folded, exact_only=True))
        if not any(s >= CONFIDENT for t, s in scored.items() if t.count > 0 or t.kind == "country"):
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
            if kind not in self._prominent:
                # WRatio has no cut-off to prune with, so it looks only through the most-quoted names.
                self._prominent[kind] = self._lists[kind].prominent(CLOSEST_POOL)  # type: ignore[index]
            strings, owners = self._prominent[kind]
            for _, score, index in process.extract(folded, strings, scorer=fuzz.WRatio, limit=limit):
                found.append((score, owners[index]))
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
# Selections (up to RESULT_LIMIT ids each) kept between requests: a few MB at most.
SELECTIONS_KEPT = 256
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
        self._selections: OrderedDict[str, list[int]] = OrderedDict()

    async def refresh(self) -> bool:
        """Rebuild the match lists if the corpus changed since they were built; True when it did."""
        version = await self.store.corpus_version()
        if version == self.index.version:
            return False
        self.index = await SearchIndex.from_store(self.store)
        self._selections.clear()
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
        """The statement ids of a selection, best first; None when the key is unknown or expired.

        A query asks for its selection at least twice (to find it, then to show a card), and every ◀ ▶ press
        asks again, so the latest selections are kept until the corpus version moves.
        """
        cached = self._selections.get(key)
        if cached is not None:
            self._selections.move_to_end(key)
            return list(cached)
        found = await self._lookup(key)
        if found is not None:
            self._selections[key] = list(found)
            while len(self._selections) > SELECTIONS_KEPT:
                self._selections.popitem(last=False)
        return found

    async def _lookup(self, key: str) -> list[int] | None:
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
