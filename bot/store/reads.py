"""The Store: one open corpus database, and every query the bot asks of it.

Changes go through to bot/store/writes.py and the version log to bot/store/versions.py, so this module
is the reading side: statements, their sources, and the names and counts search matches against.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import aiosqlite

from bot.corpus.members import MembershipEvent
from bot.corpus.provenance import Source
from bot.store import connection, selections, versions, writes
from bot.store.connection import fetch_ids, fetch_row, fetch_scalar, only
from bot.store.records import (
    CorpusChange,
    CorpusCounts,
    CorpusDelta,
    FileStat,
    KnownDocument,
    NamedCount,
    SourceParagraph,
    SourceRef,
    SpeakerNames,
    StoredStatement,
)

# The columns `_stored_statement` reads, in its order. A statement's sources are its own document first,
# then the others that report it by date; unit separators keep any file name whole.
_STATEMENT_COLUMNS = """
    s.id, s.text, s.kind, s.cue, s.speaker_id, sp.name, sp.kind, s.speaker_role, s.date,
    coalesce(d.outlet, src.outlet), d.name, s.paragraph,
    (SELECT group_concat(topic, '|') FROM statement_topics WHERE statement_id = s.id),
    (SELECT group_concat(country, '|') FROM statement_countries WHERE statement_id = s.id),
    src.url, src.title, src.outlet,
    (SELECT group_concat(name, char(31)) FROM (
        SELECT DISTINCT od.name FROM statement_sources ss JOIN documents od ON od.id = ss.document_id
        WHERE ss.statement_id = s.id AND ss.document_id != s.document_id ORDER BY od.date, od.name))
"""
_STATEMENTS_FROM = """
    FROM statements s
    JOIN documents d ON d.id = s.document_id
    LEFT JOIN speakers sp ON sp.id = s.speaker_id
    LEFT JOIN sources src ON src.document = d.name
"""


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _stored_statement(row: Sequence[Any]) -> StoredStatement:
    return StoredStatement(
        id=row[0],
        text=row[1],
        kind=row[2],
        cue=row[3],
        speaker_id=row[4],
        speaker=row[5],
        speaker_kind=row[6],
        speaker_role=row[7],
        date=date.fromisoformat(row[8]) if row[8] else None,
        outlet=row[9],
        doc=row[10],
        paragraph=row[11],
        topics=tuple(row[12].split("|")) if row[12] else (),
        countries=tuple(row[13].split("|")) if row[13] else (),
        url=row[14],
        title=row[15],
        site=row[16],
        sources=(row[10], *(row[17].split("\x1f") if row[17] else ())),
    )


class Store:
    """An open corpus database. Open one per process with `await Store.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path

    @classmethod
    async def open(cls, path: Path, *, query_only: bool = False) -> Store:
        """`query_only` for serving: the bot only reads, and a load writes through a connection of its own."""
        return cls(await connection.connect(path, query_only=query_only), path)

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- schema (bot/store/connection.py) -------------------------------------------------------------

    async def schema_version(self) -> int:
        return await connection.schema_version(self._db)

    async def migrate(self) -> None:
        await connection.migrate(self._db, self.path)

    # -- writing (bot/store/writes.py): each change is one transaction --------------------------------

    async def document_hashes(self) -> dict[str, str]:
        return {name: digest for name, (digest, _) in (await self.known_documents()).items()}

    async def known_documents(self) -> dict[str, KnownDocument]:
        return await writes.known_documents(self._db)

    async def record_files(self, files: dict[str, FileStat]) -> None:
        await writes.record_files(self._db, files)

    async def apply(self, change: CorpusChange) -> None:
        await writes.apply(self._db, change)

    async def apply_people(self, people: Sequence[tuple[str, tuple[str, ...]]]) -> None:
        await writes.apply_people(self._db, list(people))

    async def replace_membership(self, events: Iterable[MembershipEvent]) -> None:
        await writes.replace_membership(self._db, list(events), await self.membership())

    async def replace_topics(
        self, topics: Iterable[tuple[str, str, Sequence[str]]], tag: Callable[[str], list[str]] | None = None
    ) -> None:
        await writes.replace_topics(self._db, topics, tag)

    async def replace_sources(self, sources: Iterable[Source]) -> None:
        await writes.replace_sources(self._db, list(sources))

    # -- the version log (bot/store/versions.py) ------------------------------------------------------

    async def corpus_version(self) -> int:
        return await versions.corpus_version(self._db)

    async def changes(self, after: int, upto: int) -> CorpusDelta | None:
        return await versions.changes(self._db, after, upto)

    # -- reading --------------------------------------------------------------------------------------

    async def counts(self) -> CorpusCounts:
        documents, statements, speakers = await fetch_row(
            self._db,
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM statements), "
            "(SELECT count(*) FROM speakers)",
        )
        return CorpusCounts(documents, statements, speakers)

    async def statements(self, ids: Sequence[int]) -> list[StoredStatement]:
        """The statements with these ids, in the order given."""
        if not ids:
            return []
        rows: dict[int, StoredStatement] = {}
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {_STATEMENT_COLUMNS} {_STATEMENTS_FROM} WHERE s.id IN ({marks})"
            for row in await self._db.execute_fetchall(sql, chunk):
                rows[row[0]] = _stored_statement(row)
        return [rows[i] for i in ids if i in rows]

    async def document_statements(self, name: str) -> list[StoredStatement]:
        """One document's statements, in the order the article gives them."""
        sql = f"SELECT {_STATEMENT_COLUMNS} {_STATEMENTS_FROM} WHERE d.name = ? ORDER BY s.paragraph, s.id"
        return [_stored_statement(row) for row in await self._db.execute_fetchall(sql, (name,))]

    async def statement_page(self, after: int = 0, limit: int = 5000) -> list[StoredStatement]:
        """Statements in id order after `after`, a page at a time: the whole corpus without holding it all."""
        sql = f"SELECT {_STATEMENT_COLUMNS} {_STATEMENTS_FROM} WHERE s.id > ? ORDER BY s.id LIMIT ?"
        return [_stored_statement(row) for row in await self._db.execute_fetchall(sql, (after, limit))]

    async def statement(self, statement_id: int) -> StoredStatement | None:
        found = await self.statements([statement_id])
        return found[0] if found else None

    async def random_statement(self) -> StoredStatement | None:
        statement_id = await fetch_scalar(
            self._db,
            "SELECT id FROM statements WHERE id >= (abs(random()) % (SELECT max(id) FROM statements) + 1) "
            "ORDER BY id LIMIT 1",
        )
        if statement_id is None:
            statement_id = await fetch_scalar(self._db, "SELECT min(id) FROM statements")
        return await self.statement(statement_id) if statement_id is not None else None

    async def ids_by_speakers(self, speaker_ids: Sequence[int], limit: int = 1000) -> list[int]:
        """Newest first."""
        marks = ",".join("?" * len(speaker_ids))
        return await fetch_ids(
            self._db,
            f"SELECT id FROM statements WHERE speaker_id IN ({marks}) ORDER BY date DESC, id DESC LIMIT ?",
            (*speaker_ids, limit),
        )

    async def ids_by_topic(self, topic: str, limit: int = 1000) -> list[int]:
        return await fetch_ids(
            self._db,
            "SELECT statement_id FROM statement_topics WHERE topic = ? ORDER BY date DESC, statement_id DESC LIMIT ?",
            (topic, limit),
        )

    async def ids_by_country(self, country: str, limit: int = 1000) -> list[int]:
        return await fetch_ids(
            self._db,
            "SELECT statement_id FROM statement_countries WHERE country = ? "
            "ORDER BY date DESC, statement_id DESC LIMIT ?",
            (country, limit),
        )

    async def ids_by_text(
        self,
        fts_query: str,
        limit: int = 1000,
        speaker_id: int | None = None,
        ranked: bool = True,
        day_of: Callable[[int], int] | None = None,
    ) -> list[int]:
        """Full-text matches, best first, or newest first unless `ranked` (see bot/store/selections.py); with
        `speaker_id`, only theirs. `day_of` gives a statement's day as `days` does, where the caller knows it."""
        return await selections.ids_by_text(self._db, fts_query, limit, speaker_id, ranked, day_of)

    async def ids_of_speaker_tagged(self, speaker_id: int, kind: str, value: str, limit: int = 1000) -> list[int]:
        """One speaker's statements with a topic (`kind` "topic") or a country ("country"), newest first."""
        return await selections.ids_of_speaker_tagged(self._db, speaker_id, kind, value, limit)

    async def ids_matching(self, fts_query: str, limit: int = 1000) -> list[int]:
        """Full-text matches in index order, unranked: the least work a text search can do."""
        return await fetch_ids(
            self._db,
            "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? LIMIT ?",
            (selections.in_text(fts_query), limit),
        )

    async def texts(self, after: int = 0, limit: int = 50_000) -> list[tuple[int, str]]:
        """Statement ids and texts in id order, a page at a time (for scans outside the database)."""
        async with self._db.execute(
            "SELECT id, text FROM statements WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
        ) as cursor:
            return [(i, text) async for i, text in cursor]

    async def ids_by_date(
        self, start: date | None = None, end: date | None = None, newest_first: bool = True, limit: int = 1000
    ) -> list[int]:
        order = "DESC" if newest_first else "ASC"
        # Only the bounds given appear in the SQL: "? IS NULL OR date >= ?" would hide the range from the
        # planner, and a year's statements would cost a walk over every newer one.
        bounds = [(clause, day.isoformat()) for clause, day in (("date >= ?", start), ("date <= ?", end)) if day]
        where = f"WHERE {' AND '.join(clause for clause, _ in bounds)}" if bounds else ""
        return await fetch_ids(
            self._db,
            f"SELECT id FROM statements {where} ORDER BY date {order}, id {order} LIMIT ?",
            (*(value for _, value in bounds), limit),
        )

    async def days(self, from_id: int = 0, limit: int = 100_000) -> list[tuple[int, int]]:
        """(id, day) of the statements from `from_id` on, in id order, a page at a time; the day is the number
        YYYYMMDD, and 0 for an undated statement. The searcher keeps them to sort by date in memory."""
        rows = await self._db.execute_fetchall(
            f"SELECT id, {selections.DAY} FROM statements WHERE id >= ? ORDER BY id LIMIT ?",
            (from_id, limit),
        )
        return [(int(i), int(day)) for i, day in rows]

    async def source(self, statement_id: int) -> SourceParagraph | None:
        statement = await self.statement(statement_id)
        if statement is None:
            return None
        paragraphs_json, place = await fetch_row(
            self._db, "SELECT paragraphs, place FROM documents WHERE name = ?", (statement.doc,)
        )
        paragraphs = json.loads(paragraphs_json)
        others = await self._db.execute_fetchall(
            "SELECT DISTINCT d.name, d.outlet, d.date FROM statement_sources ss JOIN documents d "
            "ON d.id = ss.document_id WHERE ss.statement_id = ? AND d.name != ? ORDER BY d.date, d.name",
            (statement_id, statement.doc),
        )
        also = tuple(
            SourceRef(str(name), _text(outlet), date.fromisoformat(day) if isinstance(day, str) else None)
            for name, outlet, day in others
        )
        return SourceParagraph(statement, paragraphs[statement.paragraph], len(paragraphs), place, also)

    async def speaker_names(self, ids: Iterable[int] | None = None) -> list[SpeakerNames]:
        """The speakers with statements, the most quoted first; with `ids`, only those of them."""
        aliases: dict[int, list[str]] = {}
        where, params = only("speaker_id", ids)
        for speaker_id, alias in await self._db.execute_fetchall(
            f"SELECT speaker_id, alias FROM speaker_aliases WHERE {where}", params
        ):
            aliases.setdefault(speaker_id, []).append(alias)
        where, params = only("id", ids)
        rows = await self._db.execute_fetchall(
            "SELECT id, name, kind, role, statements FROM speakers "
            f"WHERE statements > 0 AND {where} ORDER BY statements DESC, name",
            params,
        )
        return [SpeakerNames(i, name, kind, role, tuple(aliases.get(i, ())), n) for i, name, kind, role, n in rows]

    async def topic_counts(self, names: Iterable[str] | None = None) -> list[NamedCount]:
        """Each topic's statements, the most tagged first; with `names`, only those topics."""
        where, params = only("t.name", names)
        return await self._named_counts(
            "SELECT t.name, count(st.statement_id) FROM topics t "
            f"LEFT JOIN statement_topics st ON st.topic = t.name WHERE {where} GROUP BY t.name ORDER BY 2 DESC, 1",
            params,
        )

    async def topic_keywords(self) -> dict[str, list[str]]:
        async with self._db.execute("SELECT name, keywords FROM topics") as cursor:
            return {name: json.loads(keywords) async for name, keywords in cursor}

    async def country_counts(self, names: Iterable[str] | None = None) -> list[NamedCount]:
        """Each country's statements, the most mentioned first; with `names`, only those (a country no
        statement mentions is left out)."""
        where, params = only("country", names)
        return await self._named_counts(
            f"SELECT country, count(*) FROM statement_countries WHERE {where} GROUP BY country ORDER BY 2 DESC, 1",
            params,
        )

    async def membership(self) -> list[MembershipEvent]:
        # Every timeline page reads them: one trip to the database thread, where a cursor makes one per 64 rows.
        rows = await self._db.execute_fetchall(
            "SELECT country, iso2, status, since, until, source, note FROM membership ORDER BY since, country"
        )
        return [
            MembershipEvent(
                country,
                iso2,
                status,
                date.fromisoformat(since),
                date.fromisoformat(until) if until else None,
                source,
                note,
            )
            for country, iso2, status, since, until, source, note in rows
        ]

    async def meta(self, key: str) -> str | None:
        value = await fetch_scalar(self._db, "SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def integrity_check(self) -> str:
        return str(await fetch_scalar(self._db, "PRAGMA integrity_check"))

    async def _named_counts(self, sql: str, params: Sequence[object] = ()) -> list[NamedCount]:
        return [NamedCount(name, count) for name, count in await self._db.execute_fetchall(sql, params)]
