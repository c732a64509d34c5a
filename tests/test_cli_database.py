"""`scobot run`, `load` and `ask` on a database they cannot use, or on none: one line, status 1, and no hang.

Each runs as a real subprocess with a timeout, because the defect was a process that never exits.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.store import Store
from tests.auxil.corpus import fill
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

# A process that hangs is the defect; one that works answers in a few seconds.
EXIT_WITHIN_SECONDS = 60


def run_scobot(folder: Path, database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_PATH": str(database),
        "SEEDS_DIR": str(folder / "seeds"),
        # `run` reaches the database before it calls the Bot API; nothing listens here.
        "BOT_TOKEN": "123456:" + "A" * 35,
        "BOT_API_BASE_URL": "http://127.0.0.1:9/bot",
        "PTB_TIMEDELTA": "true",
    }
    (folder / "seeds").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=folder, env=environment, capture_output=True, text=True, timeout=EXIT_WITHIN_SECONDS,
    )  # fmt: skip


def filled_database(folder: Path) -> Path:
    path = folder / "data" / "scobot.db"

    async def build() -> None:
        async with await Store.open(path) as store:
            await fill(store)

    asyncio.run(build())
    return path


def truncated(folder: Path) -> Path:
    path = filled_database(folder)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    return path


def overwritten_header(folder: Path) -> Path:
    path = filled_database(folder)
    with path.open("r+b") as handle:
        handle.write(b"this is not a SQLite header at all" * 3)
    return path


def a_folder(folder: Path) -> Path:
    path = folder / "data" / "scobot.db"
    path.mkdir(parents=True)
    return path


def under_a_file(folder: Path) -> Path:
    (folder / "data").write_text("a file where the folder should be")
    return folder / "data" / "scobot.db"


BROKEN: dict[str, Callable[[Path], Path]] = {
    "truncated": truncated,
    "overwritten header": overwritten_header,
    "a folder": a_folder,
    "under a file": under_a_file,
}


@pytest.mark.parametrize(
    ("command", "broken"),
    [
        (("run",), "truncated"),
        (("load",), "overwritten header"),
        (("ask", "/quote norov"), "a folder"),
        (("run",), "under a file"),
        (("load",), "truncated"),
        (("ask", "/quote norov"), "overwritten header"),
    ],
)
def test_an_unusable_database_is_one_line_and_status_1(tmp_path: Path, command: tuple[str, ...], broken: str) -> None:
    database = BROKEN[broken](tmp_path)
    done = run_scobot(tmp_path, database, *command)
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 1, output
    lines = output.splitlines()
    assert len(lines) == 1, output
    assert str(database) in lines[0] and "make load" in lines[0]
    assert "Traceback" not in output and "Event loop is closed" not in output


def test_ask_without_a_database_says_how_to_load_the_corpus(tmp_path: Path) -> None:
    database = tmp_path / "data" / "scobot.db"
    done = run_scobot(tmp_path, database, "ask", "/quote norov")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == (
        f"scobot: there is no corpus at {database}: load it with `make load` (or `.venv/bin/scobot load`), "
        "which reads SEEDS_DIR"
    )
    assert not database.exists()  # asking does not leave an empty database behind


def test_ask_on_an_empty_corpus_says_so(tmp_path: Path) -> None:
    database = tmp_path / "scobot.db"
    asyncio.run(_create_empty(database))
    done = run_scobot(tmp_path, database, "ask", "zhang")
    assert done.returncode == 1
    assert done.stderr.startswith(f"scobot: the corpus at {database} is empty: load it with `make load`")


async def _create_empty(path: Path) -> None:
    async with await Store.open(path):
        pass
