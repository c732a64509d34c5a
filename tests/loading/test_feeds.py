"""feeds.toml and feed rounds over real HTTP: new matching items only, nothing twice, failing feeds backed off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.loading.feeds import (
    FAILURES_REPORTED,
    FEEDS_FILE,
    Feed,
    FeedPoller,
    backoff,
    parse_every,
    read_feeds,
    status_lines,
)
from bot.loading.sources import WebSources
from bot.store import Store
from tests.auxil.news_site import FOOTBALL, RAIL, RUSSIAN, SUMMIT, UNDATED, WATER, NewsSite, Story


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    return folder


@pytest.fixture
async def web(seeds: Path) -> AsyncIterator[WebSources]:
    sources = WebSources(seeds, allow_private=True, timeout=1.0, host_interval=0)
    yield sources
    await sources.close()


def write_feeds(seeds: Path, site: NewsSite, *extra: str) -> None:
    (seeds / FEEDS_FILE).write_text(
        f"""
[[feed]]
url = "{site.url("/rss.xml")}"
match = "SCO|Shanghai Cooperation"   # optional: a case-insensitive regex on the item's title and summary
every = "30m"

[[feed]]
url = "{site.url("/atom.xml")}"
"""
        + "".join(extra)
    )


def test_the_feeds_file_in_the_documented_format(tmp_path: Path) -> None:
    path = tmp_path / FEEDS_FILE
    path.write_text(
        '[[feed]]\nurl = "https://example.org/rss.xml"\nmatch = "SCO|Shanghai Cooperation"\nevery = "30m"\n'
        '[[feed]]\nurl = "https://example.org/atom.xml"\n'
        '[[feed]]\nurl = "ftp://example.org/x"\n'
        '[[feed]]\nurl = "https://example.org/a"\nevery = "1s"\n'
        '[[feed]]\nurl = "https://example.org/b"\nmatch = "(unclosed"\n'
        '[[feed]]\nurl = "https://example.org/c"\nevry = "1h"\n'
    )
    feeds, problems = read_feeds(path)
    assert [f.url for f in feeds] == ["https://example.org/rss.xml", "https://example.org/atom.xml"]
    assert feeds[0].every == 1800 and feeds[1].every == 1800 and feeds[1].match is None
    assert feeds[0].match is not None and feeds[0].match.search("the shanghai cooperation organization")
    assert problems[0] == "feeds.toml feed 3: url must be an http:// or https:// address"
    assert problems[1] == "feeds.toml feed 4: every = '1s' is too often; the least is 1m"
    assert problems[2].startswith("feeds.toml feed 5: ")
    assert problems[3] == "feeds.toml feed 6: unknown key 'evry' (a feed has url, match and every)"
    assert read_feeds(tmp_path / "absent.toml") == ([], [])
    path.write_text("[[feed]\nurl=")
    assert read_feeds(path)[1][0].startswith("feeds.toml: ")


def test_durations_and_backoff() -> None:
    assert [parse_every(v) for v in ("90s", "30m", "2h", "1d")] == [90, 1800, 7200, 86400]
    with pytest.raises(ValueError, match="not a duration"):
        parse_every("soon")
    feed = Feed("https://example.org/rss.xml", every=1800)
    assert [backoff(feed, n) for n in (1, 2, 3, 4)] == [1800, 3600, 7200, 14400]
    assert backoff(feed, 30) == 24 * 3600


async def test_a_round_adds_new_matching_items_once(web: WebSources, seeds: Path, store: Store, site: NewsSite) -> None:
    write_feeds(seeds, site)
    [already] = await web.add([site.url(SUMMIT.path)], store)
    report = await web.poller.round(store)
    added = sorted(str(outcome.page.title) for outcome in report.added if outcome.page)
    assert added == sorted([WATER.title, RAIL.title])  # the football item does not match; the summit is there
    assert report.already == 1 and report.failed == [] and len(report.polled) == 2
    assert FOOTBALL.path not in site.hits  # an item that does not match is never fetched
    saved = sorted(p.name for p in seeds.glob("*.txt"))
    assert len(saved) == 3 and already.file in saved

    # Nothing is due again for 30 minutes; and a forced round finds nothing new.
    assert (await web.poller.round(store)).polled == []
    again = await web.poller.round(store, only_due=False)
    assert again.added == [] and again.already == 3 and sorted(p.name for p in seeds.glob("*.txt")) == saved
    lines = status_lines(web.poller)
    assert lines[0].startswith(f"{site.url('/rss.xml')} (every 30m): last poll ") and ", 1 added" in lines[0]


async def test_a_refused_item_is_remembered_and_a_failed_fetch_is_retried(
    web: WebSources, seeds: Path, store: Store, site: NewsSite
) -> None:
    broken = Story("/server-error.html", "SCO page that breaks", "2024-07-01", ("",))
    site.rss_stories = (RUSSIAN, broken)
    (seeds / FEEDS_FILE).write_text(f'[[feed]]\nurl = "{site.url("/rss.xml")}"\n')
    first = await web.poller.round(store)
    tracking = "?utm_source=rss&utm_medium=feed"
    assert first.failed == [
        (site.url(RUSSIAN.path) + tracking, "the article is not in English"),
        (site.url(broken.path) + tracking, "the server answered 500 Internal Server Error"),
    ]
    assert "last error: " in status_lines(web.poller)[0]
    second = await web.poller.round(store, only_due=False)
    assert [name for name, _ in second.failed] == [site.url(broken.path) + tracking]
    assert site.hits[RUSSIAN.path] == 1 and site.hits[broken.path] == 2
    assert list(seeds.glob("*.txt")) == []


async def test_a_feed_that_keeps_failing_is_backed_off_and_reported_once(
    seeds: Path, store: Store, site: NewsSite
) -> None:
    now = [1000.0]
    web = WebSources(seeds, allow_private=True, timeout=1.0, host_interval=0)
    web.poller = FeedPoller(seeds, web.adder, clock=lambda: now[0])
    (seeds / FEEDS_FILE).write_text(f'[[feed]]\nurl = "{site.url("/broken-feed.xml")}"\nevery = "10m"\n')
    reported = []
    try:
        for _ in range(FAILURES_REPORTED + 1):
            report = await web.poller.round(store)
            assert report.failed == [(site.url("/broken-feed.xml"), "the server answered 500 Internal Server Error")]
            reported += report.failing_feeds
            status = web.poller.statuses[site.url("/broken-feed.xml")]
            assert (await web.poller.round(store)).polled == []  # not retried before its time
            now[0] = status.next_due
        assert [s.url for s in reported] == [site.url("/broken-feed.xml")]  # once, at the third failure
        assert status.next_due - 1000.0 > 4 * 600  # the waits grew: 10m, 20m, 40m, ...
        assert "4 failures in a row" in status_lines(web.poller)[0]

        site.failing_feed_status = 200  # it recovers, with a body that is not a feed: still a failure
        report = await web.poller.round(store)
        assert report.failed == [(site.url("/broken-feed.xml"), "not an RSS or Atom feed")]
    finally:
        await web.close()
    assert list(seeds.glob("*.txt")) == []


async def test_an_undated_page_takes_its_feed_items_date(
    web: WebSources, seeds: Path, store: Store, site: NewsSite
) -> None:
    site.rss_stories = (UNDATED,)
    (seeds / FEEDS_FILE).write_text(f'[[feed]]\nurl = "{site.url("/rss.xml")}"\n')
    [outcome] = (await web.poller.round(store)).added
    assert outcome.warnings == ["the page gives no date; the feed item's date (2024-07-07) was used"]
    assert (seeds / str(outcome.file)).read_text().startswith(" date 2024-07-07 ")
