"""`scobot load` or `scobot run`, slowed down and narrating, for tests that SIGKILL it mid-way.

    python -m tests.auxil.crash_driver load|run

Prints "parsed N" after each parse batch (load only: `run` parses in a worker process), "wrote VERB"
after each INSERT/DELETE/UPDATE inside an open transaction, and "committed" once the load commits, each
flushed at once, so a test can kill the process at a chosen point. CRASH_SLOW_PARSE and CRASH_SLOW_WRITE
(seconds) stretch those steps so the kill lands inside them; CRASH_HOLD_AFTER_COMMIT keeps the process
alive after the commit. Nothing else about the load differs from the real command.

The writes are observed at aiosqlite's one entry to its database thread, not at the store's private
methods, so the store can change how it writes without this driver noticing.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

import aiosqlite

from bot.cli import main
from bot.loading import load as loading
from bot.store import CorpusChange, Store

SLOW_PARSE = float(os.environ.get("CRASH_SLOW_PARSE", "0"))
SLOW_WRITE = float(os.environ.get("CRASH_SLOW_WRITE", "0"))
HOLD_AFTER_COMMIT = float(os.environ.get("CRASH_HOLD_AFTER_COMMIT", "0"))


def say(line: str) -> None:
    print(line, flush=True)


_parse_batch = loading.parse_batch
_execute = aiosqlite.Connection._execute
_apply = Store.apply
_parsed = 0


def parse_batch(*args: Any) -> Any:
    global _parsed
    result = _parse_batch(*args)
    _parsed += len(result)
    say(f"parsed {_parsed}")
    time.sleep(SLOW_PARSE)  # in the loader's worker thread, like the parse itself
    return result


async def execute(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
    result = await _execute(self, fn, *args, **kwargs)
    sql = args[0] if args and isinstance(args[0], str) else ""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else ""
    if verb == "BEGIN":
        self.crash_in_transaction = True  # type: ignore[attr-defined]
    elif verb in ("COMMIT", "ROLLBACK", "END"):
        self.crash_in_transaction = False  # type: ignore[attr-defined]
    elif verb in ("INSERT", "DELETE", "UPDATE", "REPLACE") and getattr(self, "crash_in_transaction", False):
        say(f"wrote {verb}")
        await asyncio.sleep(SLOW_WRITE)  # inside the open write transaction
    return result


async def apply(self: Store, change: CorpusChange) -> None:
    await _apply(self, change)
    say("committed")
    await asyncio.sleep(HOLD_AFTER_COMMIT)


if __name__ == "__main__":
    if sys.argv[1] == "load":
        loading.parse_batch = parse_batch  # type: ignore[assignment]
    aiosqlite.Connection._execute = execute  # type: ignore[method-assign]
    Store.apply = apply  # type: ignore[method-assign]
    raise SystemExit(main(sys.argv[1:]))
