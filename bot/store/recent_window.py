"""The window of newest statements that ranking reads (migration 0010): moved on at the end of each load.

The window holds the statements from `first_id` up, and `first_id` follows the newest id, `size` below it.
The triggers keep the window's rows current as statements come, change and go; a load that brings new
statements moves `first_id` on and takes the rows that fall out of the window out of its index.
"""

from __future__ import annotations

import aiosqlite

from bot.store.connection import fetch_row

_INDEX_ROWS = "INSERT INTO recent_fts(rowid, text, speaker_term) SELECT id, text, speaker_term FROM statements"
_UNINDEX_ROWS = (
    "INSERT INTO recent_fts(recent_fts, rowid, text, speaker_term) "
    "SELECT 'delete', id, text, speaker_term FROM statements"
)


async def settle(db: aiosqlite.Connection) -> None:
    """Move the window to the newest statements, inside the caller's transaction.

    Taking a row out of FTS5 costs about what putting one in does, so a window that moves further than
    its own size (a first load) is emptied and filled afresh rather than taken out row by row.
    """
    size, first_id, newest = await fetch_row(
        db, "SELECT size, first_id, (SELECT coalesce(max(id), 0) FROM statements) FROM recent_window"
    )
    wanted = int(newest) - int(size) + 1
    if wanted == first_id:
        return
    if wanted - first_id > size:
        await db.execute("INSERT INTO recent_fts(recent_fts) VALUES ('delete-all')")
        await db.execute(f"{_INDEX_ROWS} WHERE id >= ?", (wanted,))
    elif wanted > first_id:
        await db.execute(f"{_UNINDEX_ROWS} WHERE id >= ? AND id < ?", (first_id, wanted))
    else:
        # The newest statements went (their ids are given again): older ones come back into the window.
        await db.execute(f"{_INDEX_ROWS} WHERE id >= ? AND id < ?", (wanted, first_id))
    await db.execute("UPDATE recent_window SET first_id = ?", (wanted,))
