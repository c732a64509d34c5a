"""A corpus load: scan `SEEDS_DIR`, parse what changed in a worker process, and swap it in at once.

Shared by `scobot load`, `scobot reload` and the bot's /reload. Only files whose content hash changed
are parsed again, and only files whose stat changed are hashed (`scanning`); the store applies the
whole change in one transaction, so readers see the old corpus until the new one is complete, and a load
that fails leaves the old corpus as it was.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from bot.corpus.members import load_members
from bot.corpus.models import Article, Statement
from bot.corpus.people import load_people
from bot.corpus.provenance import SOURCES_FILE, read_sources
from bot.corpus.topics import load_taxonomy
from bot.loading.report import LoadReport
from bot.loading.scanning import scan
from bot.store import CorpusChange, Store

MEMBERS_FILE = "members.csv"
TOPICS_FILE = "topics.toml"
PEOPLE_FILE = "people.csv"
PARSE_BATCH = 16
# A load of at least this many articles, given no executor, is parsed by PARSE_WORKERS processes.
PARALLEL_FROM = 64
PARSE_WORKERS = 2


@dataclass(frozen=True, slots=True)
class LoadProgress:
    stage: str  # "scanning", "parsing", "swapping"
    done: int = 0
    total: int = 0


ProgressCallback = Callable[[LoadProgress], Awaitable[None] | None]


def worker_pool(workers: int = 1) -> ProcessPoolExecutor:
    """Parse worker processes; spawned, so they share no event loop or sockets with the bot."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))


async def load_corpus(
    store: Store,
    seeds_dir: Path,
    model: str,
    *,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
) -> LoadReport:
    """Bring the store in line with `seeds_dir`; the store changes only if the whole load succeeds."""
    started = lap = time.perf_counter()
    report = LoadReport(before=await store.counts())

    def stage(name: str) -> None:
        nonlocal lap
        now = time.perf_counter()
        report.stages[name] = now - lap
        lap = now

    await _notify(progress, LoadProgress("scanning"))
    known = await store.known_documents()
    found = await asyncio.to_thread(scan, seeds_dir, known)
    report.unchanged, report.skipped, report.warnings = found.unchanged, found.skipped, found.warnings
    present = {a.name for a in found.to_parse} | set(found.unchanged) | {s.name for s in found.skipped}
    report.removed = sorted(name for name in known if name not in present)
    for article in found.to_parse:
        (report.changed if article.name in known else report.added).append(article.name)
    stage("scan")

    taxonomy_path = seeds_dir / TOPICS_FILE
    parsed = await _parse(found.to_parse, model, taxonomy_path, executor, progress)
    stage("parse")
    await _notify(progress, LoadProgress("swapping", len(parsed), len(parsed)))
    people, people_problems = read_people(seeds_dir)
    report.problems += people_problems
    await store.apply(CorpusChange(parsed=parsed, removed=report.removed, people=people))
    await store.apply_people(people)
    # Only once their bytes are in: a load that fails must leave these files to be hashed again.
    await store.record_files(found.files)
    stage("apply")
    report.problems += await load_reference_data(store, seeds_dir)
    report.after = await store.counts()
    stage("reference data")
    report.seconds = time.perf_counter() - started
    return report


async def _parse(
    articles: list[Article],
    model: str,
    taxonomy_path: Path,
    executor: Executor | None,
    progress: ProgressCallback | None,
) -> list[tuple[Article, list[Statement]]]:
    """Keep every parse worker busy, and take the results back in article order."""
    total = len(articles)
    await _notify(progress, LoadProgress("parsing", 0, total))
    own = None
    if executor is None and total >= PARALLEL_FROM:
        # A big load is worth the seconds each spawned worker takes to load the model: one per core.
        own = executor = worker_pool(parse_workers())
    # Threads share one model, which spaCy does not promise is safe; processes each have their own.
    ahead = 2 * parse_workers() if isinstance(executor, ProcessPoolExecutor) else 1
    loop = asyncio.get_running_loop()
    batches = iter(range(0, total, PARSE_BATCH))
    pending: deque[asyncio.Future[list[tuple[Article, list[Statement]]]]] = deque()
    parsed: list[tuple[Article, list[Statement]]] = []
    try:
        while True:
            while len(pending) < ahead and (start := next(batches, None)) is not None:
                batch = articles[start : start + PARSE_BATCH]
                pending.append(loop.run_in_executor(executor, parse_batch, batch, model, taxonomy_path))
            if not pending:
                return parsed
            parsed += await pending.popleft()
            await _notify(progress, LoadProgress("parsing", len(parsed), total))
    finally:
        for future in pending:
            future.cancel()
        if own is not None:
            own.shutdown(wait=False, cancel_futures=True)


def parse_batch(
    articles: list[Article], model: str, taxonomy_path: Path | None
) -> list[tuple[Article, list[Statement]]]:
    """`parse_batch`, imported where it runs: the bot's process never imports spaCy, only its workers do."""
    from bot.corpus import pipeline

    return pipeline.parse_batch(articles, model, taxonomy_path)


def parse_workers() -> int:
    return max(1, min(PARSE_WORKERS, os.cpu_count() or 1))


def read_people(seeds_dir: Path) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    """The well-known people of `PEOPLE_FILE` as (canonical name, other names), and its bad rows."""
    path = seeds_dir / PEOPLE_FILE
    if not path.is_file():
        return [], []
    people, problems = load_people(path)
    return [(person.name, person.aliases) for person in people], problems


async def load_reference_data(store: Store, seeds_dir: Path) -> list[str]:
    """Members, sources and topics reload with the corpus; a file with an invalid row keeps the old data."""
    problems: list[str] = []
    members_path = seeds_dir / MEMBERS_FILE
    if members_path.is_file():
        events, member_problems = load_members(members_path)
        problems += member_problems
        if not member_problems:
            await store.replace_membership(events)
    sources, source_problems = read_sources(seeds_dir / SOURCES_FILE)
    problems += source_problems
    # A bad row is left out and named; the good rows still load, as each names one article only.
    await store.replace_sources(sources)
    topics_path = seeds_dir / TOPICS_FILE
    if topics_path.is_file():
        taxonomy, topic_problems = load_taxonomy(topics_path)
        problems += topic_problems
        if not topic_problems:
            await store.replace_topics(
                ((t.name, t.description, t.keywords) for t in taxonomy.topics), tag=taxonomy.topics_for
            )
    return problems


async def _notify(progress: ProgressCallback | None, update: LoadProgress) -> None:
    if progress is None:
        return
    result = progress(update)
    if result is not None:
        await result
