"""The real application over HTTP against the fake Bot API: throughput, reply latency, and a flood.

The bot polls `tests.auxil.fake_bot_api` on 127.0.0.1 exactly as `tests/auxil/running_bot.py` runs it for
the end-to-end tests. Server and bot share this process's event loop, so the server's own work is
counted against the bot: the figures are a floor on what the bot alone does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import Update
from telegram.ext import Application

from bench.queries import query_mix
from bench.stats import percentiles
from bot.app import build_application
from bot.config import Settings
from bot.store import Store
from handlers.errors import SORRY
from tests.auxil import updates
from tests.auxil.fake_bot_api import FakeBotApi, running_fake_bot_api
from tests.auxil.running_bot import bot_settings

FIRST_USER = 5_000_000


def _settings(server: FakeBotApi, folder: Path, database: Path, seeds: Path) -> Settings:
    extra: dict[str, object] = {"database_path": database, "seeds_dir": seeds, "log_level": "WARNING"}
    if "queries_per_minute" in Settings.model_fields:
        extra["queries_per_minute"] = 0  # the per-user limit is not what is measured here
    return bot_settings(server, folder, **extra)


@asynccontextmanager
async def running_bot(settings: Settings, store: Store, send_limiter: bool) -> AsyncIterator[Application]:
    """`tests.auxil.running_bot.running_bot`, optionally without the outgoing rate limiter.

    That limiter holds sends to Telegram's 30 messages a second across all chats, so with it on the
    throughput test would only measure the limit; the flood test keeps it on, as production does.
    """
    application = build_application(settings, store)
    if not send_limiter:
        application.bot._rate_limiter = None  # type: ignore[attr-defined]
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


def _message(text: str, user_id: int) -> dict[str, object]:
    sender = updates.user(user_id, f"User{user_id}", username=None)
    return updates.private_message(text, from_user=sender)


async def _replies(server: FakeBotApi, wanted: int, timeout: float) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    # The fake server has no event for "n calls answered", and wait_for is quadratic over thousands.
    while len(server.calls_to("sendMessage")) < wanted and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.02)


async def throughput(
    database: Path, seeds: Path, folder: Path, burst: int, paced: int, rate: float
) -> dict[str, object]:
    """Updates/s for a burst of `burst` concurrent updates; then reply latency at a steady `rate`/s."""
    async with running_fake_bot_api() as server, await Store.open(database) as store:
        settings = _settings(server, folder, database, seeds)
        queries = query_mix(await store.speaker_names(), await store.topic_counts(), ["China", "Iran", "India"], [])
        async with running_bot(settings, store, send_limiter=False):
            pushed: dict[int, float] = {}

            def push(n: int) -> None:
                user_id = FIRST_USER + n
                pushed[user_id] = time.monotonic()
                server.push_update(_message(f"/quote {queries[n % len(queries)]}", user_id))

            for n in range(20):  # warm-up: connections open, match lists built
                push(n)
            await _replies(server, 20, 30)
            base = len(server.calls_to("sendMessage"))
            started = time.monotonic()
            for n in range(20, 20 + burst):
                push(n)
            await _replies(server, base + burst, 300)
            burst_seconds = time.monotonic() - started
            base = len(server.calls_to("sendMessage"))
            first = 20 + burst
            for n in range(first, first + paced):
                push(n)
                await asyncio.sleep(1 / rate)
            await _replies(server, base + paced, 120)
            latency = [
                call.time - pushed[int(call.params["chat_id"])]
                for call in server.calls_to("sendMessage")
                if int(call.params["chat_id"]) >= FIRST_USER + first
            ]
    return {
        "burst_updates": burst,
        "burst_seconds": burst_seconds,
        "updates_per_s": burst / burst_seconds,
        "paced_rate": rate,
        "latency": percentiles(latency),
    }


async def flood(database: Path, seeds: Path, folder: Path, replies: int, chats: int) -> dict[str, object]:
    """`replies` replies owed to `chats` chats at once, with Telegram's flood limits on the server."""
    async with running_fake_bot_api() as server, await Store.open(database) as store:
        settings = _settings(server, folder, database, seeds)
        async with running_bot(settings, store, send_limiter=True):
            server.faults.enable_flood_limit()
            started = time.monotonic()
            for n in range(replies):
                # Round-robin over the chats, as many people asking at once would arrive.
                server.push_update(_message("/quote", FIRST_USER + n % chats))
            await _replies(server, replies, replies / 10 + 120)  # an apology is counted as a reply here
            seconds = time.monotonic() - started
            await asyncio.sleep(1.0)  # anything still retrying shows up as a duplicate or a late 429
            # A reply that ran out of retries turns into the error handler's apology, which is not the reply.
            sent = [c for c in server.calls_to("sendMessage") if c.params.get("text") != SORRY]
            refused = [c for c in server.calls_to("sendMessage", include_failed=True) if c.status == 429]
    return {
        "replies_owed": replies,
        "chats": chats,
        "delivered": len(sent),
        "lost": replies - len(sent),
        "apologies": len(server.calls_to("sendMessage")) - len(sent),
        "http_429": len(refused),
        "seconds": seconds,
        "floor_seconds": replies / 30,  # the overall limit of 30 messages a second
    }
