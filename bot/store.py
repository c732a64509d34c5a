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
from typing import TypeAlias

import aiosqlite

from bot.corpus.identity import Speaker, SpeakerDirectory
from bot.corpus.members import MembershipEvent
from bot.corpus.models import Article, Statement
from bot.speaker_terms import WORDLESS, lookup_terms, speaker_terms_json

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


# A seed file's (size, mtime_ns, ctime_ns): while they stay as recorded, so do its bytes (bot/scanning.py).
# A load holds one for each of tens of thousands of files, so these are plain tuples: the garbage collector
# stops tracking those, and they add nothing to the full collections of a bot holding big match lists.
FileStat: TypeAlias = tuple[int, int, int]
# A document's content hash, and its file's stat as last recorded (None until a load records one).
KnownDocument: TypeAlias = tuple[str, FileStat | None]


@dataclass(slots=True)
class CorpusDelta:
    """What some corpus versions changed that search shows: the speakers, topics and countries to read again."""

    speakers: set[int] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)


# A text search ranks this many of its matches, the most recently loaded (see Store.ids_by_text).
RANKED_MATCHES = 200
# A load naming more speakers than this resolves them against every speaker rather than those filed
# under their terms: the lookups would cost more than they save.
PARTIAL_DIRECTORY_NAMES = 1000
# Corpus versions whose changes are logged; a searcher further behind rebuilds its match lists. A running
# bot's searcher polls the version every few seconds, so it is rarely more than one behind.
VERSIONS_LOGGED = 20
# A version that changes more names than this (a first load) is logged as a rebuild: the log stays small.
LOGGED_CHANGES = 10_000
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
        # Migrations and loads file speakers under their terms with the same Python rule.
        await connection.create_function("scobot_speaker_terms", 3, speaker_terms_json, deterministic=True)
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
        return {name: digest for name, (digest, _) in (await self.known_documents()).items()}

    async def known_documents(self) -> dict[str, KnownDocument]:
        """Every document's hash and recorded file stat, by name (from an index: no article text is read)."""
        rows = await self._db.execute_fetchall(
            "SELECT name, content_hash, file_size, file_mtime_ns, file_ctime_ns FROM documents"
        )
        return {
            name: (digest, (size, mtime, ctime) if size is not None else None)
            for name, digest, size, mtime, ctime in rows
        }

    async def record_files(self, files: dict[str, FileStat]) -> None:
        """Record the stat of files whose bytes are loaded; not a corpus change, so the version stays."""
        if not files:
            return
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            await self._db.executemany(
                "UPDATE documents SET file_size = ?, file_mtime_ns = ?, file_ctime_ns = ? WHERE name = ?",
                [(*file, name) for name, file in files.items()],
            )
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise

    async def apply(self, change: CorpusChange) -> None:
        """Apply one load in a single transaction: replaced and removed documents go, parsed ones come in."""
        if not change.parsed and not change.removed:
            return
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            # Statements name their speakers before the speakers table is written at the end.
            await self._db.execute("PRAGMA defer_foreign_keys = ON")
            gone = [article.name for article, _ in change.parsed] + change.removed
            # Only speakers who lose or gain statements can lose their role or their last statement, and
            # only the topics and countries of statements that go or come change their counts.
            delta = await self._delta_of_documents(gone)
            await self._db.executemany("DELETE FROM documents WHERE name = ?", [(name,) for name in gone])
            directory = await self._directory(change.parsed)
            known_ids = {speaker.id for speaker in directory}
            await self._insert_articles(change.parsed, directory, delta)
            await self._save_speakers(directory, known_ids, delta.speakers)
            await self._bump_version(delta)
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise

    async def _delta_of_documents(self, names: list[str]) -> CorpusDelta:
        """The speakers, topics and countries of these documents' statements."""
        delta = CorpusDelta()
        if not names:
            return delta
        statements = (
            "SELECT s.id FROM documents d JOIN statements s ON s.document_id = d.id "
            "WHERE d.name IN (SELECT value FROM json_each(?))"
        )
        params = (json.dumps(names),)
        delta.speakers.update(
            await self._ids(
                f"SELECT DISTINCT speaker_id FROM statements WHERE id IN ({statements}) AND speaker_id IS NOT NULL",
                params,
            )
        )
        for table, column, found in (
            ("statement_topics", "topic", delta.topics),
            ("statement_countries", "country", delta.countries),
        ):
            sql = f"SELECT DISTINCT {column} FROM {table} WHERE statement_id IN ({statements})"
            found.update(name for (name,) in await self._db.execute_fetchall(sql, params))
        return delta

    async def _directory(self, parsed: list[tuple[Article, list[Statement]]]) -> SpeakerDirectory:
        """A directory of the speakers that resolving these articles' names can meet (see bot/speaker_terms.py)."""
        names = {(s.speaker, s.speaker_type) for _, statements in parsed for s in statements if s.speaker}
        if not names:
            return SpeakerDirectory()
        if len(names) > PARTIAL_DIRECTORY_NAMES:
            return SpeakerDirectory(await self._speakers())
        ids = await self._ids(
            "SELECT speaker_id FROM speaker_terms WHERE term IN (SELECT value FROM json_each(?)) "
            # A person whose name has no word joins a new name only while no other person's name has one.
            "UNION SELECT * FROM (SELECT speaker_id FROM speaker_terms WHERE term > ? LIMIT 1) "
            # The newest speaker, so the directory gives new speakers the ids after it.
            "UNION SELECT max(id) FROM speakers",
            (json.dumps(sorted(lookup_terms(names))), WORDLESS),
        )
        return SpeakerDirectory(await self._speakers([i for i in ids if i is not None]))

    async def _insert_articles(
        self, parsed: list[tuple[Article, list[Statement]]], directory: SpeakerDirectory, delta: CorpusDelta
    ) -> None:
        """Insert articles and statements a few thousand rows per call; `delta` gains what they name.

        Ids are given here rather than read back row by row, so a load of a million statements is a
        handful of `executemany` calls instead of a million round trips to the database thread.
        """
        document_id = await self._scalar("SELECT coalesce(max(id), 0) FROM documents")
        statement_id = await self._scalar("SELECT coalesce(max(id), 0) FROM statements")
        assert isinstance(document_id, int) and isinstance(statement_id, int)
        rows = _Rows()
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
                    delta.speakers.add(speaker_id)
                delta.topics.update(statement.topics)
                delta.countries.update(statement.countries)
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

    async def _speakers(self, ids: list[int] | None = None) -> list[Speaker]:
        """Every speaker, or those of `ids`, in id order: the order a directory must meet them in."""
        aliases: dict[int, set[str]] = {}
        where, params = _only("speaker_id", ids)
        for speaker_id, alias in await self._db.execute_fetchall(
            f"SELECT speaker_id, alias FROM speaker_aliases WHERE {where}", params
        ):
            aliases.setdefault(speaker_id, set()).add(alias)
        where, params = _only("id", ids)
        rows = await self._db.execute_fetchall(f"SELECT id, name, kind FROM speakers WHERE {where} ORDER BY id", params)
        return [Speaker(i, name, kind, aliases.get(i, set())) for i, name, kind in rows]

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
        # A speaker's role is the one its latest statement gives, and its count is kept for the match lists.
        await self._db.executemany(
            "UPDATE speakers SET role = (SELECT speaker_role FROM statements WHERE speaker_id = speakers.id "
            "AND speaker_role IS NOT NULL ORDER BY date DESC, id DESC LIMIT 1), "
            "statements = (SELECT count(*) FROM statements WHERE speaker_id = speakers.id) WHERE id = ?",
            ids,
        )
        await self._db.executemany("DELETE FROM speakers WHERE id = ? AND statements = 0", ids)
        # New names and aliases file a speaker under new terms; the speakers deleted take theirs along.
        refiled = json.dumps(sorted(s.id for s in speakers if s.id not in known_ids or s.id in touched))
        await self._db.execute(
            "DELETE FROM speaker_terms WHERE speaker_id IN (SELECT value FROM json_each(?))", (refiled,)
        )
        await self._db.execute(_FILE_SPEAKERS + "WHERE s.id IN (SELECT value FROM json_each(?))", (refiled,))

    async def _bump_version(self, delta: CorpusDelta | None) -> None:
        """Move the corpus version on, logging what it changed for searchers (None: what only a rebuild knows)."""
        await self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('corpus_version', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
        version = await self.corpus_version()
        if delta is not None and len(delta.speakers) + len(delta.topics) + len(delta.countries) > LOGGED_CHANGES:
            delta = None
        await self._db.execute(
            "INSERT OR REPLACE INTO corpus_versions (version, rebuild) VALUES (?, ?)", (version, delta is None)
        )
        if delta is not None:
            await self._db.executemany(
                "INSERT OR IGNORE INTO corpus_changes (version, kind, key) VALUES (?, ?, ?)",
                [(version, "speaker", str(i)) for i in sorted(delta.speakers)]
                + [(version, "topic", topic) for topic in sorted(delta.topics)]
                + [(version, "country", country) for country in sorted(delta.countries)],
            )
        await self._db.execute("DELETE FROM corpus_versions WHERE version <= ?", (version - VERSIONS_LOGGED,))
        await self._set_meta("loaded_at", str(time.time()))

    async def changes(self, after: int, upto: int) -> CorpusDelta | None:
        """What the versions after `after` up to `upto` changed; None when only a rebuild can tell.

        That is when one of them is no longer (or was never) logged, or replaced the taxonomy.
        """
        span = (after, upto)
        async with self._db.execute(
            "SELECT count(*), coalesce(max(rebuild), 0) FROM corpus_versions WHERE version > ? AND version <= ?", span
        ) as cursor:
            logged, rebuild = await cursor.fetchone()  # type: ignore[misc]
        if logged != upto - after or rebuild:
            return None
        delta = CorpusDelta()
        for kind, key in await self._db.execute_fetchall(
            "SELECT kind, key FROM corpus_changes WHERE version > ? AND version <= ?", span
        ):
            if kind == "speaker":
                delta.speakers.add(int(key))
            else:
                (delta.topics if kind == "topic" else delta.countries).add(key)
        return delta

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
            # Membership is not in the match lists: a version with nothing for searchers to read again.
            await self._bump_version(CorpusDelta())
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
            await self._bump_version(None)
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

    async def speaker_names(self, ids: Iterable[int] | None = None) -> list[SpeakerNames]:
        """The speakers with statements, the most quoted first; with `ids`, only those of them."""
        aliases: dict[int, list[str]] = {}
        where, params = _only("speaker_id", ids)
        for speaker_id, alias in await self._db.execute_fetchall(
            f"SELECT speaker_id, alias FROM speaker_aliases WHERE {where}", params
        ):
            aliases.setdefault(speaker_id, []).append(alias)
        where, params = _only("id", ids)
        rows = await self._db.execute_fetchall(
            "SELECT id, name, kind, role, statements FROM speakers "
            f"WHERE statements > 0 AND {where} ORDER BY statements DESC, name",
            params,
        )
        return [SpeakerNames(i, name, kind, role, tuple(aliases.get(i, ())), n) for i, name, kind, role, n in rows]

    async def topic_counts(self, names: Iterable[str] | None = None) -> list[NamedCount]:
        """Each topic's statements, the most tagged first; with `names`, only those topics."""
        where, params = _only("t.name", names)
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
        where, params = _only("country", names)
        return await self._named_counts(
            f"SELECT country, count(*) FROM statement_countries WHERE {where} GROUP BY country ORDER BY 2 DESC, 1",
            params,
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

    async def _named_counts(self, sql: str, params: Sequence[object] = ()) -> list[NamedCount]:
        return [NamedCount(name, count) for name, count in await self._db.execute_fetchall(sql, params)]

    async def _ids(self, sql: str, params: Sequence[object]) -> list[int]:
        # fetchall is one trip to aiosqlite's thread; iterating the cursor is one per 64 rows.
        return [row[0] for row in await self._db.execute_fetchall(sql, params)]

    async def _scalar(self, sql: str, params: Sequence[object] = ()) -> object:
        async with self._db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else None


def _only(column: str, values: Iterable[int] | Iterable[str] | None) -> tuple[str, tuple[str, ...]]:
    """A condition that `column` is one of `values` (always true for None), and its parameters."""
    if values is None:
        return "1", ()
    return f"{column} IN (SELECT value FROM json_each(?))", (json.dumps(list(values)),)


# Files the speakers selected by a WHERE on `s` under their terms (bot/speaker_terms.py); so does migration 5.
_FILE_SPEAKERS = """
    INSERT OR IGNORE INTO speaker_terms (term, speaker_id)
    SELECT t.value, s.id
    FROM speakers s,
        json_each(scobot_speaker_terms(
            s.name, s.kind, (SELECT json_group_array(alias) FROM speaker_aliases WHERE speaker_id = s.id)
        )) t
"""
