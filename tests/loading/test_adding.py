"""Adding articles by URL from a news site the test owns, into a real seeds folder and a real SQLite store."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.corpus.nlp import DEFAULT_MODEL
from bot.corpus.provenance import SOURCES_FILE, read_sources
from bot.loading import load_corpus
from bot.loading.adding import canonical_url, loaded_articles, outcome_lines
from bot.loading.sources import WebSources
from bot.store import Store
from tests.auxil.news_site import MIRROR_PATH, RUSSIAN, SITE_NAME, SUMMIT, UNDATED, NewsSite

TODAY = date(2026, 12, 1)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "hand-written.txt").write_text(" date 2024-03-01 Ambassador Bo Chen said that trade had doubled.\n")
    return folder


@pytest.fixture
async def web(seeds: Path) -> AsyncIterator[WebSources]:
    sources = WebSources(seeds, allow_private=True, timeout=1.0, host_interval=0)
    sources.adder._today = lambda: TODAY
    yield sources
    await sources.close()


def folder_state(seeds: Path) -> dict[str, bytes]:
    """Every file in the folder (a leftover partial write included), but the empty lock file adds take."""
    return {path.name: path.read_bytes() for path in sorted(seeds.iterdir()) if path.name != ".sources.csv.lock"}


def test_canonical_urls_drop_tracking_parameters_and_fragments() -> None:
    assert canonical_url("https://WWW.Example.org/a/b.html?utm_source=rss&utm_medium=feed&id=7#top") == (
        "https://www.example.org/a/b.html?id=7"
    )
    assert canonical_url("https://example.org/a?fbclid=123") == "https://example.org/a"


async def test_an_added_page_is_a_seed_file_with_its_source_and_loads_with_its_link(
    web: WebSources, seeds: Path, store: Store, site: NewsSite
) -> None:
    await load_corpus(store, seeds, DEFAULT_MODEL)
    [outcome] = await web.add([site.url(SUMMIT.path)], store)
    assert outcome.status == "added", outcome.reason
    assert outcome.file is not None and outcome.file.startswith("2024-07-03-")
    seed = (seeds / outcome.file).read_text()
    assert seed.startswith(" date 2024-07-03 ASTANA, July 3. /Steppe Herald/.")
    assert "ADVERTISEMENT" not in seed and "Most read" not in seed and "Marat Seitkali" not in seed
    [source] = read_sources(seeds / SOURCES_FILE)[0]
    assert (source.file, source.url, source.title, source.outlet) == (
        outcome.file,
        site.url(SUMMIT.path),
        SUMMIT.title,
        SITE_NAME,
    )
    assert source.fetched and source.fetched.endswith("+00:00")

    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert report.added == [outcome.file] and report.problems == []
    [added] = await loaded_articles(store, [outcome])
    assert {"Aruzhan Temirova", "Farid Nazarov"} <= set(added.speakers)
    statements = await store.document_statements(outcome.file)
    assert all(s.url == site.url(SUMMIT.path) and s.title == SUMMIT.title for s in statements)
    assert statements[0].date == date(2024, 7, 3) and statements[0].outlet == SITE_NAME
    [line] = outcome_lines([outcome], [added])
    assert line.startswith(f"added {SUMMIT.title} (Steppe Herald, 2024-07-03): {added.statements} statements by ")

    # A hand-written seed file has no source, as before.
    [plain] = await store.document_statements("hand-written.txt")
    assert plain.url is None and plain.title is None and plain.speaker == "Bo Chen"


async def test_the_same_article_is_added_once(web: WebSources, seeds: Path, store: Store, site: NewsSite) -> None:
    [first] = await web.add([site.url(SUMMIT.path)], store)
    assert first.status == "added"
    before = folder_state(seeds)
    again = await web.add(
        [
            site.url(SUMMIT.path),
            site.url(SUMMIT.path) + "?utm_source=twitter&utm_campaign=x#comments",
            site.url(MIRROR_PATH),  # the same article at another address, with no canonical link
        ],
        store,
    )
    assert [o.status for o in again] == ["already", "already", "already"]
    assert again[0].reason == f"already in the corpus as {first.file}"
    assert again[2].reason == f"the same article is already in the corpus as {first.file}"
    assert folder_state(seeds) == before
    assert site.hits[SUMMIT.path] == 1  # a known URL is not even fetched again


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing.html", "the server answered 404 Not Found"),
        ("/server-error.html", "the server answered 500"),
        ("/slow.html", "timed out after 1 s"),
        ("/loop", "more than 5 redirects"),
        ("/huge.html", "too large"),
        ("/report.pdf", "application/pdf is not a page scobot reads"),
        ("/empty.html", "no article text on the page"),
        ("/garbage.html", "no article text on the page"),
        (RUSSIAN.path, "the article is not in English"),
    ],
)
async def test_every_fault_leaves_the_corpus_as_it_was(
    web: WebSources, seeds: Path, store: Store, site: NewsSite, path: str, reason: str
) -> None:
    await load_corpus(store, seeds, DEFAULT_MODEL)
    before, counts = folder_state(seeds), await store.counts()
    [outcome] = await web.add([site.url(path)], store)
    assert outcome.status == "failed" and reason in outcome.reason
    assert outcome_lines([outcome], []) == [f"failed: {site.url(path)}: {outcome.reason}"]
    assert folder_state(seeds) == before
    await load_corpus(store, seeds, DEFAULT_MODEL)
    assert await store.counts() == counts


async def test_a_page_without_a_date_takes_the_feed_date_or_today_with_a_warning(
    web: WebSources, seeds: Path, store: Store, site: NewsSite
) -> None:
    [outcome] = await web.add([site.url(UNDATED.path)], store)
    assert outcome.status == "added"
    assert outcome.warnings == ["the page gives no date; today's date (2026-12-01) was used"]
    assert (seeds / str(outcome.file)).read_text().startswith(" date 2026-12-01 ")
    lines = outcome_lines([outcome], [])
    assert lines[1] == "  warning: the page gives no date; today's date (2026-12-01) was used"


async def test_an_operator_edited_sources_file_keeps_its_rows(
    web: WebSources, seeds: Path, store: Store, site: NewsSite
) -> None:
    (seeds / SOURCES_FILE).write_text(
        "file,url,title,outlet,fetched\nhand-written.txt,https://example.org/bo-chen,Bo Chen on trade,Example Wire,\n"
    )
    [outcome] = await web.add([site.url(SUMMIT.path)], store)
    rows = list(csv.DictReader((seeds / SOURCES_FILE).open()))
    assert [row["file"] for row in rows] == ["hand-written.txt", outcome.file]
    await load_corpus(store, seeds, DEFAULT_MODEL)
    [plain] = await store.document_statements("hand-written.txt")
    assert (plain.url, plain.title) == ("https://example.org/bo-chen", "Bo Chen on trade")


async def test_a_page_whose_source_cannot_be_recorded_is_not_saved(
    web: WebSources, seeds: Path, store: Store, site: NewsSite
) -> None:
    (seeds / SOURCES_FILE).write_text("name,link\nx.txt,https://example.org/x\n")  # an operator's slip
    before = folder_state(seeds)
    [outcome] = await web.add([site.url(SUMMIT.path)], store)
    assert outcome.status == "failed"
    assert outcome.reason == (
        "could not save it: sources.csv has columns name,link; expected file,url,title,outlet,fetched"
    )
    assert folder_state(seeds) == before  # the seed file written first was taken back


async def test_two_adders_at_once_add_an_article_once(seeds: Path, store: Store, site: NewsSite) -> None:
    # Two processes' worth of adders (the bot's feed round and `scobot feeds` from cron) share only the folder.
    first = WebSources(seeds, allow_private=True, host_interval=0)
    second = WebSources(seeds, allow_private=True, host_interval=0)
    outcomes = await asyncio.gather(*(w.add([site.url(SUMMIT.path)], store) for w in (first, second)))
    assert sorted(o.status for [o] in outcomes) == ["added", "already"]
    assert len(list(seeds.glob("2024-07-03-*.txt"))) == 1
    assert len(read_sources(seeds / SOURCES_FILE)[0]) == 1
