"""Adding an article by its URL: fetch, extract, de-duplicate, then save it as an ordinary seed file.

The corpus folder stays the one source of truth: an added article is a `.txt` file in `SEEDS_DIR` like any
other, and its provenance a row in `SEEDS_DIR/sources.csv`; the database is derived from both by the next
load. An article is added once: not again under the same canonical URL (courlan drops tracking parameters
and fragments), nor under another URL with the same content. Every fault is an outcome with its reason:
nothing is written unless the page made an article, and a seed file whose source row could not be written
is taken back.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import courlan

from bot.corpus.provenance import SOURCES_FILE, Source, add_source, read_sources, sources_lock
from bot.loading.fetch import Fetcher, FetchError
from bot.loading.uploads import safe_article_name, save_upload
from bot.loading.webpage import Page, PageRefused, extract_page
from bot.store import Store

Status = Literal["added", "already", "failed"]
_SLUG_WORDS = re.compile(r"[A-Za-z0-9]+")
MAX_SLUG = 60


def canonical_url(url: str) -> str:
    """The address an article is known by: lower-case host, no tracking parameters, no fragment."""
    try:
        return courlan.normalize_url(url.strip(), strict=True)
    except ValueError:
        return url.strip()


@dataclass(slots=True)
class AddOutcome:
    url: str
    status: Status
    reason: str = ""  # why it failed, or where it already is
    file: str | None = None
    page: Page | None = None
    warnings: list[str] = field(default_factory=list)
    refused: bool = False  # the page is there but is no article: fetching it again will not help


@dataclass(slots=True)
class KnownArticles:
    """What the corpus holds already: the file each canonical URL and each content hash was saved as."""

    by_url: dict[str, str] = field(default_factory=dict)
    by_hash: dict[str, str] = field(default_factory=dict)

    def find(self, *urls: str | None) -> str | None:
        for url in urls:
            if url and (found := self.by_url.get(canonical_url(url))):
                return found
        return None


async def known_articles(seeds_dir: Path, store: Store | None) -> KnownArticles:
    """The sources file's URLs, and the content hashes of the loaded documents and of listed files not yet loaded."""
    known = KnownArticles()
    if store is not None:
        known.by_hash = {digest: name for name, digest in (await store.document_hashes()).items()}
    sources, _ = await asyncio.to_thread(read_sources, seeds_dir / SOURCES_FILE)
    for source in sources:
        known.by_url.setdefault(canonical_url(source.url), source.file)
    loaded = set(known.by_hash.values())
    for source in sources:
        path = seeds_dir / source.file
        if source.file not in loaded and path.is_file() and not path.is_symlink():
            digest = hashlib.sha256(await asyncio.to_thread(path.read_bytes)).hexdigest()
            known.by_hash.setdefault(digest, source.file)
    return known


class ArticleAdder:
    """Adds pages to `seeds_dir`; one save at a time, so two adds never race on the sources file."""

    def __init__(self, seeds_dir: Path, fetcher: Fetcher, today: Callable[[], date] = date.today) -> None:
        self.seeds_dir = seeds_dir
        self.fetcher = fetcher
        self._today = today
        self._saving = asyncio.Lock()

    async def add(self, url: str, known: KnownArticles, *, fallback_date: date | None = None) -> AddOutcome:
        """Fetch `url` and save its article, unless it is there already; never raises for a bad page."""
        url = url.strip()
        if (already := known.find(url)) is not None:
            return AddOutcome(url, "already", f"already in the corpus as {already}", file=already)
        try:
            fetched = await self.fetcher.get(url)
            page = await asyncio.to_thread(extract_page, fetched, fallback_date=fallback_date, today=self._today())
        except FetchError as exc:
            return AddOutcome(url, "failed", str(exc))
        except PageRefused as exc:
            return AddOutcome(url, "failed", str(exc), refused=True)
        if (already := known.find(fetched.url, page.canonical_url)) is not None:
            return AddOutcome(url, "already", f"already in the corpus as {already}", file=already)
        content = page.seed_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if (already := known.by_hash.get(digest)) is not None:
            return AddOutcome(url, "already", f"the same article is already in the corpus as {already}", file=already)
        async with self._saving:
            try:
                name, saved = await asyncio.to_thread(self._save, url, page, content)
            except (OSError, ValueError) as exc:
                return AddOutcome(url, "failed", f"could not save it: {exc}")
        if not saved:
            return AddOutcome(url, "already", f"already in the corpus as {name}", file=name)
        known.by_url[canonical_url(url)] = name
        known.by_hash[digest] = name
        return AddOutcome(url, "added", file=name, page=page, warnings=list(page.warnings))

    def _save(self, url: str, page: Page, content: bytes) -> tuple[str, bool]:
        """The file the article is saved as, and whether it was saved now (not by another add meanwhile)."""
        with sources_lock(self.seeds_dir / SOURCES_FILE):
            return self._save_unless_listed(url, page, content)

    def _save_unless_listed(self, url: str, page: Page, content: bytes) -> tuple[str, bool]:
        # Another add (a feed round while an admin adds by hand, or `scobot feeds` from cron) may have
        # saved this URL since `known` was read.
        listed, _ = read_sources(self.seeds_dir / SOURCES_FILE)
        for source in listed:
            if canonical_url(source.url) == canonical_url(url):
                return source.file, False
        name = self._free_name(article_file_name(page, canonical_url(url)))
        saved = save_upload(self.seeds_dir, name, content)
        fetched = datetime.now(UTC).replace(microsecond=0).isoformat()
        source = Source(saved.name, canonical_url(url), page.title, page.outlet, fetched)
        try:
            add_source(self.seeds_dir / SOURCES_FILE, source)
        except BaseException:
            saved.unlink(missing_ok=True)  # no article without its source: the corpus stays as it was
            raise
        return saved.name, True

    def _free_name(self, name: str) -> str:
        candidate, number = name, 1
        while (self.seeds_dir / candidate).exists():
            number += 1
            candidate = name.removesuffix(".txt") + f"-{number}.txt"
        return candidate


def article_file_name(page: Page, url: str) -> str:
    """`2024-07-04-example.org-sco-summit-opens-1a2b3c.txt`: sorted by date, readable, unique to its URL."""
    words = "-".join(_SLUG_WORDS.findall((page.title or "article").lower()))[:MAX_SLUG].strip("-")
    host = (page.outlet if page.outlet and "." in page.outlet else None) or _host_of(url)
    digest = hashlib.blake2s(url.encode(), digest_size=3).hexdigest()
    return safe_article_name(f"{page.published.isoformat()}-{host}-{words}-{digest}.txt")


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "web").removeprefix("www.")


@dataclass(frozen=True, slots=True)
class AddedArticle:
    """An added article once loaded: what the reply tells."""

    outcome: AddOutcome
    statements: int
    speakers: tuple[str, ...]


async def loaded_articles(store: Store, outcomes: list[AddOutcome]) -> list[AddedArticle]:
    found: list[AddedArticle] = []
    for outcome in outcomes:
        if outcome.status != "added" or outcome.file is None:
            continue
        statements = await store.document_statements(outcome.file)
        speakers = tuple(dict.fromkeys(s.speaker for s in statements if s.speaker))
        found.append(AddedArticle(outcome, len(statements), speakers))
    return found


def outcome_lines(outcomes: list[AddOutcome], loaded: list[AddedArticle]) -> list[str]:
    """Plain text, one article a line (and its warnings): for the command line, and escaped for Telegram."""
    by_file = {article.outcome.file: article for article in loaded}
    lines: list[str] = []
    for outcome in outcomes:
        if outcome.status == "added" and outcome.page is not None:
            page = outcome.page
            article = by_file.get(outcome.file)
            counts = ""
            if article is not None:
                speakers = ", ".join(article.speakers[:5]) or "no named speaker"
                more = f" and {len(article.speakers) - 5} more" if len(article.speakers) > 5 else ""
                counts = f": {article.statements} statements by {speakers}{more}"
            where = ", ".join(part for part in (page.outlet, page.published.isoformat()) if part)
            lines.append(f"added {page.title or outcome.file} ({where}){counts} [{outcome.file}]")
        elif outcome.status == "already":
            lines.append(f"already there: {outcome.url}: {outcome.reason}")
        else:
            lines.append(f"failed: {outcome.url}: {outcome.reason}")
        lines += [f"  warning: {warning}" for warning in outcome.warnings]
    return lines
