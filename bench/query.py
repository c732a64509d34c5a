"""Query latency of the /quote, /members and /timeline handler paths, beside the FTS5 floor and a naive scan.

The handlers run for real through `bot.serving.local.LocalChat` (the whole application, an in-process Bot API,
no network), so a figure includes PTB's dispatch, search, the store and rendering.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

from bench.queries import query_mix
from bench.stats import percentiles
from bot.config import Settings
from bot.search.index import fts_expression
from bot.serving.local import LocalChat
from bot.store import Store

COMMANDS = ("/quote", "/members", "/timeline")
WARM_UP = 30


def bench_settings(database: Path, seeds: Path, **extra: object) -> Settings:
    values: dict[str, object] = {"database_path": database, "seeds_dir": seeds, "log_level": "WARNING"}
    if "queries_per_minute" in Settings.model_fields:
        values["queries_per_minute"] = 0  # the per-user limits would refuse a benchmark's single user
    if "updates_per_minute" in Settings.model_fields:
        values["updates_per_minute"] = 0
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def without_send_limiter(chat: LocalChat) -> LocalChat:
    """The chat with the bot's outgoing rate limiter off: it paces sends to Telegram at 30 a second, which is
    the network's budget, not the handlers' work (the bot section measures it, and floods it)."""
    chat.application.bot._rate_limiter = None  # type: ignore[attr-defined]
    return chat


async def all_texts(store: Store) -> list[str]:
    texts: list[str] = []
    after = 0
    while page := await store.texts(after):
        texts += [text for _, text in page]
        after = page[-1][0]
    return texts


async def measure(database: Path, seeds: Path, naive_queries: int) -> dict[str, object]:
    async with await Store.open(database) as store:
        counts = await store.counts()
        texts = await all_texts(store)
        queries = query_mix(
            await store.speaker_names(),
            await store.topic_counts(),
            [c.name for c in await store.country_counts()],
            texts[:: max(1, len(texts) // 2000)],
        )
        result: dict[str, object] = {"statements": counts.statements, "speakers": counts.speakers}
        async with without_send_limiter(LocalChat(bench_settings(database, seeds), store)) as chat:
            for query in queries[:WARM_UP]:
                await chat.send(f"/quote {query}")
            for command in COMMANDS:
                seconds = []
                for query in queries:
                    started = time.perf_counter()
                    shown = await chat.send(f"{command} {query}")
                    seconds.append(time.perf_counter() - started)
                    assert shown, f"no reply to {command} {query}"
                result[command] = percentiles(seconds)
        floor = []
        for query in queries:
            started = time.perf_counter()
            expression = fts_expression(query)
            if expression:
                await store.ids_matching(expression, 1000)
            floor.append(time.perf_counter() - started)
        result["fts_floor"] = percentiles(floor)
    naive = []
    for query in queries[:naive_queries]:
        started = time.perf_counter()
        process.extract(query, texts, scorer=fuzz.WRatio, limit=10)
        naive.append(time.perf_counter() - started)
    result["naive_scan"] = percentiles(naive) | {"queries": len(naive)}
    result["queries"] = len(queries)
    return result


def main(argv: list[str]) -> None:
    """`python -m bench.query DATABASE SEEDS NAIVE_QUERIES`: one scale's figures as a line of JSON, measured in
    a process of its own, as a bot serves one store (one process measuring store after store grew slower
    with each: at 1M, p99 1-2 ms above a fresh process)."""
    database, seeds, naive_queries = Path(argv[0]), Path(argv[1]), int(argv[2])
    print(json.dumps(asyncio.run(measure(database, seeds, naive_queries))))


if __name__ == "__main__":
    main(sys.argv[1:])
