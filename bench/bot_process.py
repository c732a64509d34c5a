"""The bot's process as it serves, alone: `python -m bench.bot_process DATABASE SEEDS` prints its memory.

It opens the store, builds the whole application (over the in-process Bot API), answers a few hundred
queries so every cache is warm, and reports its resident memory and whether spaCy was ever imported.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bench.queries import query_mix
from bench.query import COMMANDS, bench_settings, without_send_limiter
from bench.stats import rss_mb
from bot.serving.local import LocalChat
from bot.store import Store

QUERIES = 200


async def serve(database: Path, seeds: Path) -> dict[str, object]:
    async with await Store.open(database) as store:
        counts = await store.counts()
        queries = query_mix(await store.speaker_names(), await store.topic_counts(), ["China", "India"], [])
        async with without_send_limiter(LocalChat(bench_settings(database, seeds), store)) as chat:
            for query in queries[:QUERIES]:
                for command in COMMANDS:
                    await chat.send(f"{command} {query}")
            current, peak = rss_mb()
    return {
        "statements": counts.statements,
        "rss_mb": current,
        "peak_rss_mb": peak,
        "spacy_loaded": "spacy" in sys.modules,
        "thinc_loaded": "thinc" in sys.modules,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(serve(Path(sys.argv[1]), Path(sys.argv[2])))))
