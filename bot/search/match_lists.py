"""Match lists: the folded names of one kind of target (speakers, topics or countries) for fuzzy lookup.

A list is built once and then kept current in place: a reload that changes a few speakers takes out and
puts in only their names. What a list answers depends only on what it holds, never on the order names
came and went (its fuzzy windows are laid out by count and spelling), so a list kept current answers
exactly as one built from scratch.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from anyascii import anyascii
from rapidfuzz import fuzz, process

TargetKind = Literal["speaker", "topic", "country", "year"]

# Scores are rapidfuzz's 0-100. Below SUGGEST a string is not a match at all.
SUGGEST = 60.0
# One word of a longer name ("zhang" in "Zhang Ming") counts a little less than the whole name.
WORD_WEIGHT = 0.95
MIN_FUZZY_CHARS = 4
# Names (the most-quoted first) that fuzzy matching looks through; beyond them only exact spelling finds a
# name. Each fuzzy pass costs a few hundred nanoseconds per name, and a query makes three.
FUZZY_POOL = 12_000
# Strings no target owns any more are dropped once they are this many, and a quarter of the list.
COMPACT_FROM = 1000
_WORD = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def fold(text: str) -> str:
    """Lower-case ASCII words: transliterated, accents and punctuation gone, camel case split."""
    ascii_text = _CAMEL.sub(" ", anyascii(unicodedata.normalize("NFKC", text)))
    return " ".join(_WORD.findall(ascii_text.lower()))


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    key: str  # speaker id, topic name, country name or year
    label: str
    count: int = 0
    detail: str | None = None  # a speaker's role


class Window:
    """Strings sorted by length, so a fuzzy pass only compares strings long or short enough to reach a score.

    A rapidfuzz ratio of at least p% needs the shorter string to be at least p/(200-p) of the longer one,
    so "norov" is never compared with "mohammad javad zarif": the answer is the same, for a fraction of the work.
    """

    def __init__(self, strings: Iterable[tuple[str, int]]) -> None:
        # By length, then spelling and owner: the order, and so which of equal scores `extract` keeps,
        # follows from the strings alone, not from the order they were given in.
        ordered = sorted(strings, key=lambda pair: (len(pair[0]), pair))
        self.strings = [string for string, _ in ordered]
        self.owners = [owner for _, owner in ordered]
        self.lengths = [len(string) for string in self.strings]

    def extract(self, query: str, limit: int, cutoff: float = SUGGEST) -> list[tuple[int, float]]:
        """(owner, score) of the best `limit` strings whose ratio to `query` reaches `cutoff`."""
        share = min(cutoff, 100.0) / 100.0
        lo = bisect.bisect_left(self.lengths, math.floor(len(query) * share / (2.0 - share)))
        hi = bisect.bisect_right(self.lengths, math.ceil(len(query) * (2.0 - share) / share))
        found = process.extract(query, self.strings[lo:hi], scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
        return [(self.owners[lo + position], score) for _, score, position in found]


@dataclass(slots=True)
class MatchList:
    """One kind's match list: the distinct strings to match and the targets each string stands for."""

    strings: list[str] = field(default_factory=list)
    owners: list[dict[Target, None]] = field(default_factory=list)  # a dict as an ordered set
    words: dict[str, set[int]] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict)
    # The strings each target is matched by: tuples of ints, which the garbage collector stops tracking.
    _owned: dict[Target, tuple[int, ...]] = field(default_factory=dict)
    _orphans: int = 0  # strings no target owns any more
    # Each string's most-quoted target's count (-1 for a string no target owns), and the owned strings as
    # (-count, string, index), sorted: the fuzzy pool is its head. Strings whose owners changed are
    # `_stale` until the next `windows()` moves them, so an update costs a few insertions, not a sort.
    _best: list[int] = field(default_factory=list)
    _order: list[tuple[int, str, int]] = field(default_factory=list)
    _stale: set[int] = field(default_factory=set)
    _pooled: set[int] = field(default_factory=set)
    _words: list[str] = field(default_factory=list)
    _pooled_by_word: list[tuple[int, ...]] = field(default_factory=list)  # each of `_words`' pooled strings
    _windows: tuple[Window, Window, Window] | None = None

    def add(self, name: str, target: Target) -> None:
        folded = fold(name)
        if folded:
            self._add_folded(folded, target)

    def _add_folded(self, folded: str, target: Target) -> None:
        index = self._position.get(folded)
        if index is None:
            # Roles repeat ("foreign minister" for hundreds of people): each string is compared once.
            index = self._position[folded] = len(self.strings)
            self.strings.append(folded)
            self.owners.append({})
            self._best.append(-1)
            for word in folded.split():
                if len(word) > 1:
                    self.words.setdefault(word, set()).add(index)
        elif not self.owners[index]:
            self._orphans -= 1
        owners = self.owners[index]
        if target not in owners:
            owners[target] = None
            self._owned[target] = (*self._owned.get(target, ()), index)
            self._stale.add(index)

    def discard(self, target: Target) -> None:
        """Take `target` out of the list; its strings stay only while another target owns them too."""
        for index in self._owned.pop(target, ()):
            owners = self.owners[index]
            del owners[target]
            self._orphans += not owners
            self._stale.add(index)
        if self._orphans >= COMPACT_FROM and self._orphans * 4 >= len(self.strings):
            self._compact()

    def _compact(self) -> None:
        live = [(self.strings[index], target) for target, indices in self._owned.items() for index in indices]
        self.strings, self.owners, self.words, self._position, self._owned = [], [], {}, {}, {}
        self._best, self._order, self._stale, self._pooled = [], [], set(), set()
        self._orphans, self._windows = 0, None
        for folded, target in live:
            self._add_folded(folded, target)

    def windows(self) -> tuple[Window, Window, Window]:
        """The fuzzy windows over the pool: rebuilt only when the strings in the pool change."""
        if self._stale or self._windows is None:
            self._settle()
            # Typos are forgiven for the most-quoted names; the long tail must be spelt exactly.
            pool = {index for _, _, index in self._order[:FUZZY_POOL]}
            if pool != self._pooled or self._windows is None:
                self._pooled = pool
                words = self._words = sorted(w for w, indices in self.words.items() if not pool.isdisjoint(indices))
                # A common given name ("ali") is a word of thousands of names; a typo of it reaches only the
                # pooled ones, as the whole-name passes do.
                self._pooled_by_word = [tuple(sorted(pool.intersection(self.words[w]))) for w in words]
                self._windows = (
                    # token_sort_ratio is ratio on sorted words; the names' words are sorted once, here.
                    Window((" ".join(sorted(self.strings[i].split())), i) for i in pool),
                    Window((self.strings[i].replace(" ", ""), i) for i in pool),
                    Window((word, i) for i, word in enumerate(words)),
                )
        return self._windows

    def _settle(self) -> None:
        """Move the stale strings to their places in `_order`; after many changes, sort it afresh."""
        stale, self._stale = self._stale, set()
        if len(stale) * 8 > len(self.strings):
            self._best = [max((target.count for target in owners), default=-1) for owners in self.owners]
            self._order = sorted((-best, self.strings[i], i) for i, best in enumerate(self._best) if best >= 0)
            return
        for index in stale:
            best = max((target.count for target in self.owners[index]), default=-1)
            if best == self._best[index]:
                continue
            if self._best[index] >= 0:
                del self._order[bisect.bisect_left(self._order, (-self._best[index], self.strings[index], index))]
            if best >= 0:
                bisect.insort(self._order, (-best, self.strings[index], index))
            self._best[index] = best

    def score(
        self, query: str, limit: int = 12, exact_only: bool = False, cutoff: float = SUGGEST
    ) -> dict[Target, float]:
        """Each target's best score: a whole name beats one word of a longer name, and a typo costs a little.

        With `exact_only`, only whole names and words spelt exactly as `query` count: no fuzzy pass. Fuzzy
        scores below `cutoff` are left out; a higher cutoff compares fewer strings (see `Window`).
        """
        found: dict[Target, float] = {}

        def keep(index: int, score: float) -> None:
            for owner in self.owners[index]:
                if score > found.get(owner, 0.0):
                    found[owner] = score

        for index in self.words.get(query, ()):
            keep(index, WORD_WEIGHT * 100.0)
        parts = query.split()
        if 1 < len(parts) <= 3 and all(len(part) > 2 for part in parts):
            # Part of a longer name, spelt exactly: "bhutto zardari" in "Bilawal Bhutto Zardari".
            for index in set.intersection(*(self.words.get(part, set()) for part in parts)):
                keep(index, WORD_WEIGHT * 100.0)
        if exact_only or len(query) < MIN_FUZZY_CHARS:
            # Two or three letters fuzzily resemble everything; only exact names and words count.
            if query in self._position:
                keep(self._position[query], 100.0)
            return found
        names, compact, words = self.windows()
        if " " in query:
            # Words in another order ("zarif javad"). One word has no order to forgive: against a name as
            # written without its spaces, below, it scores at least what it would with them. (Only two
            # words run together in alphabetical order, "lavrovsergei", matched here and match no more:
            # not worth a pass over every name for each one-word query.)
            for index, score in names.extract(" ".join(sorted(query.split())), limit, cutoff):
                keep(index, score)
        # "XiJinPing" from 习近平 and "xi jinping" differ only in spaces.
        for index, score in compact.extract(query.replace(" ", ""), limit, cutoff):
            keep(index, score)
        if " " not in query:
            # A surname with a typo ("norrov") against the single words of every name.
            for position, score in words.extract(query, limit, cutoff / WORD_WEIGHT):
                for index in self._pooled_by_word[position]:
                    keep(index, score * WORD_WEIGHT)
        return found

    def prominent(self, limit: int) -> tuple[list[str], list[Target]]:
        """The strings of the `limit` most-quoted targets, with their owner: what `closest` looks through."""
        ranked = sorted(
            ((string, owner) for string, owners in zip(self.strings, self.owners, strict=True) for owner in owners),
            key=lambda pair: (-pair[1].count, pair[0], pair[1].key),
        )[:limit]
        return [string for string, _ in ranked], [owner for _, owner in ranked]
