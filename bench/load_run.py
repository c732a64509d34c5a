"""One load measurement in its own process, so its peak RSS is its own: `python -m bench.load_run MODE ...`.

MODE `anchor` times spaCy's own `nlp.pipe` over the articles' texts (the whole model, one process);
MODE `load` times `load_corpus` into an empty database. Both print one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path

from bot.corpus.nlp import DEFAULT_MODEL, load_nlp
from bot.corpus.reader import read_articles
from bot.loading import load_corpus
from bot.store import Store


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def anchor(seeds: Path, every: int) -> dict[str, object]:
    articles, _ = read_articles([seeds])
    texts = [a.text for a in articles]
    sample = texts[::every]
    nlp = load_nlp(DEFAULT_MODEL)
    nlp.max_length = max(nlp.max_length, max(map(len, sample)) + 1)
    started = time.perf_counter()
    for _ in nlp.pipe(sample, batch_size=32):
        pass
    seconds = time.perf_counter() - started
    chars, sample_chars = sum(map(len, texts)), sum(map(len, sample))
    return {
        "seconds": seconds * chars / sample_chars,
        "measured_seconds": seconds,
        "sampled_every": every,
        "articles": len(texts),
        "mb": sum(len(t.encode()) for t in texts) / 1e6,
        "peak_rss_mb": peak_rss_mb(),
    }


def load(seeds: Path, database: Path) -> dict[str, object]:
    async def run() -> dict[str, object]:
        for leftover in database.parent.glob(database.name + "*"):
            leftover.unlink()
        async with await Store.open(database) as store:
            report = await load_corpus(store, seeds, DEFAULT_MODEL)
        assert report.after is not None
        return {
            "seconds": report.seconds,
            "articles": len(report.added),
            "skipped": len(report.skipped),
            "statements": report.after.statements,
            "speakers": report.after.speakers,
        }

    result = asyncio.run(run())
    articles, _ = read_articles([seeds])
    result["mb"] = sum(len(a.text.encode()) for a in articles) / 1e6
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main(argv: list[str]) -> None:
    mode, seeds = argv[0], Path(argv[1])
    result = anchor(seeds, int(argv[2])) if mode == "anchor" else load(seeds, Path(argv[2]))
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
