"""Reloading while the bot serves: one reload at a time, on its own write connection, then a fresh index.

Readers keep the bot's connection, so every query is answered from the old corpus until the load
transaction commits; a failed reload changes nothing.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Executor
from pathlib import Path

from bot.loading.load import ProgressCallback, load_corpus
from bot.loading.report import LoadReport
from bot.search import Searcher
from bot.store import Store


class ReloadBusyError(RuntimeError):
    """Another reload is running in this process."""


class Reloader:
    """Owns the reload lock and the parse executor, and remembers how the last reload went."""

    def __init__(
        self, database_path: Path, seeds_dir: Path, model: str, searcher: Searcher, executor: Executor | None = None
    ) -> None:
        self.database_path = database_path
        self.seeds_dir = seeds_dir
        self.model = model
        self.searcher = searcher
        self.executor = executor
        self.last: str | None = None
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def reload(self, progress: ProgressCallback | None = None) -> LoadReport:
        """Load `seeds_dir` into the database, then bring the searcher to the new version."""
        if self._lock.locked():
            raise ReloadBusyError("a reload is already running")
        async with self._lock:
            return await self._reload(progress)

    async def reload_in_turn(self, progress: ProgressCallback | None = None) -> LoadReport:
        """Wait for a running reload, then reload: files saved meanwhile may be newer than what it scanned."""
        async with self._lock:
            return await self._reload(progress)

    async def _reload(self, progress: ProgressCallback | None) -> LoadReport:
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        try:
            async with await Store.open(self.database_path) as writer:
                report = await load_corpus(
                    writer, self.seeds_dir, self.model, executor=self.executor, progress=progress
                )
        except Exception as exc:
            self.last = f"{started}: failed ({type(exc).__name__})"
            raise
        await self.searcher.refresh()
        self.last = (
            f"{started}: ok, {len(report.added)} added, {len(report.changed)} changed, "
            f"{len(report.removed)} removed, {len(report.skipped)} skipped"
        )
        return report
