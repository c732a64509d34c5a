"""Fixtures shared by the whole suite: the real spaCy model, the shared eval data, a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from spacy.language import Language

from bot.corpus.nlp import load_nlp
from bot.store import Store
from tests.auxil.fake_bot_api import FakeBotApi, running_fake_bot_api
from tests.auxil.news_site import NewsSite, running_news_site
from tests.auxil.report import pytest_terminal_summary, report_line

__all__ = ["pytest_terminal_summary", "report_line"]  # the counts section and its fixture, for every test

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
SEEDS_DIR = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real model, loaded once for the session."""
    return load_nlp()


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    """../shared/eval, or a clean skip where it is absent."""
    path = SHARED / "eval"
    if not (path / "score.py").is_file():
        pytest.skip("../shared/eval is not present")
    return path


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """An empty store on a real SQLite file."""
    opened = await Store.open(tmp_path / "scobot.db")
    yield opened
    await opened.close()


@pytest.fixture
async def sample_store(store: Store) -> Store:
    """A store holding the hand-written sample corpus of `tests.auxil.corpus`."""
    from tests.auxil.corpus import fill

    await fill(store)
    return store


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns on every int time period unless opted into timedeltas; opt in to stay quiet.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    """A fake Telegram Bot API server on 127.0.0.1, owned by the test."""
    async with running_fake_bot_api() as server:
        yield server


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """A news site the tests own on 127.0.0.1, serving pages and feeds they wrote themselves."""
    async with running_news_site() as running:
        yield running
