"""Fuzzy matching of what people type to what the corpus knows: speakers, topics, countries, years.

The match lists are built at start-up and kept in memory, and each new corpus version updates only the
speakers, topics and countries it changed; a query costs a few rapidfuzz passes in C over those lists and
never scans a table. Words that match nothing go to full-text search.
Other scripts are transliterated first, so "Норов" finds Norov and "习近平" finds Xi Jinping.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process

from bot.corpus.countries import country_aliases
from bot.match_lists import SUGGEST, MatchList, Target, TargetKind, fold
from bot.store import CorpusDelta, NamedCount, SpeakerNames, Store

# Scores are rapidfuzz's 0-100. A match this good is taken as meant; between SUGGEST and CONFIDENT we ask.
CONFIDENT = 85.0
# Matches this close to the best one are equally plausible, so the user chooses.
AMBIGUITY_BAND = 3.0
MAX_QUERY_CHARS = 200
# How many of the most-quoted names a weak "did you mean" suggestion is looked for among.
CLOSEST_POOL = 3000
# Resolutions kept per index: people ask for the same few names again and again.
RESOLUTIONS_KEPT = 2048
_YEAR = re.compile(r"(19|20)\d\d")


def fts_expression(query: str, any_word: bool = False) -> str | None:
    """A safe FTS5 expression for the words of `query`; operators and quotes never pass through."""
    # Single letters match nearly every row, and a prefix search only helps on longer words.
    words = [word for word in fold(query).split() if len(word) > 1][:12]
    if not words:
        return None
    return (" OR " if any_word else " ").join(f'"{word}"*' if len(word) > 3 else f'"{word}"' for word in words)


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


class SearchIndex:
    """The in-memory match lists of one corpus version, brought forward in place by `update`."""

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
        self._topic_keywords = dict(topics or {})
        self._topic_counts = {c.name: c.count for c in topic_counts}
        self._country_counts = {c.name: c.count for c in country_counts}
        self._lists: dict[TargetKind, MatchList] = {kind: MatchList() for kind in ("speaker", "topic", "country")}
        self._prominent: dict[str, tuple[list[str], list[Target]]] = {}
        self._resolved: OrderedDict[tuple[str, tuple[TargetKind, ...], bool], Resolution] = OrderedDict()
        for speaker in speakers:
            self._add_speaker(speaker)
        self._list_topics()
        self._list_countries()
        self._prepare()

    @classmethod
    async def from_store(cls, store: Store) -> SearchIndex:
        # The version first: the lists read after it are at least that new, so a later `update` from it
        # reads again whatever changed meanwhile.
        version = await store.corpus_version()
        return cls(
            speakers=await store.speaker_names(),
            topics=await store.topic_keywords(),
            topic_counts=await store.topic_counts(),
            country_counts=await store.country_counts(),
            version=version,
        )

    def update(
        self,
        version: int,
        delta: CorpusDelta,
        speakers: Iterable[SpeakerNames],
        topic_counts: Iterable[NamedCount],
        country_counts: Iterable[NamedCount],
    ) -> None:
        """Bring the index to `version`: `delta` is what changed since its own, the rest is their state now.

        Touched speakers are taken out and those still quoted put back; the topic and country lists are
        short, so they are listed again with their new counts.
        """
        names = self._lists["speaker"]
        for speaker_id in delta.speakers:
            old = self.speakers.pop(speaker_id, None)
            if old is not None:
                names.discard(old)
        for speaker in speakers:
            self._add_speaker(speaker)
        if delta.topics:
            self._topic_counts.update({c.name: c.count for c in topic_counts})
            self._list_topics()
        if delta.countries:
            counted = {c.name: c.count for c in country_counts}
            self._country_counts.update({country: counted.get(country, 0) for country in delta.countries})
            self._list_countries()
        self.version = version
        self._prepare()

    def _add_speaker(self, speaker: SpeakerNames) -> None:
        target = Target("speaker", str(speaker.id), speaker.name, speaker.statements, speaker.role)
        self.speakers[speaker.id] = target
        names = self._lists["speaker"]
        for name in (speaker.name, *speaker.aliases):
            names.add(name, target)
        if speaker.role:
            names.add(speaker.role, target)

    def _list_topics(self) -> None:
        self.topics = {}
        names = self._lists["topic"] = MatchList()
        for topic, keywords in self._topic_keywords.items():
            target = self.topics[topic] = Target("topic", topic, topic, self._topic_counts.get(topic, 0))
            for name in (topic, *keywords):
                names.add(name, target)

    def _list_countries(self) -> None:
        self.countries = {}
        names = self._lists["country"] = MatchList()
        for alias, country in country_aliases().items():
            target = self.countries.get(country)
            if target is None:
                target = Target("country", country, country, self._country_counts.get(country, 0))
                self.countries[country] = target
            names.add(alias, target)

    def _prepare(self) -> None:
        self._prominent.clear()
        self._resolved.clear()
        for names in self._lists.values():
            # Built with the index, in the refresh, so that no user's query pays for it.
            names.windows()

    def resolve(
        self, query: str, kinds: Iterable[TargetKind] = ("speaker", "topic", "country"), suggest: bool = True
    ) -> Resolution:
        """What `query` means among `kinds`; popular queries are answered from a cache of this version's.

        Without `suggest`, only confident matches are looked for: the weak ones ("did you mean…?") cost a
        fuzzy pass over several times as many names, and a query that full-text search answers never shows them.
        """
        wanted = tuple(sorted(set(kinds)))
        confident = self._cached((query, wanted, False))
        if confident.matches or not suggest:
            return confident
        return self._cached((query, wanted, True))

    def _cached(self, key: tuple[str, tuple[TargetKind, ...], bool]) -> Resolution:
        cached = self._resolved.get(key)
        if cached is None:
            cached = self._resolve(*key)
            self._resolved[key] = cached
            while len(self._resolved) > RESOLUTIONS_KEPT:
                self._resolved.popitem(last=False)
        else:
            self._resolved.move_to_end(key)
        return cached

    def _resolve(self, query: str, kinds: Iterable[TargetKind], suggest: bool) -> Resolution:
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
            cutoff = SUGGEST if suggest else CONFIDENT
            for kind, names in self._lists.items():
                if kind in wanted:
                    scored.update(names.score(folded, cutoff=cutoff))
        # Only targets with something to show are worth offering.
        ranked = sorted(
            (Match(t, s) for t, s in scored.items() if t.count > 0 or t.kind == "country"),
            key=lambda m: (-m.score, -m.target.count, m.target.label, m.target.kind, m.target.key),
        )
        if not ranked:
            return Resolution(query)
        top = ranked[0].score
        if top >= CONFIDENT:
            close = tuple(m for m in ranked if m.score >= max(CONFIDENT, top - AMBIGUITY_BAND))
            return Resolution(query, close[:8])
        return Resolution(query, suggestions=tuple(ranked[:4]) if suggest else ())

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
        return sorted(self.speakers.values(), key=lambda t: (-t.count, t.label, int(t.key)))[:limit]


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
        self._refreshing = asyncio.Lock()

    async def refresh(self) -> bool:
        """Bring the match lists to the corpus version if it moved; True when it did.

        The store logs what each version changed, so only those speakers, topics and countries are read
        and updated in place; an index further behind than the log reaches is built again from scratch.
        """
        async with self._refreshing:
            version = await self.store.corpus_version()
            if version == self.index.version:
                return False
            delta = await self.store.changes(self.index.version, version)
            if delta is None:
                self.index = await SearchIndex.from_store(self.store)
            else:
                speakers = await self.store.speaker_names(delta.speakers)
                topics = await self.store.topic_counts(delta.topics)
                countries = await self.store.country_counts(delta.countries)
                self.index.update(version, delta, speakers, topics, countries)
            self._selections.clear()
            return True

    async def find(self, query: str, kinds: Iterable[TargetKind] = ("speaker", "topic", "country")) -> Found:
        # Weak suggestions are only wanted when neither a name nor the text matches: looked for last.
        resolution = self.index.resolve(query, kinds, suggest=False)
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
        resolution = self.index.resolve(query, kinds)
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
