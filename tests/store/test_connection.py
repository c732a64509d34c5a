"""Opening the database: the serving connection cannot write, and a failed write says SQLite's own reason."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.serving.runner import open_serving_store
from bot.store import Store
from bot.store.connection import connect, fetch_scalar, transaction
from tests.auxil.corpus import fill, sample_change


async def test_the_bots_serving_connection_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "scobot.db"
    async with await Store.open(path) as writer:
        await fill(writer)
        before = (await writer.counts()).statements
    async with await open_serving_store(path) as serving:
        assert (await serving.counts()).statements == before  # reads work
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await serving.apply(sample_change())
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await serving.record_files({"any.txt": (1, 2, 3)})
        assert (await serving.counts()).statements == before
    # A load's own connection (the reloader opens one) still writes.
    async with await Store.open(path) as writer:
        await writer.record_files({"any.txt": (1, 2, 3)})


async def test_a_full_disk_inside_a_transaction_raises_sqlites_own_error(tmp_path: Path) -> None:
    db = await connect(tmp_path / "scobot.db")
    try:
        await db.execute("CREATE TABLE filler (x BLOB)")
        # SQLite's own "disk is full": the file may not grow past its size now, whatever the disk has.
        await db.execute(f"PRAGMA max_page_count = {await fetch_scalar(db, 'PRAGMA page_count')}")
        with pytest.raises(sqlite3.OperationalError) as raised:
            async with transaction(db):
                for _ in range(50):
                    await db.execute("INSERT INTO filler VALUES (randomblob(4000))")
        # SQLite rolled the transaction back itself; an explicit ROLLBACK would have raised "no transaction
        # is active" and hidden this.
        assert str(raised.value) == "database or disk is full"
        assert not db.in_transaction
        assert await fetch_scalar(db, "SELECT count(*) FROM filler") == 0
    finally:
        await db.close()
