"""News feeds: `SEEDS_DIR/feeds.toml` lists RSS and Atom feeds, and a round adds their new matching items.

The file's format is an interface (README):

    [[feed]]
    url = "https://example.org/rss.xml"
    match = "SCO|Shanghai Cooperation"   # optional: a case-insensitive regex on the item's title and summary
    every = "30m"                        # optional: how often the bot polls it (default 30m)

It is read again every round, so an edit needs no restart. A round fetches each feed that is due, and adds
the items that match and are not in the corpus yet; the caller runs one reload for the whole round. A feed
that fails is tried again next round, then ever more rarely while it keeps failing (see `backoff`), and is
reported once when it has failed FAILURES_REPORTED times in a row. An item whose page is refused (no
article text, not English) is remembered and not fetched again; one that failed to fetch is tried again.
"""

from __future__ import annotations

import asyncio
import re
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import feedparser

from bot.loading.adding import AddOutcome, ArticleAdder, KnownArticles, known_articles
from bot.loading.fetch import FEED_TYPES, MAX_FEED_BYTES, Fetcher, FetchError
from bot.store import Store

FEEDS_FILE = "feeds.toml"
DEFAULT_EVERY_SECONDS = 30 * 60
MIN_EVERY_SECONDS = 60
MAX_BACKOFF_SECONDS = 24 * 3600
FAILURES_REPORTED = 3
# New items added from one feed in one round; the rest wait for the next round, so a first poll of a long
# feed does not hold the round (and the sites) for minutes.
MAX_NEW_ITEMS_PER_FEED = 20
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Feed:
    url: str
    match: re.Pattern[str] | None = None
    every: float = DEFAULT_EVERY_SECONDS


@dataclass(slots=True)
class FeedStatus:
    url: str
    last_poll: datetime | None = None
    last_error: str | None = None
    added: int = 0
    failures: int = 0
    next_due: float = 0.0  # on the poller's clock
    refused: dict[str, str] = field(default_factory=dict)  # item URL → why its page is not an article


@dataclass(slots=True)
class RoundReport:
    polled: list[str] = field(default_factory=list)
    added: list[AddOutcome] = field(default_factory=list)
    already: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (feed or item URL, reason)
    failing_feeds: list[FeedStatus] = field(default_factory=list)  # just reached FAILURES_REPORTED
    problems: list[str] = field(default_factory=list)  # feeds.toml itself

    @property
    def worth_reporting(self) -> bool:
        return bool(self.added or self.failing_feeds)


def parse_every(value: str) -> float:
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"every = {value!r} is not a duration such as 90s, 30m, 2h or 1d")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds < MIN_EVERY_SECONDS:
        raise ValueError(f"every = {value!r} is too often; the least is 1m")
    return float(seconds)


def read_feeds(path: Path) -> tuple[list[Feed], list[str]]:
    """The feeds a file lists, and a problem line for each entry left out; no file is no feeds."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [], [f"{path.name}: {exc}"]
    entries = data.get("feed", [])
    if not isinstance(entries, list):
        return [], [f"{path.name}: feeds are [[feed]] tables"]
    feeds: list[Feed] = []
    problems: list[str] = []
    for number, entry in enumerate(entries, start=1):
        try:
            feeds.append(_feed(entry))
        except (TypeError, ValueError, re.error) as exc:
            problems.append(f"{path.name} feed {number}: {exc}")
    return feeds, problems


def _feed(entry: object) -> Feed:
    if not isinstance(entry, dict):
        raise TypeError("a [[feed]] must be a table")
    url, match, every = entry.get("url"), entry.get("match"), entry.get("every", "30m")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError("url must be an http:// or https:// address")
    if match is not None and not isinstance(match, str):
        raise TypeError("match must be a string")
    if not isinstance(every, str):
        raise TypeError('every must be a string such as "30m"')
    unknown = sorted(set(entry) - {"url", "match", "every"})
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (a feed has url, match and every)")
    pattern = re.compile(match, re.IGNORECASE) if match else None
    return Feed(url.strip(), pattern, parse_every(every))


def backoff(feed: Feed, failures: int) -> float:
    """Seconds until a feed is tried again: its own interval, doubled for each failure after the first."""
    if failures <= 1:
        return feed.every
    return float(min(feed.every * 2 ** (failures - 1), MAX_BACKOFF_SECONDS))


class FeedPoller:
    """Polls the feeds of `seeds_dir` and remembers how each one went, for /feeds and for backing off."""

    def __init__(self, seeds_dir: Path, adder: ArticleAdder, clock: Callable[[], float] = time.monotonic) -> None:
        self.seeds_dir = seeds_dir
        self.adder = adder
        self.statuses: dict[str, FeedStatus] = {}
        self._clock = clock
        self._running = asyncio.Lock()

    @property
    def fetcher(self) -> Fetcher:
        return self.adder.fetcher

    @property
    def busy(self) -> bool:
        return self._running.locked()

    def now(self) -> float:
        return self._clock()

    def feeds(self) -> tuple[list[Feed], list[str]]:
        return read_feeds(self.seeds_dir / FEEDS_FILE)

    async def round(self, store: Store | None, *, only_due: bool = True) -> RoundReport:
        """Poll the feeds (those due, or all) and save their new items; the caller reloads once after."""
        async with self._running:
            feeds, problems = await asyncio.to_thread(self.feeds)
            report = RoundReport(problems=problems)
            now = self._clock()
            due = [feed for feed in feeds if not only_due or self._status(feed).next_due <= now]
            if not due:
                return report
            known = await known_articles(self.seeds_dir, store)
            for feed in due:
                await self._poll(feed, known, report)
            return report

    def _status(self, feed: Feed) -> FeedStatus:
        return self.statuses.setdefault(feed.url, FeedStatus(feed.url))

    async def _poll(self, feed: Feed, known: KnownArticles, report: RoundReport) -> None:
        status = self._status(feed)
        status.last_poll = datetime.now(UTC)
        report.polled.append(feed.url)
        try:
            fetched = await self.fetcher.get(feed.url, accept=FEED_TYPES, max_bytes=MAX_FEED_BYTES)
            parsed = await asyncio.to_thread(feedparser.parse, fetched.body)
            if not parsed.get("version") and not parsed.get("entries"):
                raise FetchError("not an RSS or Atom feed")
        except FetchError as exc:
            status.failures += 1
            status.last_error = str(exc)
            status.next_due = self._clock() + backoff(feed, status.failures)
            report.failed.append((feed.url, str(exc)))
            if status.failures == FAILURES_REPORTED:
                report.failing_feeds.append(status)
            return
        status.failures = 0
        status.last_error = None
        status.next_due = self._clock() + feed.every
        new = 0
        for entry in parsed.get("entries", []):
            link = entry.get("link")
            if not isinstance(link, str) or not link.strip():
                continue
            text = f"{entry.get('title', '')} {entry.get('summary', '')}"
            if feed.match is not None and not feed.match.search(text):
                continue
            if known.find(link) is not None:
                report.already += 1
                continue
            if link in status.refused or new >= MAX_NEW_ITEMS_PER_FEED:
                continue
            new += 1
            outcome = await self.adder.add(link, known, fallback_date=_entry_date(entry))
            if outcome.status == "added":
                status.added += 1
                report.added.append(outcome)
            elif outcome.status == "already":
                report.already += 1
            else:
                if outcome.refused:
                    status.refused[link] = outcome.reason
                status.last_error = f"{link}: {outcome.reason}"
                report.failed.append((link, outcome.reason))


def _entry_date(entry: object) -> date | None:
    getter = getattr(entry, "get", None)
    if getter is None:
        return None
    for key in ("published_parsed", "updated_parsed"):
        value = getter(key)
        if value:
            try:
                return date(value.tm_year, value.tm_mon, value.tm_mday)
            except (AttributeError, ValueError):
                continue
    return None


def status_lines(poller: FeedPoller) -> list[str]:
    """Each feed's last poll, items added and last error; plain text, for /feeds and `scobot feeds`."""
    feeds, problems = poller.feeds()
    if not feeds and not problems:
        return [f"No feeds: list them in {FEEDS_FILE} in SEEDS_DIR."]
    lines: list[str] = []
    now = poller.now()
    for feed in feeds:
        status = poller.statuses.get(feed.url) or FeedStatus(feed.url)
        polled = status.last_poll.strftime("%Y-%m-%d %H:%M UTC") if status.last_poll else "not yet"
        line = f"{feed.url} (every {_duration(feed.every)}): last poll {polled}, {status.added} added"
        if status.last_error:
            line += f", last error: {status.last_error}"
        if status.failures:
            wait = max(0.0, status.next_due - now)
            line += f" ({status.failures} failures in a row; next try in {_duration(wait)})"
        lines.append(line)
    return lines + [f"problem: {problem}" for problem in problems]


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m" if seconds >= 60 else f"{seconds}s"
