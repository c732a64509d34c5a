"""From a query to statements: resolve it against the index, then read the selection from the store.

Words that match no name go to full-text search. A selection is named by a `SelectionKey`, small enough for
callback data, and the latest selections are kept until the corpus version moves.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.search.index import MAX_QUERY_CHARS, Match, Resolution, SearchIndex, fts_expression
from bot.search.keys import SelectionKey, short_digest
from bot.search.match_lists import Target, TargetKind, fold
from bot.store import Store

TEXT_SEARCHES_KEPT = 5000
# Selections (up to RESULT_LIMIT ids each) kept between requests: a few MB at most.
SELECTIONS_KEPT = 256
RESULT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Found:
    """The answer to a query: a selection of statements (by its key), or why there is none."""

    resolution: Resolution
    key: SelectionKey | None = None
    title: str = ""
    ids: tuple[int, ...] = ()


def target_key(target: Target) -> SelectionKey:
    """The selection of a target's statements."""
    if target.kind == "speaker":
        return SelectionKey.speaker(target.key)
    if target.kind == "year":
        return SelectionKey.year(target.key)
    return SelectionKey.named("t" if target.kind == "topic" else "c", target.key)


class Searcher:
    """Answers queries from the in-memory index and the store; rebuilt when the corpus version moves."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = SearchIndex(version=-1)
        self._text_queries: dict[str, str] = {}
        self._selections: OrderedDict[SelectionKey, list[int]] = OrderedDict()
        self._refreshing = asyncio.Lock()

    @property
    def version(self) -> int:
        return self.index.version

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

    # -- what handlers list and resolve ---------------------------------------------------------------

    def speakers(self) -> list[Target]:
        """Everyone quoted, most quoted first."""
        return sorted(self.index.speakers.values(), key=lambda t: (-t.count, t.label))

    def topics(self) -> list[Target]:
        return sorted(self.index.topics.values(), key=lambda t: (-t.count, t.label))

    def country(self, name: str) -> Target | None:
        return self.index.countries.get(name)

    def country_counts(self) -> dict[str, int]:
        """Statements per country, kept current by the index: counting here would read every statement."""
        return {name: target.count for name, target in self.index.countries.items()}

    def resolve(self, query: str, kinds: Iterable[TargetKind] = ("speaker", "topic", "country")) -> Resolution:
        return self.index.resolve(query, kinds)

    # -- from a query to a selection ------------------------------------------------------------------

    async def find(self, query: str, kinds: Iterable[TargetKind] = ("speaker", "topic", "country")) -> Found:
        # Weak suggestions are only wanted when neither a name nor the text matches: looked for last.
        resolution = self.index.resolve(query, kinds, suggest=False)
        target = resolution.best
        if target is not None:
            key = target_key(target)
            ids = await self.ids(key)
            if ids:
                return Found(resolution, key, self.title(key), tuple(ids))
        if resolution.ambiguous:
            return Found(resolution)
        text_key = self._remember_text(query)
        ids = await self.ids(text_key) if text_key else None
        if text_key and ids:
            return Found(resolution, text_key, self.title(text_key), tuple(ids))
        resolution = self.index.resolve(query, kinds)
        if not resolution.suggestions:
            closest = self.index.closest(query)
            resolution = Resolution(query, suggestions=tuple(Match(t, 0.0) for t in closest))
        return Found(resolution)

    async def ids(self, key: SelectionKey) -> list[int] | None:
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

    async def all_ids(self, key: SelectionKey) -> list[int]:
        """Every statement of a selection, however many (for an export); not kept between requests."""
        return await self._lookup(key, limit=-1) or []

    async def _lookup(self, key: SelectionKey, limit: int = RESULT_LIMIT) -> list[int] | None:
        key = self.named(key)
        kind, value = key.kind, key.value
        if key.hashed:
            return None  # a digest the index no longer knows
        if kind == "s" and value.isdigit():
            return await self.store.ids_by_speakers([int(value)], limit)
        if kind == "t":
            return await self.store.ids_by_topic(value, limit)
        if kind == "c":
            return await self.store.ids_by_country(value, limit)
        if kind == "y" and value.isdigit():
            year = int(value)
            return await self.store.ids_by_date(date(year, 1, 1), date(year, 12, 31), limit=limit)
        if kind == "a":
            return await self.store.ids_by_date(limit=limit)
        if kind == "x" and value in self._text_queries:
            query = self._text_queries[value]
            for any_word in (False, True):
                expression = fts_expression(query, any_word)
                found = await self.store.ids_by_text(expression, limit) if expression else []
                if found:
                    return found
            return []
        return None

    def named(self, key: SelectionKey) -> SelectionKey:
        """Turn a digest key ("t#…") back into the name it stands for, while the index knows it."""
        if not key.hashed:
            return key
        names = {"t": self.index.topics, "c": self.index.countries}.get(key.kind, {})
        for name in names:
            if short_digest(name) == key.value:
                return SelectionKey(key.kind, name)
        return key

    def title(self, key: SelectionKey) -> str:
        key = self.named(key)
        if key.kind == "s" and key.value.isdigit():
            target = self.index.speaker(int(key.value))
            return target.label if target else "this speaker"
        if key.kind == "x":
            return f"“{self._text_queries.get(key.value, '…')}”"
        if key.kind == "a":
            return "the whole corpus"
        return key.value

    def _remember_text(self, query: str) -> SelectionKey | None:
        folded = fold(query[:MAX_QUERY_CHARS])
        if not folded:
            return None
        key = SelectionKey.text(folded)
        self._text_queries.pop(key.value, None)
        self._text_queries[key.value] = query[:MAX_QUERY_CHARS]
        while len(self._text_queries) > TEXT_SEARCHES_KEPT:
            self._text_queries.pop(next(iter(self._text_queries)))
        return key
