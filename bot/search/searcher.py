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

from bot.search.days import StatementDays
from bot.search.index import MAX_QUERY_CHARS, Match, Resolution, SearchIndex, fts_expression, query_words
from bot.search.keys import SelectionKey, short_digest
from bot.search.match_lists import Target, TargetKind, fold
from bot.store import Store

TEXT_SEARCHES_KEPT = 5000
# A surname opens the person it fits when they have this many times the statements of the others it fits.
DOMINANCE = 3
# The least score (rapidfuzz's 0-100) at which a name is offered as "did you mean".
OFFERED = 70.0
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
        self._text_queries: dict[str, TextPlan] = {}
        # How many statements hold each text search's words (by key value), of those it read: the rest of its
        # selection is the topic or country that widened it.
        self._worded: dict[str, int] = {}
        # By (key, by_date): a timeline keeps its selection in date order beside the card's best-first one.
        self._selections: OrderedDict[tuple[SelectionKey, bool], list[int]] = OrderedDict()
        self._refreshing = asyncio.Lock()
        self.days = StatementDays()

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
                # The days first: should the read fail, the version stays behind and the next refresh reads again.
                await self.days.read(self.store)
                self.index = await SearchIndex.from_store(self.store)
            else:
                if delta.statements_from is not None:
                    await self.days.read(self.store, delta.statements_from)
                speakers = await self.store.speaker_names(delta.speakers)
                topics = await self.store.topic_counts(delta.topics)
                countries = await self.store.country_counts(delta.countries)
                self.index.update(version, delta, speakers, topics, countries)
            self._selections.clear()
            self._worded.clear()
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

    async def find(
        self, query: str, kinds: Iterable[TargetKind] = ("speaker", "topic", "country"), by_date: bool = False
    ) -> Found:
        """What `query` asks for: a speaker (or year) it names, else the statements that hold its words.

        A speaker named with more words ("putin afghanistan") is that speaker's statements matching the
        rest; a topic or country the query names widens its words' matches and never replaces them. When
        nothing matches, the answer says so, with suggestions that have statements to show. The ids are
        best first, or with `by_date` oldest first (see `ids`).
        """
        wanted = tuple(kinds)
        # Weak suggestions are only wanted when neither a name nor the text matches: looked for last, except
        # for one word that no statement holds (a misspelt name, or nothing), looked for in the same pass.
        words = query_words(query)
        unheard = len(words) == 1 and not await self.store.ids_matching(fts_expression(words[0]) or "", 1)
        resolution = self.index.resolve(query, wanted, suggest=unheard)
        resolution = Resolution(query, resolution.matches)
        target = resolution.best or dominant_speaker(resolution)
        if target is not None and target.kind in ("speaker", "year"):
            key = target_key(target)
            ids = await self.ids(key, by_date)
            if ids:
                return Found(Resolution(query, (Match(target, 100.0),)), key, self.title(key), tuple(ids))
        if resolution.ambiguous and all(m.target.kind == "speaker" for m in resolution.matches):
            return Found(resolution)
        for plan in self._plans(query, wanted, resolution):
            text_key = self._remember_text(plan)
            found = await self.ids(text_key, by_date) if text_key else None
            if text_key and found:
                if plan.speaker is None and plan.widen is not None:
                    subject = target_key(plan.widen)
                    if not self._worded.get(text_key.value):
                        # No statement holds the words ("Иран", "dedollarization"): the selection is the topic
                        # or country they name, under its own title and with its own count.
                        return Found(
                            Resolution(query, (Match(plan.widen, 100.0),)), subject, self.title(subject), tuple(found)
                        )
                return Found(resolution, text_key, self.title(text_key), tuple(found))
        if resolution.ambiguous:
            return Found(resolution)
        resolution = self.index.resolve(query, wanted)
        # A "did you mean" needs a likeness a reader sees ("norrov" for Norov); below it, the bot says that
        # nothing matches and offers the closest names instead ("kashmir" is not Mottaki).
        suggestions = tuple(m for m in resolution.suggestions if m.target.count > 0 and m.score >= OFFERED)
        if not suggestions:
            closest = [t for t in self.index.closest(query) if t.count > 0]
            suggestions = tuple(Match(t, 0.0) for t in closest)
        return Found(Resolution(query, suggestions=suggestions))

    def _plans(self, query: str, kinds: tuple[TargetKind, ...], resolution: Resolution) -> list[TextPlan]:
        """How the query's words can be read, the most specific first: a speaker and a subject, then words."""
        words = fold(query[:MAX_QUERY_CHARS]).split()
        plans: list[TextPlan] = []
        # A query that is exactly a topic's or a country's name ("Saudi Arabia", "Media & information") is
        # that subject, even where one of its words is also some speaker's name.
        named_subject = resolution.best is not None and resolution.best.kind in ("topic", "country")
        exact = named_subject and resolution.matches[0].score >= 100.0
        if "speaker" in kinds and len(words) > 1 and not exact:
            for size in range(min(3, len(words) - 1), 0, -1):
                for part, rest in ((words[:size], words[size:]), (words[-size:], words[:-size])):
                    found = self.index.exact_speakers(" ".join(part))
                    speaker = found.best or dominant_speaker(found)
                    if speaker is not None and self.index.names_speaker(" ".join(part), speaker):
                        subject = " ".join(rest)
                        plans.append(TextPlan(query, subject, speaker, self._widening(subject, kinds)))
        # The whole query's own resolution says which topic or country it names, if one, even beside a
        # speaker of the same name ("China said ..."): its statements widen the words' matches.
        subjects = [m.target for m in resolution.matches if m.target.kind in ("topic", "country")]
        whole = subjects[0] if len(subjects) == 1 else None
        widen = whole if whole is not None and whole.count > 0 else None
        plans.append(TextPlan(query, " ".join(words), None, widen))
        return plans

    def _widening(self, text: str, kinds: tuple[TargetKind, ...]) -> Target | None:
        """The topic or country `text` names, whose statements widen its words' matches."""
        subjects = tuple(kind for kind in kinds if kind in ("topic", "country"))
        best = self.index.resolve(text, subjects, suggest=False).best if subjects else None
        return best if best is not None and best.count > 0 else None

    async def ids(self, key: SelectionKey, by_date: bool = False, reach: int = 0) -> list[int] | None:
        """The statement ids of a selection, best first (a text search's by rank, the rest newest first), or
        with `by_date` the newest RESULT_LIMIT oldest first (undated ones first of all); None when the key
        is unknown or expired.

        The first RESULT_LIMIT are read, and more, best first, when a card is paged to `reach` past them.
        A query asks for its selection at least twice (to find it, then to show a card), and every ◀ ▶ press
        asks again, so the latest selections are kept until the corpus version moves.
        """
        cached = self._selections.get((key, by_date))
        if cached is not None and (len(cached) >= reach or len(cached) % RESULT_LIMIT or by_date):
            self._selections.move_to_end((key, by_date))
            return list(cached)
        if not by_date or key.kind != "x":
            limit = RESULT_LIMIT * -(-max(reach, 1) // RESULT_LIMIT)
            newest_first = await self.ids(key) if by_date else await self._lookup(key, limit)
            found = newest_first[::-1] if by_date and newest_first is not None else newest_first
        else:
            # A timeline needs no ranking: the matches unscored, then put in date order.
            unranked = await self._lookup(key, ranked=False)
            if unranked is not None:
                # Statements a load added since the last refresh have no day here yet: read theirs now.
                await self.days.read_newer(self.store, unranked)
            found = self.days.oldest_first(unranked) if unranked is not None else None
        if found is not None:
            self._selections[(key, by_date)] = list(found)
            while len(self._selections) > SELECTIONS_KEPT:
                self._selections.popitem(last=False)
        return found

    async def all_ids(self, key: SelectionKey) -> list[int]:
        """Every statement of a selection, however many (for an export); not kept between requests."""
        return await self._lookup(key, limit=-1) or []

    async def _lookup(self, key: SelectionKey, limit: int = RESULT_LIMIT, ranked: bool = True) -> list[int] | None:
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
            found, worded = await self._plan_ids(self._text_queries[value], limit, ranked)
            self._worded[value] = worded
            return found
        return None

    async def _plan_ids(self, plan: TextPlan, limit: int, ranked: bool = True) -> tuple[list[int], int]:
        """The statements holding the plan's words (of its speaker), then those of the topic or country it
        names; and how many held the words."""
        speaker_id = int(plan.speaker.key) if plan.speaker is not None else None
        found = await self._text_ids(plan.words, limit, speaker_id, ranked)
        worded = len(found)
        if plan.widen is not None:
            if speaker_id is not None:
                kind = "topic" if plan.widen.kind == "topic" else "country"
                wider = await self.store.ids_of_speaker_tagged(speaker_id, kind, plan.widen.key, limit)
            else:
                subject = target_key(plan.widen)
                # Through the selection cache: the subject is often asked for on its own next.
                wider = (await self.ids(subject) if limit == RESULT_LIMIT else await self._lookup(subject, limit)) or []
            seen = set(found)
            found += [statement_id for statement_id in wider if statement_id not in seen]
        return (found[:limit] if limit >= 0 else found), worded

    async def _text_ids(self, words: str, limit: int, speaker_id: int | None, ranked: bool) -> list[int]:
        """The statements holding `words`, by their stems; when none does, with the words that no statement
        holds whole taken as beginnings ("chaba"). Words that each match on their own would only find
        longer words, at the cost of merging the rows of every term they begin."""
        whole = fts_expression(words)
        if whole is None:
            return []
        found = await self.store.ids_by_text(whole, limit, speaker_id, ranked, self.days.day)
        if found:
            return found
        unheard = [w for w in query_words(words) if not await self.store.ids_matching(fts_expression(w) or "", 1)]
        beginnings = fts_expression(words, prefix=unheard) if unheard else None
        return await self.store.ids_by_text(beginnings, limit, speaker_id, ranked, self.days.day) if beginnings else []

    def named(self, key: SelectionKey) -> SelectionKey:
        """Turn a digest key ("t#…") back into the name it stands for, while the index knows it."""
        if not key.hashed:
            return key
        names = {"t": self.index.topics, "c": self.index.countries}.get(key.kind, {})
        for name in names:
            if short_digest(name) == key.value:
                return SelectionKey(key.kind, name)
        return key

    def total(self, key: SelectionKey, shown: int) -> int | None:
        """How many statements a selection holds, when more than the `shown` ids read for paging; None when
        only "at least `shown`" is known (a text search with RESULT_LIMIT matches or more)."""
        key = self.named(key)
        counted: Target | None = None
        if key.kind == "s" and key.value.isdigit():
            counted = self.index.speaker(int(key.value))
        elif key.kind in ("t", "c"):
            counted = (self.index.topics if key.kind == "t" else self.index.countries).get(key.value)
        if counted is not None:
            return max(counted.count, shown)
        return shown if shown < RESULT_LIMIT else None

    def worded(self, key: SelectionKey) -> tuple[int, str] | None:
        """For words widened by a topic or country: how many of the selection's first statements hold the
        words, and the subject the others are of."""
        plan = self._text_queries.get(key.value) if key.kind == "x" else None
        held = self._worded.get(key.value) if plan is not None else None
        if plan is None or plan.widen is None or held is None:
            return None
        return held, plan.widen.label

    def subject(self, key: SelectionKey) -> SelectionKey:
        """The topic or country a selection is about: its own key, or for words the one that widened them."""
        key = self.named(key)
        plan = self._text_queries.get(key.value) if key.kind == "x" else None
        if plan is not None and plan.widen is not None and plan.speaker is None:
            return target_key(plan.widen)
        return key

    def title(self, key: SelectionKey) -> str:
        key = self.named(key)
        if key.kind == "s" and key.value.isdigit():
            target = self.index.speaker(int(key.value))
            return target.label if target else "this speaker"
        if key.kind == "x":
            plan = self._text_queries.get(key.value)
            if plan is None:
                return "“…”"
            if plan.speaker is not None:
                return f"{plan.speaker.label} on “{plan.words}”"
            return f"“{plan.query}”"
        if key.kind == "a":
            return "the whole corpus"
        return key.value

    def _remember_text(self, plan: TextPlan) -> SelectionKey | None:
        folded = fold(plan.query[:MAX_QUERY_CHARS])
        if not folded:
            return None
        key = SelectionKey.text(f"{folded}|{plan.speaker.key if plan.speaker else ''}")
        self._text_queries.pop(key.value, None)
        self._text_queries[key.value] = plan
        while len(self._text_queries) > TEXT_SEARCHES_KEPT:
            oldest = next(iter(self._text_queries))
            del self._text_queries[oldest]
            self._worded.pop(oldest, None)
        return key


@dataclass(frozen=True, slots=True)
class TextPlan:
    """One reading of a query's words: those words (said by `speaker`), widened by a topic or country."""

    query: str
    words: str
    speaker: Target | None = None
    widen: Target | None = None


def dominant_speaker(resolution: Resolution) -> Target | None:
    """The speaker a surname means when one of those it fits has DOMINANCE times the statements of the rest."""
    matches = [m.target for m in resolution.matches]
    if len(matches) < 2 or any(t.kind != "speaker" for t in matches):
        return None
    ranked = sorted(matches, key=lambda t: -t.count)
    rest = sum(t.count for t in ranked[1:])
    return ranked[0] if ranked[0].count >= DOMINANCE * max(rest, 1) else None
