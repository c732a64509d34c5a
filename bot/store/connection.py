"""Opening the database file, bringing its schema forward, and the few helpers every statement goes through.

The reads (`reads`) and the writes (`writes`) share these, so both talk to
SQLite the same way: one trip to aiosqlite's thread per statement, and one transaction per change.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from importlib.resources import files
from pathlib import Path
from typing import Any

import aiosqlite

from bot.corpus.speaker_terms import speaker_terms_json

# Each file migrates the schema one version forward; PRAGMA user_version records how far a database got.
MIGRATIONS: tuple[str, ...] = tuple(
    resource.read_text(encoding="utf-8")
    for resource in sorted(files("bot.store.migrations").iterdir(), key=lambda r: r.name)
    if resource.name.endswith(".sql")
)
SCHEMA_VERSION = len(MIGRATIONS)


class DatabaseUnavailable(RuntimeError):
    """The database file cannot be opened or used; the message is one line naming it and what to do."""


async def connect(path: Path, *, query_only: bool = False) -> aiosqlite.Connection:
    """A connection to the file at `path`, created if need be and migrated to SCHEMA_VERSION.

    `query_only` refuses every write through this connection (the serving store: only a load writes).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise unavailable(path, exc) from exc
    try:
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute("PRAGMA busy_timeout = 10000")
        # Migrations and loads file speakers under their terms with the same Python rule.
        await connection.create_function("scobot_speaker_terms", 3, speaker_terms_json, deterministic=True)
        await migrate(connection, path)
        if query_only:
            await connection.execute("PRAGMA query_only = 1")
    except BaseException as exc:
        # Whatever failed, close: a connection left open keeps aiosqlite's thread, and the process, alive.
        await connection.close()
        if isinstance(exc, sqlite3.Error):
            raise unavailable(path, exc) from exc
        raise
    return connection


def is_corruption(exc: BaseException | None) -> bool:
    """SQLite's own word that the file is damaged ("database disk image is malformed", "not a database")."""
    name = getattr(exc, "sqlite_errorname", "") if isinstance(exc, sqlite3.DatabaseError) else ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def unavailable(path: Path, exc: BaseException) -> DatabaseUnavailable:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return DatabaseUnavailable(
        f"cannot use the database {path} ({reason}): check the file and its folder can be read and written, "
        "or move the file away and rebuild it with `make load` (or `.venv/bin/scobot load`)"
    )


async def schema_version(db: aiosqlite.Connection) -> int:
    return int(await fetch_scalar(db, "PRAGMA user_version"))


async def migrate(db: aiosqlite.Connection, path: Path) -> None:
    """Bring the file forward to SCHEMA_VERSION, one migration per transaction."""
    version = await schema_version(db)
    if version > SCHEMA_VERSION:
        raise DatabaseUnavailable(
            f"{path} has schema version {version} and this scobot knows {SCHEMA_VERSION}: update scobot, "
            "or set DATABASE_PATH to another file"
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        await db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {number}; COMMIT;")


@asynccontextmanager
async def transaction(db: aiosqlite.Connection) -> AsyncIterator[None]:
    """One write transaction: readers see all of it or none of it, and a failure (or a cancel) undoes it."""
    await db.execute("BEGIN IMMEDIATE")
    try:
        yield
        await db.execute("COMMIT")
    except BaseException:
        # SQLite itself rolls back after some errors ("database or disk is full"); a ROLLBACK then fails
        # with "no transaction is active", and raising that would hide the real cause.
        if db.in_transaction:
            with suppress(sqlite3.Error):
                await db.execute("ROLLBACK")
        raise


async def fetch_ids(db: aiosqlite.Connection, sql: str, params: Sequence[object]) -> list[int]:
    # fetchall is one trip to aiosqlite's thread; iterating the cursor is one per 64 rows.
    return [row[0] for row in await db.execute_fetchall(sql, params)]


# SQLite's values are typed by the row, not the column: `Any` says so, and the callers know their columns.
async def fetch_scalar(db: aiosqlite.Connection, sql: str, params: Sequence[object] = ()) -> Any:
    async with db.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def fetch_row(db: aiosqlite.Connection, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...]:
    """The one row a query must return (an aggregate, or a row the caller knows is there)."""
    async with db.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"no row for {sql!r}")
    return tuple(row)


def only(column: str, values: Iterable[int] | Iterable[str] | None) -> tuple[str, tuple[str, ...]]:
    """A condition that `column` is one of `values` (always true for None), and its parameters."""
    if values is None:
        return "1", ()
    return f"{column} IN (SELECT value FROM json_each(?))", (json.dumps(list(values)),)
