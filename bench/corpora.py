"""The benchmark's corpora: the seeds, and the Tehran Times articles written as seed files outside the repo.

The Tehran Times file has no dates and no paragraph breaks, so each article gets a date spread over the
SCO's years (stable per article id) and paragraphs of one to three sentences, cut at sentence ends the
way a news site breaks them. The text itself is never changed and never copied into the repository.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TEHRAN_TIMES = SHARED / "corpora" / "tehran-times.jsonl.gz"
SEEDS = ROOT / "seeds"
QUICK_ARTICLES = 2000
FIRST_DAY = date(2001, 6, 15)
DAYS = (date(2025, 6, 15) - FIRST_DAY).days
# A sentence ends at . ! or ? (maybe closing a quote) followed by a space and a capital or an opening quote.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")


def cache_dir() -> Path:
    """Where generated seed folders and databases go: BENCH_CACHE, or a folder in the system temp dir."""
    configured = os.environ.get("BENCH_CACHE")
    folder = Path(configured) if configured else Path(tempfile.gettempdir()) / "scobot-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True, slots=True)
class RawArticle:
    id: int
    slug: str
    text: str


def tehran_times_present() -> bool:
    return TEHRAN_TIMES.is_file()


def read_tehran_times(limit: int | None = None) -> list[RawArticle]:
    """All articles, or `limit` of them spread evenly over the file (the quick run's subset)."""
    with gzip.open(TEHRAN_TIMES, "rt", encoding="utf-8") as stream:
        rows = [json.loads(line) for line in stream]
    if limit is not None and limit < len(rows):
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    return [RawArticle(int(row["id"]), str(row["slug"]), str(row["text"])) for row in rows]


def article_date(article_id: int) -> date:
    digest = hashlib.blake2s(str(article_id).encode(), digest_size=4).digest()
    return FIRST_DAY + timedelta(days=int.from_bytes(digest, "big") % DAYS)


def paragraphs(text: str, article_id: int) -> list[str]:
    """Sentences grouped one to three to a paragraph; the group sizes are stable per article."""
    sentences = [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]
    sizes = hashlib.blake2s(str(article_id).encode(), digest_size=32).digest()
    grouped: list[str] = []
    position = 0
    for size in sizes * (len(sentences) // len(sizes) + 1):
        if position >= len(sentences):
            break
        take = size % 3 + 1
        grouped.append(" ".join(sentences[position : position + take]))
        position += take
    return grouped


def seed_text(article: RawArticle) -> str:
    body = "\n\n".join(paragraphs(article.text, article.id))
    return f" date {article_date(article.id).isoformat()} {body}\n"


def write_seed_folder(articles: list[RawArticle], folder: Path) -> Path:
    """Write the articles as seed files, once: a folder that is complete is reused as it is."""
    done = folder / ".complete"
    folder.mkdir(parents=True, exist_ok=True)
    # The reference data comes with the corpus, as in the project's own seeds folder.
    for reference in ("members.csv", "topics.toml"):
        shutil.copyfile(SEEDS / reference, folder / reference)
    if done.is_file() and done.read_text() == str(len(articles)):
        return folder
    for article in articles:
        name = f"tt_{article.id:07d}.txt"
        (folder / name).write_text(seed_text(article), encoding="utf-8")
    done.write_text(str(len(articles)))
    return folder


def tehran_times_seeds(quick: bool) -> Path | None:
    """The seed folder of the Tehran Times corpus (the 2,000-article subset when `quick`), or None."""
    if not tehran_times_present():
        return None
    limit = QUICK_ARTICLES if quick else None
    folder = cache_dir() / ("tehran-times-2000" if quick else "tehran-times-all")
    return write_seed_folder(read_tehran_times(limit), folder)


def seed_texts(folder: Path) -> Iterator[str]:
    from bot.corpus.reader import iter_article_paths, read_article

    for path in iter_article_paths([folder]):
        article = read_article(path)
        if not hasattr(article, "reason"):
            yield article.text  # type: ignore[union-attr]
