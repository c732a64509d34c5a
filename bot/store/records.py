"""The plain records the store hands out and takes in: what handlers, search and loading know of the database.

No SQL and no connection here, so code that only reads a record need not depend on the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias

from bot.corpus.models import Article, Statement


@dataclass(frozen=True, slots=True)
class StoredStatement:
    id: int
    text: str
    kind: str
    cue: str
    speaker_id: int | None
    speaker: str | None
    speaker_kind: str | None
    speaker_role: str | None
    date: date | None
    outlet: str | None
    doc: str
    paragraph: int
    topics: tuple[str, ...]
    countries: tuple[str, ...]
    # Where the article came from (SEEDS_DIR/sources.csv), when known: its address, title and site.
    url: str | None = None
    title: str | None = None
    site: str | None = None
    # Every article that reports the statement, the first (`doc`) first.
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Another article that reports a statement."""

    doc: str
    outlet: str | None
    date: date | None


@dataclass(frozen=True, slots=True)
class SourceParagraph:
    statement: StoredStatement
    paragraph_text: str
    paragraph_count: int
    place: str | None
    # The other articles that report the same statement, oldest first.
    also_in: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class CorpusCounts:
    documents: int
    statements: int
    speakers: int


@dataclass(frozen=True, slots=True)
class NamedCount:
    name: str
    count: int
    id: int | None = None
    kind: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class SpeakerNames:
    """What fuzzy search matches a speaker by."""

    id: int
    name: str
    kind: str
    role: str | None
    aliases: tuple[str, ...]
    statements: int


@dataclass(slots=True)
class CorpusChange:
    """One load: articles to add or replace (with their statements), and documents to drop."""

    parsed: list[tuple[Article, list[Statement]]]
    removed: list[str]
    # Well-known people (seeds/people.csv) as (canonical name, other names): the names a load resolves to them.
    people: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


# A seed file's (size, mtime_ns, ctime_ns): while they stay as recorded, so do its bytes (bot/scanning.py).
# A load holds one for each of tens of thousands of files, so these are plain tuples: the garbage collector
# stops tracking those, and they add nothing to the full collections of a bot holding big match lists.
FileStat: TypeAlias = tuple[int, int, int]
# A document's content hash, and its file's stat as last recorded (None until a load records one).
KnownDocument: TypeAlias = tuple[str, FileStat | None]


@dataclass(slots=True)
class CorpusDelta:
    """What some corpus versions changed that search shows: the speakers, topics and countries to read again,
    and the lowest id of the statements they added (ids are given upwards, so every new one is from it on)."""

    speakers: set[int] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    statements_from: int | None = None
