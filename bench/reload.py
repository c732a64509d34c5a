"""An incremental reload at scale, as the bot does one: one article changes in a folder already loaded and served.

The figure is `Reloader.reload` end to end, what an operator's /reload waits for: the load on its own write
connection (scan, parse in the warm parse worker, apply, reference data) and then the searcher bringing
its match lists to the new corpus version. Before it, the bot is in its steady state: the match lists were
built at start-up, the parse worker has its model loaded, and an earlier reload recorded every file's stat.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

from bot.corpus.nlp import DEFAULT_MODEL
from bot.loading import Reloader, worker_pool
from bot.loading.load import parse_batch
from bot.loading.scanning import RACY_NS
from bot.search import Searcher
from bot.store import Store

ADDED = '\n\n"The organisation will meet again in the spring," Foreign Minister Amina Qorvali told reporters.\n'


def prepare(database: Path, seeds: Path, work: Path) -> tuple[Path, Path, Path]:
    """Copies of the database and the seed folder, and the file that will change."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    folder = work / "seeds"
    shutil.copytree(seeds, folder)
    copy = work / "scobot.db"
    shutil.copyfile(database, copy)
    changed = sorted(folder.glob("*.txt"))[len(list(folder.glob("*.txt"))) // 2]
    return copy, folder, changed


class _TimedSearcher(Searcher):
    """The bot's searcher, timing its refresh: the part of a reload that brings the match lists up to date."""

    refresh_seconds = 0.0

    async def refresh(self) -> bool:
        started = time.perf_counter()
        try:
            return await super().refresh()
        finally:
            self.refresh_seconds = time.perf_counter() - started


async def incremental(database: Path, seeds: Path, work: Path) -> dict[str, object]:
    copy, folder, changed = prepare(database, seeds, work)
    copied = time.time_ns()
    executor = worker_pool()
    try:
        # A bot's parse worker keeps its model loaded between reloads.
        await asyncio.wrap_future(executor.submit(parse_batch, [], DEFAULT_MODEL, None))
        async with await Store.open(copy) as store:
            searcher = _TimedSearcher(store)
            await searcher.refresh()  # the match lists a running bot serves from
            reloader = Reloader(copy, folder, DEFAULT_MODEL, searcher, executor)
            # Files this fresh are hashed by every load (see bot.loading.scanning.RACY_NS); the bot's are long settled.
            await asyncio.sleep(max(0.0, (copied + RACY_NS - time.time_ns()) / 1e9))
            started = time.perf_counter()
            first = await reloader.reload()  # the first reload after an upgrade: every file is hashed
            first_seconds = time.perf_counter() - started

            before = await store.counts()
            with changed.open("a", encoding="utf-8") as stream:
                stream.write(ADDED)
            started = time.perf_counter()
            report = await reloader.reload()
            total = time.perf_counter() - started
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    shutil.rmtree(work)
    assert not first.changed and report.changed == [changed.name], (first.changed, report.changed)
    parts = {f"load: {stage}": seconds for stage, seconds in report.stages.items()}
    parts["searcher refresh"] = searcher.refresh_seconds
    parts["write connection open and close"] = total - report.seconds - searcher.refresh_seconds
    return {
        "statements": before.statements,
        "files": len(report.unchanged) + len(report.changed) + len(report.added),
        "changed": report.changed,
        "seconds": report.seconds,  # load_corpus
        "index_seconds": searcher.refresh_seconds,  # the match lists brought up to date
        "total_seconds": total,  # Reloader.reload, end to end
        "parts": parts,
        "first_reload_seconds": first_seconds,
    }
