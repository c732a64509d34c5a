"""Everything that changes the database: a load in one transaction, file stats, membership and the taxonomy.

Each change also moves the corpus version on and logs what it changed (bot/store/versions.py), so a
searcher can bring its match lists up to date in place. The load's own bookkeeping, each document's hash
and recorded file stat, is read back here too: it decides what the next load parses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import aiosqlite

from bot.corpus.identity import Speaker, SpeakerDirectory, alias_key
from bot.corpus.members import MembershipEvent
from bot.corpus.models import Article, Statement
from bot.corpus.provenance import Source
from bot.corpus.speaker_terms import KEY, lookup_terms
from bot.store import recent_window
from bot.store.connection import fetch_ids, fetch_scalar, only, transaction
from bot.store.records import CorpusChange, CorpusDelta, FileStat, KnownDocument
from bot.store.reprints import keep_reprinted, known_texts_of, text_key
from bot.store.versions import bump_version

# A load naming more speakers than this resolves them against every speaker rather than those filed
# under their terms: the lookups would cost more than they save.
PARTIAL_DIRECTORY_NAMES = 1000
# Rows per executemany in a load: big enough to amortise the call, small enough to keep memory flat.
_ROWS_PER_CALL = 20_000


@dataclass(slots=True)
class _Rows:
    documents: list[tuple[object, ...]] = field(default_factory=list)
    statements: list[tuple[object, ...]] = field(default_factory=list)
    topics: list[tuple[object, ...]] = field(default_factory=list)
    countries: list[tuple[object, ...]] = field(default_factory=list)
    sources: list[tuple[object, ...]] = field(default_factory=list)


# Files the speakers selected by a WHERE on `s` under their terms (bot/speaker_terms.py); so does migration 5.
_FILE_SPEAKERS = """
    INSERT OR IGNORE INTO speaker_terms (term, speaker_id)
    SELECT t.value, s.id
    FROM speakers s,
        json_each(scobot_speaker_terms(
            s.name, s.kind, (SELECT json_group_array(alias) FROM speaker_aliases WHERE speaker_id = s.id)
        )) t
"""


async def known_documents(db: aiosqlite.Connection) -> dict[str, KnownDocument]:
    """Every document's hash and recorded file stat, by name (from an index: no article text is read)."""
    rows = await db.execute_fetchall(
        "SELECT name, content_hash, file_size, file_mtime_ns, file_ctime_ns FROM documents"
    )
    return {
        name: (digest, (size, mtime, ctime) if size is not None else None) for name, digest, size, mtime, ctime in rows
    }


async def record_files(db: aiosqlite.Connection, files: dict[str, FileStat]) -> None:
    """Record the stat of files whose bytes are loaded; not a corpus change, so the version stays."""
    if not files:
        return
    async with transaction(db):
        await db.executemany(
            "UPDATE documents SET file_size = ?, file_mtime_ns = ?, file_ctime_ns = ? WHERE name = ?",
            [(*file, name) for name, file in files.items()],
        )


async def apply(db: aiosqlite.Connection, change: CorpusChange) -> None:
    """Apply one load in a single transaction: replaced and removed documents go, parsed ones come in."""
    if not change.parsed and not change.removed:
        return
    async with transaction(db):
        # Statements name their speakers before the speakers table is written at the end.
        await db.execute("PRAGMA defer_foreign_keys = ON")
        gone = [article.name for article, _ in change.parsed] + change.removed
        # Only speakers who lose or gain statements can lose their role or their last statement, and
        # only the topics and countries of statements that go or come change their counts.
        delta = await _delta_of_documents(db, gone)
        await keep_reprinted(db, gone)
        await db.executemany("DELETE FROM documents WHERE name = ?", [(name,) for name in gone])
        directory = await _directory(db, change.parsed, change.people)
        known_ids = {speaker.id for speaker in directory}
        await _insert_articles(db, change.parsed, directory, delta)
        directory.settle_names()
        await _save_speakers(db, directory, known_ids, delta.speakers)
        await recent_window.settle(db)
        await bump_version(db, delta)


async def _delta_of_documents(db: aiosqlite.Connection, names: list[str]) -> CorpusDelta:
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
        await fetch_ids(
            db,
            f"SELECT DISTINCT speaker_id FROM statements WHERE id IN ({statements}) AND speaker_id IS NOT NULL",
            params,
        )
    )
    for table, column, found in (
        ("statement_topics", "topic", delta.topics),
        ("statement_countries", "country", delta.countries),
    ):
        sql = f"SELECT DISTINCT {column} FROM {table} WHERE statement_id IN ({statements})"
        found.update(name for (name,) in await db.execute_fetchall(sql, params))
    return delta


async def _directory(
    db: aiosqlite.Connection, parsed: list[tuple[Article, list[Statement]]], people: list[tuple[str, tuple[str, ...]]]
) -> SpeakerDirectory:
    """A directory of the speakers that resolving these articles' names can meet (see bot/speaker_terms.py)."""
    names = {(s.speaker, s.speaker_type) for _, statements in parsed for s in statements if s.speaker}
    if not names:
        return SpeakerDirectory(people=people)
    if len(names) > PARTIAL_DIRECTORY_NAMES:
        return SpeakerDirectory(await _speakers(db), people)
    # A name of a known person resolves as that person's canonical name, so the lookup is for it too.
    anchors = SpeakerDirectory(people=people)
    names |= {(anchors.canonical(name), "person") for name, _ in names}
    ids = await fetch_ids(
        db,
        "SELECT speaker_id FROM speaker_terms WHERE term IN (SELECT value FROM json_each(?)) "
        # The newest speaker, so the directory gives new speakers the ids after it.
        "UNION SELECT max(id) FROM speakers",
        (json.dumps(sorted(lookup_terms(names))),),
    )
    return SpeakerDirectory(await _speakers(db, [i for i in ids if i is not None]), people)


async def _speakers(db: aiosqlite.Connection, ids: list[int] | None = None) -> list[Speaker]:
    """Every speaker, or those of `ids`, in id order: the order a directory must meet them in."""
    aliases: dict[int, set[str]] = {}
    where, params = only("speaker_id", ids)
    for speaker_id, alias in await db.execute_fetchall(
        f"SELECT speaker_id, alias FROM speaker_aliases WHERE {where}", params
    ):
        aliases.setdefault(speaker_id, set()).add(alias)
    where, params = only("id", ids)
    rows = await db.execute_fetchall(
        f"SELECT id, name, kind, statements FROM speakers WHERE {where} ORDER BY id", params
    )
    return [Speaker(i, name, kind, aliases.get(i, set()), count) for i, name, kind, count in rows]


async def _insert_articles(
    db: aiosqlite.Connection,
    parsed: list[tuple[Article, list[Statement]]],
    directory: SpeakerDirectory,
    delta: CorpusDelta,
) -> None:
    """Insert articles and statements a few thousand rows per call; `delta` gains what they name.

    Ids are given here rather than read back row by row, so a load of a million statements is a
    handful of `executemany` calls instead of a million round trips to the database thread.
    """
    document_id = await fetch_scalar(db, "SELECT coalesce(max(id), 0) FROM documents")
    statement_id = await fetch_scalar(db, "SELECT coalesce(max(id), 0) FROM statements")
    assert isinstance(document_id, int) and isinstance(statement_id, int)
    rows = _Rows()
    # The same speaker's same words, reported again, is one statement with one more source.
    known_texts = await known_texts_of(db, {speaker.id for speaker in directory})
    # Every name first, so a surname met before its namesakes is judged against all of this load's people.
    speakers = [
        [directory.resolve(s.speaker, s.speaker_type) if s.speaker else None for s in statements]
        for _, statements in parsed
    ]
    moved = directory.reconsider_parts()
    for (_, statements), resolved in zip(parsed, speakers, strict=True):
        for index, statement in enumerate(statements):
            if statement.speaker and moved and alias_key(statement.speaker) in moved:
                resolved[index] = moved[alias_key(statement.speaker)]
    for (article, statements), resolved in zip(parsed, speakers, strict=True):
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
        for statement, speaker in zip(statements, resolved, strict=True):
            speaker_id = None
            if speaker is not None:
                speaker_id = speaker.id
                delta.speakers.add(speaker_id)
            key = text_key(statement.text) if speaker_id is not None else None
            place = (document_id, statement.paragraph)
            reprinted = known_texts.find(speaker_id, key, place) if speaker_id is not None and key else None
            if reprinted is not None:
                rows.sources.append((reprinted, document_id, statement.paragraph))
                continue
            statement_id += 1
            if delta.statements_from is None:
                delta.statements_from = statement_id
            if speaker_id is not None and key:
                known_texts.add(speaker_id, key, statement_id, place)
            rows.sources.append((statement_id, document_id, statement.paragraph))
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
                    key,
                )
            )
            rows.topics += [(statement_id, topic, day) for topic in dict.fromkeys(statement.topics)]
            rows.countries += [(statement_id, country, day) for country in dict.fromkeys(statement.countries)]
        if len(rows.statements) >= _ROWS_PER_CALL:
            await _write_rows(db, rows)
            rows = _Rows()
    await _write_rows(db, rows)


async def _write_rows(db: aiosqlite.Connection, rows: _Rows) -> None:
    await db.executemany(
        "INSERT INTO documents (id, name, date, place, outlet, content_hash, paragraphs) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows.documents,
    )
    await db.executemany(
        "INSERT INTO statements (id, document_id, paragraph, speaker_id, speaker_role, kind, cue, text, date, "
        "text_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows.statements,
    )
    await db.executemany(
        "INSERT OR IGNORE INTO statement_sources (statement_id, document_id, paragraph) VALUES (?, ?, ?)",
        rows.sources,
    )
    await db.executemany(
        "INSERT OR IGNORE INTO statement_topics (statement_id, topic, date) VALUES (?, ?, ?)", rows.topics
    )
    await db.executemany(
        "INSERT OR IGNORE INTO statement_countries (statement_id, country, date) VALUES (?, ?, ?)", rows.countries
    )


async def _save_speakers(
    db: aiosqlite.Connection, directory: SpeakerDirectory, known_ids: set[int], touched: set[int]
) -> None:
    speakers = list(directory)
    await db.executemany(
        "INSERT INTO speakers (id, name, kind) VALUES (?, ?, ?)",
        [(s.id, s.name, s.kind) for s in speakers if s.id not in known_ids],
    )
    await db.executemany(
        "UPDATE speakers SET name = ? WHERE id = ?",
        [(s.name, s.id) for s in speakers if s.id in known_ids and s.id in directory.renamed],
    )
    await db.executemany(
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
    await db.executemany(
        "UPDATE speakers SET role = (SELECT speaker_role FROM statements WHERE speaker_id = speakers.id "
        "AND speaker_role IS NOT NULL ORDER BY date DESC, id DESC LIMIT 1), "
        "statements = (SELECT count(*) FROM statements WHERE speaker_id = speakers.id) WHERE id = ?",
        ids,
    )
    await db.executemany("DELETE FROM speakers WHERE id = ? AND statements = 0", ids)
    # New names and aliases file a speaker under new terms; the speakers deleted take theirs along.
    refiled = json.dumps(sorted(s.id for s in speakers if s.id not in known_ids or s.id in touched))
    await db.execute("DELETE FROM speaker_terms WHERE speaker_id IN (SELECT value FROM json_each(?))", (refiled,))
    await db.execute(_FILE_SPEAKERS + "WHERE s.id IN (SELECT value FROM json_each(?))", (refiled,))


async def apply_people(db: aiosqlite.Connection, people: list[tuple[str, tuple[str, ...]]]) -> None:
    """Give the speakers who are a known person every name of that person, so search finds them by any.

    Cheap enough for every load (a few dozen people); only a load that adds names moves the version.
    """
    wanted: set[tuple[int, str]] = set()
    for canonical, names in people:
        everyone = (canonical, *names)
        ids = await fetch_ids(
            db,
            "SELECT DISTINCT speaker_id FROM speaker_terms WHERE term IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({KEY + alias_key(name) for name in everyone})),),
        )
        wanted |= {(speaker_id, name) for speaker_id in ids for name in everyone}
    if not wanted:
        return
    known = {
        (speaker_id, alias)
        for speaker_id, alias in await db.execute_fetchall(
            "SELECT speaker_id, alias FROM speaker_aliases WHERE speaker_id IN (SELECT value FROM json_each(?)) "
            "UNION ALL SELECT id, name FROM speakers WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({i for i, _ in wanted})),) * 2,
        )
    }
    new = sorted(wanted - known)
    if not new:
        return
    touched = sorted({speaker_id for speaker_id, _ in new})
    async with transaction(db):
        await db.executemany("INSERT OR IGNORE INTO speaker_aliases (speaker_id, alias) VALUES (?, ?)", new)
        await db.execute(_FILE_SPEAKERS + "WHERE s.id IN (SELECT value FROM json_each(?))", (json.dumps(touched),))
        await bump_version(db, CorpusDelta(speakers=set(touched)))


async def replace_membership(
    db: aiosqlite.Connection, events: list[MembershipEvent], current: list[MembershipEvent]
) -> None:
    """Replace the membership events with `events`, unless they are the `current` ones already."""
    if sorted(events, key=repr) == sorted(current, key=repr):
        return
    async with transaction(db):
        await db.execute("DELETE FROM membership")
        await db.executemany(
            "INSERT INTO membership (country, iso2, status, since, until, source, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
        await bump_version(db, CorpusDelta())


async def replace_topics(
    db: aiosqlite.Connection,
    topics: Iterable[tuple[str, str, Sequence[str]]],
    tag: Callable[[str], list[str]] | None = None,
) -> None:
    """Replace the taxonomy; with `tag`, every statement's topics are worked out again in the same transaction."""
    rows = [(name, description, json.dumps(list(keywords))) for name, description, keywords in topics]
    async with db.execute("SELECT name, description, keywords FROM topics ORDER BY rowid") as cursor:
        if [tuple(row) async for row in cursor] == rows:
            return
    async with transaction(db):
        await db.execute("DELETE FROM topics")
        await db.executemany("INSERT INTO topics (name, description, keywords) VALUES (?, ?, ?)", rows)
        if tag is not None:
            await db.execute("DELETE FROM statement_topics")
            async with db.execute("SELECT id, text, date FROM statements") as cursor:
                tagged = [(i, topic, day) async for i, text, day in cursor for topic in dict.fromkeys(tag(text))]
            await db.executemany(
                "INSERT OR IGNORE INTO statement_topics (statement_id, topic, date) VALUES (?, ?, ?)", tagged
            )
        await bump_version(db, None)


async def replace_sources(db: aiosqlite.Connection, sources: list[Source]) -> None:
    """Replace the articles' sources with those of SEEDS_DIR/sources.csv, unless they are those already."""
    # By file alone: the other columns may be None, which does not sort against text.
    rows = sorted(((s.file, s.url, s.title, s.outlet, s.fetched) for s in sources), key=lambda row: row[0])
    current = await db.execute_fetchall("SELECT document, url, title, outlet, fetched FROM sources ORDER BY document")
    if [tuple(row) for row in current] == rows:
        return
    async with transaction(db):
        await db.execute("DELETE FROM sources")
        await db.executemany(
            "INSERT OR REPLACE INTO sources (document, url, title, outlet, fetched) VALUES (?, ?, ?, ?, ?)", rows
        )
        # Sources are not in the match lists: a version with nothing for searchers to read again.
        await bump_version(db, CorpusDelta())
