"""BM25 for the few matches a text search ranks, computed from their texts instead of by FTS5's `bm25()`.

FTS5's `bm25()` first counts, for every phrase of the query, every row that holds it; for a prefix phrase
("iran"*, which also matches "iranian") that means reading and merging the whole posting list of every
term with the prefix, hundreds of thousands of rows at a million statements, even when only the newest
RANKED_MATCHES are to be scored. Here those few are scored from their own words with FTS5's formula and
constants (k1 1.2, b 0.75, the index's own average length). With one phrase the phrase's weight (its
IDF) is the same for every row, so the order is exactly FTS5's; with several, each phrase weighs the same.

The words are read as the index's tokenizer reads them (unicode61, diacritics removed): runs of letters and
digits, lower-cased. Phrases come from `bot.search.index.fts_expression`, the only writer of the queries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

K1 = 1.2
B = 0.75
_TOKEN = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"((?:[^"]|"")*)"(\*?)')


@dataclass(frozen=True, slots=True)
class Phrase:
    tokens: tuple[str, ...]
    prefix: bool

    @property
    def pattern(self) -> re.Pattern[str]:
        """The phrase in folded text: its tokens in a row, the last one a prefix when it is starred."""
        words = r"[\W_]+".join(map(re.escape, self.tokens))
        return re.compile(rf"(?<![^\W_]){words}" + (r"[^\W_]*" if self.prefix else r"(?![^\W_])"))


# Letters that carry diacritics; texts without any (most news, whatever its curly quotes) skip decomposing.
_MARKED = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")


def fold(text: str) -> str:
    if text.isascii() or not _MARKED.search(text):
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def phrases(expression: str) -> list[Phrase]:
    """The phrases of an FTS5 expression of quoted phrases ('"iran"* "nuclear"*'), in order."""
    found = []
    for text, star in _PHRASE.findall(expression):
        words = tuple(tokens(text.replace('""', '"')))
        if words:
            found.append(Phrase(words, bool(star)))
    return found


def scorer(query: Sequence[Phrase], average_length: float) -> Callable[[str], float]:
    """A row's BM25 score from its text, negated as FTS5's `bm25()` is: lower is better."""
    patterns = [phrase.pattern for phrase in query]
    average = max(average_length, 1.0)

    def score(text: str) -> float:
        folded = fold(text)
        length_norm = 1 - B + B * len(_TOKEN.findall(folded)) / average
        total = 0.0
        for pattern in patterns:
            frequency = len(pattern.findall(folded))
            total += frequency * (K1 + 1) / (frequency + K1 * length_norm)
        return -total

    return score


def average_length(averages: bytes | None) -> float:
    """Tokens per row from the index's averages record (FTS5 keeps it at rowid 1 of its `_data` table: the
    row count, then each column's token total, as SQLite varints)."""
    if not averages:
        return 1.0
    values: list[int] = []
    at = 0
    while at < len(averages) and len(values) < 2:
        value, at = _varint(averages, at)
        values.append(value)
    if len(values) < 2 or values[0] <= 0:
        return 1.0
    return values[1] / values[0]


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for k in range(9):
        if at + k >= len(data):
            return value, len(data)
        byte = data[at + k]
        if k == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + k + 1
    return value, at + 9
