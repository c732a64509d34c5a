"""The corpus version and its log of what each version changed, which searchers poll to stay up to date.

Every change to the corpus moves the version on in the change's own transaction (bot/store/writes.py);
a searcher that finds the version moved asks `changes` what to read again, and rebuilds its match lists
only when the log cannot tell.
"""

from __future__ import annotations

import time

import aiosqlite

from bot.store.connection import fetch_row, fetch_scalar
from bot.store.records import CorpusDelta

# Corpus versions whose changes are logged; a searcher further behind rebuilds its match lists. A running
# bot's searcher polls the version every few seconds, so it is rarely more than one behind.
VERSIONS_LOGGED = 20
# A version that changes more names than this (a first load) is logged as a rebuild: the log stays small.
LOGGED_CHANGES = 10_000


async def corpus_version(db: aiosqlite.Connection) -> int:
    value = await fetch_scalar(db, "SELECT value FROM meta WHERE key = 'corpus_version'")
    return int(value) if value is not None else 0


async def bump_version(db: aiosqlite.Connection, delta: CorpusDelta | None) -> None:
    """Move the corpus version on, logging what it changed for searchers (None: what only a rebuild knows)."""
    await db.execute(
        "INSERT INTO meta (key, value) VALUES ('corpus_version', '1') "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )
    version = await corpus_version(db)
    if delta is not None and len(delta.speakers) + len(delta.topics) + len(delta.countries) > LOGGED_CHANGES:
        delta = None
    await db.execute(
        "INSERT OR REPLACE INTO corpus_versions (version, rebuild, statements_from) VALUES (?, ?, ?)",
        (version, delta is None, delta.statements_from if delta is not None else None),
    )
    if delta is not None:
        await db.executemany(
            "INSERT OR IGNORE INTO corpus_changes (version, kind, key) VALUES (?, ?, ?)",
            [(version, "speaker", str(i)) for i in sorted(delta.speakers)]
            + [(version, "topic", topic) for topic in sorted(delta.topics)]
            + [(version, "country", country) for country in sorted(delta.countries)],
        )
    await db.execute("DELETE FROM corpus_versions WHERE version <= ?", (version - VERSIONS_LOGGED,))
    await _set_meta(db, "loaded_at", str(time.time()))


async def changes(db: aiosqlite.Connection, after: int, upto: int) -> CorpusDelta | None:
    """What the versions after `after` up to `upto` changed; None when only a rebuild can tell.

    That is when one of them is no longer (or was never) logged, or replaced the taxonomy.
    """
    span = (after, upto)
    logged, rebuild, statements_from = await fetch_row(
        db,
        "SELECT count(*), coalesce(max(rebuild), 0), min(statements_from) FROM corpus_versions "
        "WHERE version > ? AND version <= ?",
        span,
    )
    if logged != upto - after or rebuild:
        return None
    delta = CorpusDelta(statements_from=statements_from)
    for kind, key in await db.execute_fetchall(
        "SELECT kind, key FROM corpus_changes WHERE version > ? AND version <= ?", span
    ):
        if kind == "speaker":
            delta.speakers.add(int(key))
        else:
            (delta.topics if kind == "topic" else delta.countries).add(key)
    return delta


async def _set_meta(db: aiosqlite.Connection, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
