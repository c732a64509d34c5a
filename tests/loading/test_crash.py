"""Crashes: SIGKILL a load, and a running bot's /reload, mid-way; the database must be the old corpus or
the new one, never half of each, and pass PRAGMA integrity_check.

Real subprocesses (`tests.auxil.crash_driver`: the real `scobot load` / `scobot run`, narrating and slowed)
on a real SQLite file, with articles written here; the real model parses them.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.corpus.nlp import DEFAULT_MODEL
from bot.loading import load_corpus
from bot.search.index import fts_expression
from bot.store import CorpusCounts, Store
from tests.auxil import updates
from tests.auxil.fake_bot_api import FakeBotApi
from tests.auxil.report import ReportLine
from tests.auxil.running_bot import ADMIN_ID

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIRST = "Ann Bo Cy Dee Ed Fay Gus Hal Ida Jo Kim Lev Max Ned Ola Pia Quin Rae Sol Tam Uma Vic Wen Xan Yul Zed".split()
LAST = "Lee Chen Dunn Park Fox Grant Hale Irwin Jonas Kerr Lund Moss Noor Ortiz Pratt".split()
STEP_TIMEOUT = 120.0


def write_article(seeds: Path, name: str, number: int, commodity: str) -> None:
    person = f"{FIRST[number % len(FIRST)]} {LAST[number % len(LAST)]}"
    (seeds / name).write_text(
        f" date 2024-0{number % 9 + 1}-1{number % 9} \n\n"
        f"Trade Minister {person} said that trade in {commodity} with Kazakhstan grew by {number + 3} percent.\n"
    )


@dataclass(frozen=True)
class Corpus:
    hashes: dict[str, str]
    counts: CorpusCounts


def hashes_of(seeds: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in seeds.glob("*.txt")}


@dataclass
class Scene:
    """A database holding the old corpus, and a seeds folder that now holds the new one."""

    seeds: Path
    database: Path
    old: Corpus
    new_hashes: dict[str, str]
    old_snapshot: Path


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    folder = tmp_path_factory.mktemp("crash")
    seeds = folder / "seeds"
    seeds.mkdir()
    for n in range(8):  # the old corpus: copper
        write_article(seeds, f"a{n:02}.txt", n, "copper")
    snapshot = folder / "old.db"

    async def first_load() -> CorpusCounts:
        async with await Store.open(snapshot) as store:
            await load_corpus(store, seeds, DEFAULT_MODEL)
            return await store.counts()

    counts = asyncio.run(first_load())
    old = Corpus(hashes_of(seeds), counts)
    # The new corpus: two articles gone, two changed, thirty added, all about lithium.
    for name in ("a00.txt", "a01.txt"):
        (seeds / name).unlink()
    for n in (2, 3):
        write_article(seeds, f"a{n:02}.txt", n + 40, "lithium")
    for n in range(30):
        write_article(seeds, f"b{n:02}.txt", n + 10, "lithium")
    yield Scene(seeds, folder / "scobot.db", old, hashes_of(seeds), snapshot)


def fresh_database(scene: Scene) -> None:
    """The database as the old load left it (it was closed cleanly, so the file alone is the whole of it)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scene.database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(scene.old_snapshot, scene.database)


def environment(scene: Scene, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_PATH": str(scene.database),
        "SEEDS_DIR": str(scene.seeds),
        "LOG_LEVEL": "INFO",
        "PTB_TIMEDELTA": "true",
        **extra,
    }


class Driver:
    """`python -m tests.auxil.crash_driver MODE` in its own process group, read line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    @classmethod
    async def start(cls, mode: str, env: dict[str, str], cwd: Path) -> Driver:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.auxil.crash_driver", mode,
            cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # its own group: the kill takes a parse worker with it
        )  # fmt: skip
        return cls(process)

    async def wait_for_line(self, prefix: str, count: int = 1) -> None:
        assert self.process.stdout is not None
        async with asyncio.timeout(STEP_TIMEOUT):
            while sum(line.startswith(prefix) for line in self.lines) < count:
                raw = await self.process.stdout.readline()
                if not raw:
                    raise AssertionError(f"exited before {count}× {prefix!r}:\n" + "\n".join(self.lines))
                self.lines.append(raw.decode().rstrip())

    async def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # the group of the process this test started
        await self.process.wait()
        assert self.process.returncode == -signal.SIGKILL


async def inspect(scene: Scene) -> tuple[str, dict[str, str], CorpusCounts, bool, bool]:
    """Reopen after the crash: integrity, which documents, counts, and what full-text search finds."""
    async with await Store.open(scene.database) as store:
        copper = await store.ids_by_text(fts_expression("copper") or "")
        lithium = await store.ids_by_text(fts_expression("lithium") or "")
        return (
            await store.integrity_check(),
            await store.document_hashes(),
            await store.counts(),
            bool(copper),
            bool(lithium),
        )


async def assert_old_corpus(scene: Scene) -> None:
    integrity, hashes, counts, copper, lithium = await inspect(scene)
    assert integrity == "ok"
    assert hashes == scene.old.hashes, "not the old corpus"
    assert counts == scene.old.counts
    assert copper and not lithium  # the full-text index agrees with the tables


async def assert_new_corpus(scene: Scene) -> CorpusCounts:
    integrity, hashes, counts, copper, lithium = await inspect(scene)
    assert integrity == "ok"
    assert hashes == scene.new_hashes, "not the new corpus"
    assert counts.documents == len(scene.new_hashes) and counts.statements >= len(scene.new_hashes) - 2
    assert lithium and copper  # a04…a07 still speak of copper
    return counts


@pytest.mark.parametrize(
    ("where", "settings", "kill_after", "outcome"),
    [
        ("parsing", {"CRASH_SLOW_PARSE": "2"}, ("parsed", 1), "old"),
        ("swapping", {"CRASH_SLOW_WRITE": "0.3"}, ("wrote INSERT", 2), "old"),
        ("just after the commit", {"CRASH_HOLD_AFTER_COMMIT": "30"}, ("committed", 1), "new"),
    ],
)
async def test_sigkill_during_a_load(
    scene: Scene,
    where: str,
    settings: dict[str, str],
    kill_after: tuple[str, int],
    outcome: str,
    report_line: ReportLine,
) -> None:
    fresh_database(scene)
    driver = await Driver.start("load", environment(scene, **settings), scene.seeds.parent)
    await driver.wait_for_line(*kill_after)
    await driver.kill()
    if outcome == "old":
        await assert_old_corpus(scene)
        after = scene.old.counts
    else:
        after = await assert_new_corpus(scene)
    writes = sum(line.startswith("wrote") for line in driver.lines)
    # Restarting the load finishes the job.
    rerun = await Driver.start("load", environment(scene), scene.seeds.parent)
    await rerun.process.wait()
    assert rerun.process.returncode == 0
    final = await assert_new_corpus(scene)
    report_line(
        f"crash: SIGKILL load while {where}",
        f"writes in the open transaction before the kill {writes}, statements before {scene.old.counts.statements} → "
        f"after the kill {after.statements} ({outcome} corpus) → after a restarted load {final.statements}; "
        "integrity ok",
    )


async def test_sigkill_during_a_bot_reload(scene: Scene, fake_api: FakeBotApi, report_line: ReportLine) -> None:
    fresh_database(scene)
    env = environment(
        scene,
        BOT_TOKEN=fake_api.token,
        BOT_API_BASE_URL=fake_api.base_url,
        ADMIN_IDS=str(ADMIN_ID),
        CRASH_SLOW_WRITE="0.3",
    )
    bot = await Driver.start("run", env, scene.seeds.parent)
    try:
        await fake_api.wait_for("getUpdates", include_failed=True, timeout=STEP_TIMEOUT)  # it is polling
        fake_api.push_update(updates.private_message("/reload", from_user=updates.user(ADMIN_ID)))
        await fake_api.wait_for("editMessageText", lambda c: "swapping" in c.params["text"], timeout=STEP_TIMEOUT)
        await bot.wait_for_line("wrote INSERT", 2)
    finally:
        await bot.kill()
    await assert_old_corpus(scene)
    writes = sum(line.startswith("wrote") for line in bot.lines)
    assert not any("Reload done" in c.params["text"] for c in fake_api.calls_to("editMessageText"))

    # The restarted bot's store opens the same file; a load then brings in the new corpus.
    rerun = await Driver.start("load", environment(scene), scene.seeds.parent)
    await rerun.process.wait()
    final = await assert_new_corpus(scene)
    report_line(
        "crash: SIGKILL bot during /reload",
        f"writes in the open transaction before the kill {writes}, statements before {scene.old.counts.statements} → "
        f"after the kill {scene.old.counts.statements} (old corpus) → after a restarted load {final.statements}; "
        "integrity ok",
    )
