"""`scobot add` and `scobot feeds` against a news site the test owns, into a real seeds folder and database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.loading.feeds import FEEDS_FILE
from bot.store import Store
from tests.auxil.news_site import RAIL, SUMMIT, WATER, NewsSite, news_site_in_thread

pytestmark = pytest.mark.slow


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with news_site_in_thread() as running:
        yield running


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "scobot.db"))
    monkeypatch.setenv("ALLOW_PRIVATE_FETCH", "true")
    monkeypatch.setenv("FETCH_HOST_INTERVAL", "0")
    monkeypatch.setenv("FETCH_TIMEOUT", "2")
    return tmp_path


def statements_of(workspace: Path) -> list[tuple[str | None, str | None, str | None]]:
    async def read() -> list[tuple[str | None, str | None, str | None]]:
        async with await Store.open(workspace / "scobot.db") as store:
            found = await store.statements(list(range(1, 100)))
        return [(s.speaker, s.url, s.title) for s in found]

    return asyncio.run(read())


def test_scobot_add_puts_a_page_into_the_corpus_with_its_source(
    workspace: Path, site: NewsSite, capsys: pytest.CaptureFixture[str]
) -> None:
    url = site.url(SUMMIT.path)
    assert main(["add", url]) == 0
    out = capsys.readouterr().out
    assert f"added {SUMMIT.title} (Steppe Herald, 2024-07-03): " in out and "Aruzhan Temirova" in out
    found = statements_of(workspace)
    assert ("Aruzhan Temirova", url, SUMMIT.title) in found
    assert main(["ask", "/quote temirova"]) == 0
    card = capsys.readouterr().out
    assert "Aruzhan Temirova" in card and "Steppe Herald · 3 Jul 2024" in card and "Read at Steppe Herald" in card
    assert main(["export", "--json", "temirova"]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert exported and all((row["url"], row["title"]) == (url, SUMMIT.title) for row in exported)

    assert main(["add", url + "?utm_source=x"]) == 0
    assert "already there: " in capsys.readouterr().out

    assert main(["add", site.url("/report.pdf")]) == 1
    assert "failed: " + site.url("/report.pdf") + ": application/pdf is not a page" in capsys.readouterr().err
    assert main(["add", "file:///etc/passwd"]) == 1
    assert "only http and https" in capsys.readouterr().err
    assert statements_of(workspace) == found


def test_scobot_feeds_adds_new_matching_items_and_a_second_round_nothing(
    workspace: Path, site: NewsSite, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "seeds" / FEEDS_FILE).write_text(
        f'[[feed]]\nurl = "{site.url("/rss.xml")}"\nmatch = "SCO|Shanghai Cooperation"\n\n'
        f'[[feed]]\nurl = "{site.url("/atom.xml")}"\nevery = "1h"\n\n'
        f'[[feed]]\nurl = "{site.url("/broken-feed.xml")}"\n'
    )
    assert main(["feeds"]) == 1  # one feed failed, and says so
    captured = capsys.readouterr()
    assert "feeds: 3 polled, 3 added, 0 already there" in captured.out
    for story in (SUMMIT, WATER, RAIL):
        assert f"added {story.title} " in captured.out
    assert f"failed: {site.url('/broken-feed.xml')}: the server answered 500" in captured.err
    speakers = {speaker for speaker, _, _ in statements_of(workspace)}
    assert {"Aruzhan Temirova", "Zarina Ashurova"} <= speakers and "Daulet Abenov" not in speakers

    before = sorted(p.name for p in (workspace / "seeds").iterdir())
    main(["feeds"])
    assert "feeds: 3 polled, 0 added, 3 already there" in capsys.readouterr().out
    assert sorted(p.name for p in (workspace / "seeds").iterdir()) == before
