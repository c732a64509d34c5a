"""A corpus of any size made from real statements: each copy gets another speaker, date and countries.

The copies go in through `Store.apply`, the path a real load takes, so every table, the speaker identity
rules and the FTS index are filled exactly as a load of that many parsed statements would fill them.
"""

from __future__ import annotations

import random
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from bot.corpus.countries import country_aliases
from bot.corpus.models import Article, Statement
from bot.store import CorpusChange, Store, StoredStatement

# Articles per apply: each call is one transaction, like a load of that many articles.
ARTICLES_PER_APPLY = 400
# A transaction's pages sit in the WAL until it commits; past a few hundred MB every page lookup slows.
STATEMENTS_PER_APPLY = 50_000
FIRST_DAY = date(2001, 6, 15)
DAYS = (date(2025, 6, 15) - FIRST_DAY).days


async def real_statements(store: Store) -> list[StoredStatement]:
    ids = await store.ids_by_date(limit=10_000_000)
    return await store.statements(ids)


def _name_pools(statements: list[StoredStatement]) -> tuple[list[str], list[str]]:
    firsts: set[str] = set()
    lasts: set[str] = set()
    for s in statements:
        words = (s.speaker or "").split()
        if s.speaker_kind == "person" and len(words) >= 2 and all(w[:1].isupper() for w in words):
            firsts.add(words[0])
            lasts.add(words[-1])
    return sorted(firsts) or ["Alex"], sorted(lasts) or ["Smith"]


def copies(
    base: list[StoredStatement], articles: dict[str, Article], total: int, seed: int = 6
) -> dict[str, list[Statement]]:
    """`total` statements by article: the real ones first, then varied copies of them."""
    rng = random.Random(seed)
    firsts, lasts = _name_pools(base)
    countries = sorted(set(country_aliases().values()))
    # One speaker per twenty statements or so, as in the real corpus, so the speaker list grows with it.
    speakers = max(len(firsts), total // 20)
    # Every article is a document, with statements or not, as after a real load of the folder.
    by_article: dict[str, list[Statement]] = {name: [] for name in articles}
    usable = [s for s in base if s.doc in articles]
    for n in range(total):
        source = usable[n % len(usable)]
        copy = n // len(usable)
        speaker, kind = source.speaker, source.speaker_kind or "unknown"
        countries_of = list(source.countries)
        day = source.date
        if copy:
            if kind == "person" or speaker is None:
                pick = rng.randrange(speakers)
                speaker = f"{firsts[pick % len(firsts)]} {lasts[(pick // len(firsts)) % len(lasts)]}"
                kind = "person"
            countries_of = [countries[rng.randrange(len(countries))] for _ in countries_of or [0]]
            day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        by_article.setdefault(source.doc, []).append(
            Statement(
                doc=source.doc,
                date=day,
                outlet=source.outlet,
                paragraph=source.paragraph,
                text=source.text,
                kind=source.kind,  # type: ignore[arg-type]
                cue=source.cue,
                speaker=speaker,
                speaker_role=source.speaker_role if not copy else None,
                speaker_type=kind,  # type: ignore[arg-type]
                topics=list(source.topics),
                countries=countries_of,
            )
        )
    return by_article


async def fill(store: Store, by_article: dict[str, list[Statement]], articles: dict[str, Article]) -> float:
    """Apply the statements article by article, a few hundred articles per transaction; returns seconds."""
    started = time.perf_counter()
    chunk: list[str] = []
    size = 0
    for name in sorted(by_article):
        chunk.append(name)
        size += len(by_article[name])
        if len(chunk) >= ARTICLES_PER_APPLY or size >= STATEMENTS_PER_APPLY:
            await store.apply(CorpusChange([(articles[n], by_article[n]) for n in chunk], []))
            chunk, size = [], 0
    if chunk:
        await store.apply(CorpusChange([(articles[n], by_article[n]) for n in chunk], []))
    return time.perf_counter() - started


async def scaled_store(
    path: Path, base_db: Path, articles: dict[str, Article], total: int, reference: Store
) -> tuple[Path, float]:
    """A database of `total` statements next to `path`; built once and reused while the base is unchanged."""
    if _fresh(path, base_db):
        return path, 0.0
    base = await real_statements(reference)
    by_article = copies(base, articles, total)
    _start_from(base_db, path)
    async with await Store.open(path) as store:
        # Start from the reference data only; the statements all come from the copies.
        await store.apply(CorpusChange([], sorted(await store.document_hashes())))
        seconds = await fill(store, by_article, articles)
    return path, seconds


def _fresh(path: Path, base_db: Path) -> bool:
    return path.is_file() and path.stat().st_mtime >= base_db.stat().st_mtime


def _start_from(base_db: Path, path: Path) -> None:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    shutil.copyfile(base_db, path)
