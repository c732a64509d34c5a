"""The web as a source of articles: one fetcher, the adder and the feed poller, built once per process.

The bot keeps one `WebSources` for its lifetime (the fetcher's pacing and the feeds' backoff live in it);
`scobot add` and `scobot feeds` make one for a single run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.loading.adding import AddOutcome, ArticleAdder, known_articles
from bot.loading.feeds import FeedPoller
from bot.loading.fetch import Fetcher
from bot.store import Store

# URLs one /add or `scobot add` takes at once: each is fetched in turn, paced per host.
MAX_URLS_PER_ADD = 10


class WebSources:
    def __init__(
        self, seeds_dir: Path, *, allow_private: bool = False, timeout: float = 20.0, host_interval: float = 2.0
    ) -> None:
        self.fetcher = Fetcher(allow_private=allow_private, timeout=timeout, host_interval=host_interval)
        self.adder = ArticleAdder(seeds_dir, self.fetcher)
        self.poller = FeedPoller(seeds_dir, self.adder)

    async def add(self, urls: Sequence[str], store: Store | None) -> list[AddOutcome]:
        """Fetch and save each URL (the caller reloads once after); the same URL twice is added once."""
        known = await known_articles(self.adder.seeds_dir, store)
        return [await self.adder.add(url, known) for url in dict.fromkeys(urls)]

    async def close(self) -> None:
        await self.fetcher.close()

    async def __aenter__(self) -> WebSources:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
