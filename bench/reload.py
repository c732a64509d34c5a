"""An incremental reload at scale: one article file changes in a folder whose corpus is already loaded."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from bot.corpus.nlp import DEFAULT_MODEL, load_nlp
from bot.loading import load_corpus
from bot.search import SearchIndex
from bot.store import Store

ADDED = (
    '\n\n"The organisation will meet again in the spring," Foreign Minister Amina Qorvali told reporters.\n'
)


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


async def incremental(database: Path, seeds: Path, work: Path) -> dict[str, object]:
    copy, folder, changed = prepare(database, seeds, work)
    load_nlp(DEFAULT_MODEL)  # a bot's parse worker keeps its model loaded between reloads
    async with await Store.open(copy) as store:
        before = await store.counts()
        with changed.open("a", encoding="utf-8") as stream:
            stream.write(ADDED)
        report = await load_corpus(store, folder, DEFAULT_MODEL)
        started = time.perf_counter()
        await SearchIndex.from_store(store)
        index_seconds = time.perf_counter() - started
    shutil.rmtree(work)
    return {
        "statements": before.statements,
        "files": len(report.unchanged) + len(report.changed) + len(report.added),
        "changed": report.changed,
        "seconds": report.seconds,
        "index_seconds": index_seconds,
        "total_seconds": report.seconds + index_seconds,
    }
