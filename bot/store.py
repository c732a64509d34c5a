"""The SQLite store: schema, migrations, the load transaction, and every query the bot asks.

No SQL lives anywhere else. The database runs in WAL mode, so a reader keeps its snapshot while a load
writes, and a load is one transaction, so readers see the old corpus or the new one, never half.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path

import aiosqlite

from bot.corpus.identity import Speaker, SpeakerDirectory
from bot.corpus.members import MembershipEvent
from bot.corpus.models import Article, Statement

# Each file migrates the schema one version forward; PRAGMA user_version records how far a database got.
MIGRATIONS: tuple[str, ...] = tuple(
    resource.read_text(encoding="utf-8")
    for resource in sorted(files("bot.migrations").iterdir(), key=lambda r: r.name)
    if resource.name.endswith(".sql")
)
SCHEMA_VERSION = len(MIGRATIONS)

_STATEMENT_COLUMNS = """
    s.id, s.text, s.kind, s.cue, s.speaker_id, sp.name, sp.kind, s.speaker_role, s.date,
    d.outlet, d.name, s.paragraph,
    (SELECT group_concat(topic, '|') FROM statement_topics WHERE statement_id = s.id),
    (SELECT group_concat(country, '|') FROM statement_countries WHERE statement_id = s.id)
"""
_STATEMENTS_FROM = """
    FROM statements s
    JOIN documents d ON d.id = s.document_id
    LEFT JOIN speakers sp ON sp.id = s.speaker_id
"""


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

    @classmethod
    def from_row(cls, row: Sequence[object]) -> StoredStatement:
        return cls(
            id=row[0],  # type: ignore[arg-type]
            text=row[1],  # type: ignore[arg-type]
            kind=row[2],  # type: ignore[arg-type]
            cue=row[3],  # type: ignore[arg-type]
            speaker_id=row[4],  # type: ignore[arg-type]
            speaker=row[5],  # type: ignore[arg-type]
            speaker_kind=row[6],  # type: ignore[arg-type]
            speaker_role=row[7],  # type: ignore[arg-type]
            date=date.fromisoformat(row[8]) if row[8] else None,  # type: ignore[arg-type]
            outlet=row[9],  # type: ignore[arg-type]
            doc=row[10],  # type: ignore[arg-type]
            paragraph=row[11],  # type: ignore[arg-type]
            topics=tuple(row[12].split("|")) if row[12] else (),  # type: ignore[union-attr]
            countries=tuple(row[13].split("|")) if row[13] else (),  # type: ignore[union-attr]
        )


@dataclass(frozen=True, slots=True)
class SourceParagraph:
    statement: StoredStatement
    paragraph_text: str
    paragraph_count: int
    place: str | None


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


# A text search ranks this many of its matches, the most recently loaded (see Store.ids_by_text).
RANKED_MATCHES = 200
# Rows per executemany in a load: big enough to amortise the call, small enough to keep memory flat.
_ROWS_PER_CALL = 20_000


@dataclass(slots=True)
class _Rows:
    documents: list[tuple[object, ...]] = field(default_factory=list)
    statements: list[tuple[object, ...]] = field(default_factory=list)
    topics: list[tuple[object, ...]] = field(default_factory=list)
    countries: list[tuple[object, ...]] = field(default_factory=list)


class Store:
    """An open corpus database. Open one per process with `await Store.open(path)`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute("PRAGMA busy_timeout = 10000")
        store = cls(connection, path)
        try:
            await store.migrate()
        except BaseException:
            # A file this scobot cannot use must not leave a connection (and its thread) behind.
            await connection.close()
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- schema ---------------------------------------------------------------------------------------

    async def schema_version(self) -> int:
        return await self._scalar("PRAGMA user_version")  # type: ignore[return-value]

    async def migrate(self) -> None:
        """Bring the file forward to SCHEMA_VERSION, one migration per transaction."""
        version = await self.schema_version()
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} has schema version {version}; this scobot knows {SCHEMA_VERSION}")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self._db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {number}; COMMIT;")

    # -- writing --------------------------------------------------------------------------------------

    async def document_hashes(self) -> dict[str, str]:
        async with self._db.execute("SELECT name, content_hash FROM documents") as cursor:
            return {name: digest async for name, digest in cursor}

    async def apply(self, change: CorpusChange) -> None:
        """Apply one load in a single transaction: replaced and removed documents go, parsed ones come in."""
        if not change.parsed and not change.removed:
            return
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            # Statements name their speakers before the speakers table is written at the end.
            await self._db.execute("PRAGMA defer_foreign_keys = ON")
            gone = [(article.name,) for article, _ in change.parsed] + [(name,) for name in change.removed]
            # Only speakers who lose or gain statements can lose their role or their last statement.
            touched = set(await self._speakers_of_documents([name for (name,) in gone]))
            await self._db.executemany("DELETE FROM documents WHERE name = ?", gone)
            directory = SpeakerDirectory(await self._speakers())
            known_ids = {speaker.id for speaker in directory}
            touched |= await self._insert_articles(change.parsed, directory)
            await self._save_speakers(directory, known_ids, touched)
            await self._bump_version()
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise

    async def _speakers_of_documents(self, names: list[str]) -> list[int]:
        found: list[int] = []
        for chunk_start in range(0, len(names), 500):
            chunk = names[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            found += await self._ids(
                "SELECT DISTINCT s.speaker_id FROM documents d JOIN statements s ON s.document_id = d.id "
                f"WHERE d.name IN ({marks}) AND s.speaker_id IS NOT NULL",
                chunk,
            )
        return found

    async def _insert_articles(
        self, parsed: list[tuple[Article, list[Statement]]], directory: SpeakerDirectory
    ) -> set[int]:
        """Insert articles and statements a few thousand rows per call; returns the speakers they name.

        Ids are given here rather than read back row by row, so a load of a million statements is a
        handful of `executemany` calls instead of a million round trips to the database thread.
        """
        document_id = await self._scalar("SELECT coalesce(max(id), 0) FROM documents")
        statement_id = await self._scalar("SELECT coalesce(max(id), 0) FROM statements")
        assert isinstance(document_id, int) and isinstance(statement_id, int)
        rows = _Rows()
        speakers: set[int] = set()
        for article, statements in parsed:
            document_id += 1
            rows.documents.append(
                (
                    document_id,
                    article.name,
                    article.date.isoformat() if article.date else None,
                    article.place,
                    article.outlet,
                    article.content_hash,
                    json.dumps(article.paragraphs, ensure_ascii=False),
                )
            )
            for statement in statements:
                statement_id += 1
                speaker_id = None
                if statement.speaker:
                    speaker_id = directory.resolve(statement.speaker, statement.speaker_type).id
                    speakers.add(speaker_id)
                day = statement.date.isoformat() if statement.date else None
                rows.statements.append(
                    (
                        statement_id,
                        document_id,
                        statement.paragraph,
                        speaker_id,
                        statement.speaker_role,
                        statement.kind,
                        statement.cue,
                        statement.text,
                        day,
                    )
                )
                rows.topics += [(statement_id, topic, day) for topic in dict.fromkeys(statement.topics)]
                rows.countries += [(statement_id, country, day) for country in dict.fromkeys(statement.countries)]
            if len(rows.statements) >= _ROWS_PER_CALL:
                await self._write_rows(rows)
                rows = _Rows()
        await self._write_rows(rows)
        return speakers

    async def _write_rows(self, rows: _Rows) -> None:
        await self._db.executemany(
            "INSERT INTO documents (id, name, date, place, outlet, content_hash, paragraphs) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows.documents,
        )
        await self._db.executemany(
            "INSERT INTO statements (id, document_id, paragraph, speaker_id, speaker_role, kind, cue, text, date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows.statements,
        )
        await self._db.executemany(
            "INSERT OR IGNORE INTO statement_topics (statement_id, topic, date) VALUES (?, ?, ?)", rows.topics
        )
        await self._db.executemany(
            "INSERT OR IGNORE INTO statement_countries (statement_id, country, date) VALUES (?, ?, ?)", rows.countries
        )

    async def _speakers(self) -> list[Speaker]:
        aliases: dict[int, set[str]] = {}
        async with self._db.execute("SELECT speaker_id, alias FROM speaker_aliases") as cursor:
            async for speaker_id, alias in cursor:
                aliases.setdefault(speaker_id, set()).add(alias)
        async with self._db.execute("SELECT id, name, kind FROM speakers") as cursor:
            return [Speaker(i, name, kind, aliases.get(i, set())) async for i, name, kind in cursor]

    async def _save_speakers(self, directory: SpeakerDirectory, known_ids: set[int], touched: set[int]) -> None:
        speakers = list(directory)
        await self._db.executemany(
            "INSERT INTO speakers (id, name, kind) VALUES (?, ?, ?)",
            [(s.id, s.name, s.kind) for s in speakers if s.id not in known_ids],
        )
        await self._db.executemany(
            "UPDATE speakers SET name = ? WHERE id = ?",
            [(s.name, s.id) for s in speakers if s.id in known_ids and s.id in directory.renamed],
        )
        await self._db.executemany(
            "INSERT OR IGNORE INTO speaker_aliases (speaker_id, alias) VALUES (?, ?)",
            [
                (s.id, alias)
                for s in speakers
                if s.id not in known_ids or s.id in touched
                for alias in s.aliases
                if alias != s.name
            ],
        )
        ids = [(speaker_id,) for speaker_id in sorted(touched)]
        # A speaker's role is the one its latest statement gives.
        await self._db.executemany(
            "UPDATE speakers SET role = (SELECT speaker_role FROM statements WHERE speaker_id = speakers.id "
            "AND speaker_role IS NOT NULL ORDER BY date DESC, id DESC LIMIT 1) WHERE id = ?",
            ids,
        )
        await self._db.executemany(
            "DELETE FROM speakers WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM statements WHERE speaker_id = ?1)", ids
        )

    async def _bump_version(self) -> None:
        await self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('corpus_version', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
        await self._set_meta("loaded_at", str(time.time()))

    async def replace_membership(self, events: Iterable[MembershipEvent]) -> None:
        events = list(events)
        if sorted(events, key=repr) == sorted(await self.membership(), key=repr):
            return
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            await self._db.execute("DELETE FROM membership")
            await self._db.executemany(
                "INSERT INTO membership (country, iso2, status, since, until, source, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.country,
                        e.iso2,
                        e.status,
                        e.since.isoformat(),
                        e.until.isoformat() if e.until else None,
                        e.source,
                        e.note,
                    )
                    for e in events
                ],
            )
            await self._bump_version()
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise

    async def replace_topics(
        self, topics: Iterable[tuple[str, str, Sequence[str]]], tag: Callable[[str], list[str]] | None = None
    ) -> None:
        """Replace the taxonomy; with `tag`, every statement's topics are worked out again in the same transaction."""
        rows = [(name, description, json.dumps(list(keywords))) for name, description, keywords in topics]
        async with self._db.execute("SELECT name, description, keywords FROM topics ORDER BY rowid") as cursor:
            if [tuple(row) async for row in cursor] == rows:
                return
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            await self._db.execute("DELETE FROM topics")
            await self._db.executemany("INSERT INTO topics (name, description, keywords) VALUES (?, ?, ?)", rows)
            if tag is not None:
                await self._db.execute("DELETE FROM statement_topics")
                async with self._db.execute("SELECT id, text, date FROM statements") as cursor:
                    tagged = [(i, topic, day) async for i, text, day in cursor for topic in dict.fromkeys(tag(text))]
                await self._db.executemany(
                    "INSERT OR IGNORE INTO statement_topics (statement_id, topic, date) VALUES (?, ?, ?)", tagged
                )
            await self._bump_version()
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise

    async def _set_meta(self, key: str, value: str) -> None:
        await self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- reading --------------------------------------------------------------------------------------

    async def corpus_version(self) -> int:
        value = await self._scalar("SELECT value FROM meta WHERE key = 'corpus_version'")
        return int(value) if value is not None else 0

    async def counts(self) -> CorpusCounts:
        async with self._db.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM statements), "
            "(SELECT count(*) FROM speakers)"
        ) as cursor:
            documents, statements, speakers = await cursor.fetchone()  # type: ignore[misc]
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
                rows[row[0]] = StoredStatement.from_row(row)
        return [rows[i] for i in ids if i in rows]

    async def statement(self, statement_id: int) -> StoredStatement | None:
        found = await self.statements([statement_id])
        return found[0] if found else None

    async def random_statement(self) -> StoredStatement | None:
        statement_id = await self._scalar(
            "SELECT id FROM statements WHERE id >= (abs(random()) % (SELECT max(id) FROM statements) + 1) "
            "ORDER BY id LIMIT 1"
        )
        if statement_id is None:
            statement_id = await self._scalar("SELECT min(id) FROM statements")
        return await self.statement(statement_id) if statement_id is not None else None  # type: ignore[arg-type]

    async def ids_by_speakers(self, speaker_ids: Sequence[int], limit: int = 1000) -> list[int]:
        """Newest first."""
        marks = ",".join("?" * len(speaker_ids))
        return await self._ids(
            f"SELECT id FROM statements WHERE speaker_id IN ({marks}) ORDER BY date DESC, id DESC LIMIT ?",
            (*speaker_ids, limit),
        )

    async def ids_by_topic(self, topic: str, limit: int = 1000) -> list[int]:
        return await self._ids(
            "SELECT statement_id FROM statement_topics WHERE topic = ? ORDER BY date DESC, statement_id DESC LIMIT ?",
            (topic, limit),
        )

    async def ids_by_country(self, country: str, limit: int = 1000) -> list[int]:
        return await self._ids(
            "SELECT statement_id FROM statement_countries WHERE country = ? "
            "ORDER BY date DESC, statement_id DESC LIMIT ?",
            (country, limit),
        )

    async def ids_by_text(self, fts_query: str, limit: int = 1000) -> list[int]:
        """Full-text matches: the best-ranked of the latest RANKED_MATCHES first, then the rest newest first.

        `fts_query` must already be a safe FTS5 expression. Ranking scores every row it sees, so a common
        word in a big corpus would cost a score for each of hundreds of thousands of rows; instead the
        matches are taken newest first (FTS5 walks its index backwards and stops at `limit`) and only the
        first RANKED_MATCHES of them are scored.
        """
        found = await self._ids(
            "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (fts_query, limit),
        )
        if len(found) <= 1:
            return found
        ranked = await self._ids(
            "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? AND rowid >= ? ORDER BY rank",
            (fts_query, found[min(RANKED_MATCHES, len(found)) - 1]),
        )
        first = set(ranked)
        return ranked + [statement_id for statement_id in found if statement_id not in first]

    async def ids_matching(self, fts_query: str, limit: int = 1000) -> list[int]:
        """Full-text matches in index order, unranked: the least work a text search can do."""
        return await self._ids(
            "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? LIMIT ?", (fts_query, limit)
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
        return await self._ids(
            f"SELECT id FROM statements {where} ORDER BY date {order}, id {order} LIMIT ?",
            (*(value for _, value in bounds), limit),
        )

    async def sort_by_date(self, ids: Sequence[int]) -> list[int]:
        """The same statements, oldest first; undated ones first of all."""
        if not ids:
            return []
        # One statement for any number of ids, sorted by SQLite: one trip to the database thread.
        return await self._ids(
            "SELECT id FROM statements WHERE id IN (SELECT value FROM json_each(?)) ORDER BY coalesce(date, ''), id",
            (json.dumps(list(ids)),),
        )

    async def source(self, statement_id: int) -> SourceParagraph | None:
        statement = await self.statement(statement_id)
        if statement is None:
            return None
        async with self._db.execute(
            "SELECT paragraphs, place FROM documents WHERE name = ?", (statement.doc,)
        ) as cursor:
            paragraphs_json, place = await cursor.fetchone()  # type: ignore[misc]
        paragraphs = json.loads(paragraphs_json)
        return SourceParagraph(statement, paragraphs[statement.paragraph], len(paragraphs), place)

    async def speaker_names(self) -> list[SpeakerNames]:
        aliases: dict[int, list[str]] = {}
        async with self._db.execute("SELECT speaker_id, alias FROM speaker_aliases") as cursor:
            async for speaker_id, alias in cursor:
                aliases.setdefault(speaker_id, []).append(alias)
        async with self._db.execute(
            "SELECT sp.id, sp.name, sp.kind, sp.role, count(s.id) FROM speakers sp "
            "JOIN statements s ON s.speaker_id = sp.id GROUP BY sp.id ORDER BY count(s.id) DESC, sp.name"
        ) as cursor:
            return [
                SpeakerNames(i, name, kind, role, tuple(aliases.get(i, ())), n)
                async for i, name, kind, role, n in cursor
            ]

    async def topic_counts(self) -> list[NamedCount]:
        return await self._named_counts(
            "SELECT t.name, count(st.statement_id) FROM topics t "
            "LEFT JOIN statement_topics st ON st.topic = t.name GROUP BY t.name ORDER BY 2 DESC, 1"
        )

    async def topic_keywords(self) -> dict[str, list[str]]:
        async with self._db.execute("SELECT name, keywords FROM topics") as cursor:
            return {name: json.loads(keywords) async for name, keywords in cursor}

    async def country_counts(self) -> list[NamedCount]:
        return await self._named_counts(
            "SELECT country, count(*) FROM statement_countries GROUP BY country ORDER BY 2 DESC, 1"
        )

    async def membership(self) -> list[MembershipEvent]:
        async with self._db.execute(
            "SELECT country, iso2, status, since, until, source, note FROM membership ORDER BY since, country"
        ) as cursor:
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
                async for country, iso2, status, since, until, source, note in cursor
            ]

    async def meta(self, key: str) -> str | None:
        return await self._scalar("SELECT value FROM meta WHERE key = ?", (key,))  # type: ignore[return-value]

    async def integrity_check(self) -> str:
        return await self._scalar("PRAGMA integrity_check")  # type: ignore[return-value]

    async def _named_counts(self, sql: str) -> list[NamedCount]:
        async with self._db.execute(sql) as cursor:
            return [NamedCount(name, count) async for name, count in cursor]

    async def _ids(self, sql: str, params: Sequence[object]) -> list[int]:
        # fetchall is one trip to aiosqlite's thread; iterating the cursor is one per 64 rows.
        return [row[0] for row in await self._db.execute_fetchall(sql, params)]

    async def _scalar(self, sql: str, params: Sequence[object] = ()) -> object:
        async with self._db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else None
