"""The in-memory match lists of one corpus version: what people type, matched to speakers, topics, countries, years.

The match lists are built at start-up and kept in memory, and each new corpus version updates only the
speakers, topics and countries it changed; a query costs a few rapidfuzz passes in C over those lists and
never scans a table. Words that match nothing go to full-text search.
Other scripts are transliterated first, so "Норов" finds Norov and "习近平" finds Xi Jinping.
"""

from __future__ import annotations

import heapq
import re
from collections import OrderedDict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.corpus.countries import country_aliases, other_script_country_names, phrase_key
from bot.search.match_lists import SUGGEST, MatchList, Target, TargetKind, fold
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
QUERY_STOP_WORDS = frozenset(
    "a an the of on in at to for and or about by with from as is are was were be what who whom which how when "
    "did does do say said says tell me quote quotes statement statements".split()
)


def query_words(query: str) -> list[str]:
    """The words of `query` that full-text search looks for, folded, each once."""
    # Single letters match nearly every row. Words like "on" or "the" say nothing of the subject, and
    # requiring them would hide most answers. A word given twice ("people-to-people") is one condition.
    words = list(dict.fromkeys(word for word in fold(query).split() if len(word) > 1))
    return [word for word in words if word not in QUERY_STOP_WORDS][:12] or words[:12]


def fts_expression(query: str, prefix: Container[str] | bool = False) -> str | None:
    """A safe FTS5 expression for the words of `query`; operators and quotes never pass through.

    Each word matches by its stem (the index is stemmed: "currency" finds "currencies"); the words in
    `prefix` (all, with True) of four letters or more also match longer words ("chaba" finds "Chabahar"),
    at a higher cost: FTS5 first merges the rows of every term they begin.
    """
    words = query_words(query)
    if not words:
        return None

    def beginning(word: str) -> bool:
        return len(word) > 3 and (prefix is True or (not isinstance(prefix, bool) and word in prefix))

    return " ".join(f'"{word}"*' if beginning(word) else f'"{word}"' for word in words)


@dataclass(frozen=True, slots=True)
class Match:
    target: Target
    score: float


def _best_first(match: Match) -> tuple[float, int, str, str, str]:
    return (-match.score, -match.target.count, match.target.label, match.target.kind, match.target.key)


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
        topics: Mapping[str, Sequence[str]] | None = None,
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
        self._prominent: dict[TargetKind, tuple[list[str], list[Target]]] = {}
        self._resolved: OrderedDict[tuple[str, tuple[TargetKind, ...], bool], Resolution] = OrderedDict()
        # What names each speaker in a query that also asks for a subject: its whole names, and a person's
        # name words ("putin afghanistan"); never a word of an organization's name or of a role ("security").
        self._naming: dict[int, frozenset[str]] = {}
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
            self._naming.pop(speaker_id, None)
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
        whole = {folded for folded in map(fold, (speaker.name, *speaker.aliases)) if folded}
        words = (
            {word for name in whole for word in name.split() if len(word) > 1} if speaker.kind == "person" else set()
        )
        self._naming[speaker.id] = frozenset(whole | words)
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

        Without `suggest`, only confident matches are looked for and given: the weak ones ("did you mean…?")
        cost a fuzzy pass over more names, and a query that full-text search answers never shows them.
        With it, one word is looked for once, weak and confident matches together: for one word the length
        window barely narrows the confident pass, so a word that needs suggestions pays for a single pass.
        """
        wanted = tuple(sorted(set(kinds)))
        one_word = " " not in fold(query[:MAX_QUERY_CHARS])
        if one_word and (suggest or (query, wanted, True) in self._resolved):
            looked = self._cached((query, wanted, True))
            return looked if suggest or not looked.suggestions else Resolution(query, looked.matches)
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
        # A country's name in another script ("中国", "Индия") is taken only as written whole: folded, its
        # syllables would be words of other names ("xi" of 西班牙, Spain).
        native = other_script_country_names().get(phrase_key(query)) if "country" in wanted else None
        if native is not None and native in self.countries:
            return Resolution(query, (Match(self.countries[native], 100.0),))
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
        live = [Match(t, s) for t, s in scored.items() if t.count > 0 or t.kind == "country"]
        if not live:
            return Resolution(query)
        top = max(m.score for m in live)
        # A common word ("iran") is a word of hundreds of names: only the few that can be answers are sorted.
        if top >= CONFIDENT:
            least = max(CONFIDENT, top - AMBIGUITY_BAND)
            return Resolution(query, tuple(sorted((m for m in live if m.score >= least), key=_best_first)[:8]))
        return Resolution(query, suggestions=tuple(heapq.nsmallest(4, live, key=_best_first)) if suggest else ())

    def exact_speakers(self, text: str) -> Resolution:
        """The speakers `text` names spelt exactly (a whole name or one of its words): no fuzzy pass, so a
        query can be tried in several splits (speaker + subject) for the cost of a few lookups."""
        folded = fold(text[:MAX_QUERY_CHARS])
        scored = self._lists["speaker"].score(folded, exact_only=True) if folded else {}
        ranked = sorted(
            (Match(t, score) for t, score in scored.items() if score >= CONFIDENT and t.count > 0),
            key=lambda m: (-m.score, -m.target.count, m.target.label, m.target.key),
        )
        if not ranked:
            return Resolution(text)
        top = ranked[0].score
        return Resolution(text, tuple(m for m in ranked if m.score >= top - AMBIGUITY_BAND)[:8])

    def names_speaker(self, text: str, speaker: Target) -> bool:
        """Whether `text` is one of the speaker's names, or a word of a person's name."""
        return fold(text[:MAX_QUERY_CHARS]) in self._naming.get(int(speaker.key), frozenset())

    def closest(self, query: str, limit: int = 4) -> list[Target]:
        """Whatever is nearest, however weak: what to suggest when nothing matched."""
        folded = fold(query[:MAX_QUERY_CHARS]) or " "
        found: list[tuple[float, Target]] = []
        kinds: tuple[TargetKind, ...] = ("speaker", "topic")
        for kind in kinds:
            if kind not in self._prominent:
                # WRatio has no cut-off to prune with, so it looks only through the most-quoted names.
                self._prominent[kind] = self._lists[kind].prominent(CLOSEST_POOL)
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
