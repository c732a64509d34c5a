"""A corpus load: scan `SEEDS_DIR`, parse what changed in a worker process, and swap it in at once.

Shared by `scobot load`, `scobot reload` and the bot's /reload. Only files whose content hash changed
are parsed again, and only files whose stat changed are hashed (bot/scanning.py); the store applies the
whole change in one transaction, so readers see the old corpus until the new one is complete, and a load
that fails leaves the old corpus as it was.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from anyascii import anyascii

from bot.corpus.members import load_members
from bot.corpus.models import Article, SkippedFile, Statement
from bot.corpus.reader import ARTICLE_SUFFIX
from bot.corpus.topics import load_taxonomy
from bot.scanning import scan
from bot.store import CorpusChange, CorpusCounts, Store

if TYPE_CHECKING:
    from bot.services import Services

MEMBERS_FILE = "members.csv"
TOPICS_FILE = "topics.toml"
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


@dataclass(slots=True)
class LoadReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # files that loaded but deserve a look
    before: CorpusCounts | None = None
    after: CorpusCounts | None = None
    seconds: float = 0.0
    # Seconds by stage ("scan", "parse", "apply", "reference data"), for the benchmarks and the curious.
    stages: dict[str, float] = field(default_factory=dict)


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
    await store.apply(CorpusChange(parsed=parsed, removed=report.removed))
    # Only once their bytes are in: a load that fails must leave these files to be hashed again.
    await store.record_files(found.files)
    stage("apply")
    report.problems += await _load_reference_data(store, seeds_dir)
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


async def _load_reference_data(store: Store, seeds_dir: Path) -> list[str]:
    """Members and topics reload with the corpus; a file with an invalid row keeps the old data."""
    problems: list[str] = []
    members_path = seeds_dir / MEMBERS_FILE
    if members_path.is_file():
        events, member_problems = load_members(members_path)
        problems += member_problems
        if not member_problems:
            await store.replace_membership(events)
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


class ReloadBusyError(RuntimeError):
    """Another reload is running in this process."""


async def reload_corpus(services: Services, progress: ProgressCallback | None = None) -> LoadReport:
    """Reload while the bot serves: its own write connection, one reload at a time, then a fresh index.

    Readers keep the bot's connection, so every query is answered from the old corpus until the load
    transaction commits; a failed reload changes nothing.
    """
    if services.reload_lock.locked():
        raise ReloadBusyError("a reload is already running")
    async with services.reload_lock:
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        try:
            async with await Store.open(services.settings.database_path) as writer:
                report = await load_corpus(
                    writer,
                    services.settings.seeds_dir,
                    services.settings.spacy_model,
                    executor=services.parse_executor,
                    progress=progress,
                )
        except Exception as exc:
            services.last_reload = f"{started}: failed ({type(exc).__name__})"
            raise
        await services.searcher.refresh()
        services.last_reload = (
            f"{started}: ok, {len(report.added)} added, {len(report.changed)} changed, "
            f"{len(report.removed)} removed, {len(report.skipped)} skipped"
        )
        return report


_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
MAX_UPLOAD_NAME = 100


def safe_article_name(name: str) -> str:
    """A plain file name for an uploaded article: no folders, no hidden files, only safe characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    stem = base[: -len(ARTICLE_SUFFIX)] if base.lower().endswith(ARTICLE_SUFFIX) else base
    # Transliterate first, so "Норов.txt" is saved as "Norov.txt" rather than losing every letter.
    stem = _UNSAFE_NAME_CHARACTERS.sub("_", anyascii(stem)).strip("._-")[: MAX_UPLOAD_NAME - len(ARTICLE_SUFFIX)]
    # A name with nothing usable left still gets its own file: the digest differs with the name.
    return f"{stem or 'upload-' + hashlib.blake2s(name.encode(), digest_size=4).hexdigest()}{ARTICLE_SUFFIX}"


def save_upload(seeds_dir: Path, name: str, content: bytes) -> Path:
    """Write an uploaded article into `seeds_dir` under a safe name, atomically; never outside it."""
    folder = seeds_dir.resolve()
    target = folder / safe_article_name(name)
    if target.parent != folder:
        raise ValueError(f"refusing to write outside {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    # O_NOFOLLOW | O_EXCL: a link planted at the temporary path cannot redirect the write elsewhere.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
