"""The real application over HTTP against the fake Bot API: throughput, reply latency, and a flood.

The bot runs as `scobot run` runs it (`bot.serving.runner.serving`, polling), against the fake Bot API
(`tests.auxil.fake_bot_api`) served over HTTP on 127.0.0.1 from a child process: the real Bot API runs
on another machine, so the server's work must not be counted against the bot. Updates are pushed and
replies counted through the child's command pipe, never through the bot's own event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram.ext import Application

from bench.queries import query_mix
from bench.stats import percentiles
from bot.app import build_application
from bot.config import Settings
from bot.serving.runner import serving
from bot.store import Store
from handlers.errors import SORRY
from tests.auxil import updates
from tests.auxil.fake_bot_api_process import RemoteFakeBotApi, fake_bot_api_process

FIRST_USER = 5_000_000
WARM_UP = 20


def _settings(server: RemoteFakeBotApi, database: Path, seeds: Path) -> Settings:
    values: dict[str, object] = {
        "bot_token": server.token,
        "bot_api_base_url": server.base_url,
        "database_path": database,
        "seeds_dir": seeds,
        "log_level": "WARNING",
        "queries_per_minute": 0,  # the per-user limits are not what is measured here
        "updates_per_minute": 0,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


@asynccontextmanager
async def running_bot(settings: Settings, store: Store, send_limiter: bool) -> AsyncIterator[Application]:
    """The application as `scobot run` serves it, optionally without the outgoing rate limiter.

    That limiter holds sends to Telegram's 30 messages a second across all chats, so with it on the
    throughput test would only measure the limit; the flood test keeps it on, as production does.
    """
    application = build_application(settings, store)
    if not send_limiter:
        application.bot._rate_limiter = None  # type: ignore[attr-defined]
    async with serving(application, settings, poll_timeout=1):
        yield application


def _message(text: str, user_id: int) -> dict[str, object]:
    sender = updates.user(user_id, f"User{user_id}", username=None)
    return updates.private_message(text, from_user=sender)


async def throughput(
    database: Path, seeds: Path, folder: Path, burst: int, paced: int, rate: float
) -> dict[str, object]:
    """Updates/s for a burst of `burst` concurrent updates; then reply latency at a steady `rate`/s."""
    del folder  # the bot writes nothing here; kept so every section is called alike
    async with fake_bot_api_process() as server, await Store.open(database) as store:
        settings = _settings(server, database, seeds)
        queries = query_mix(await store.speaker_names(), await store.topic_counts(), ["China", "Iran", "India"], [])

        def message(n: int) -> dict[str, object]:
            return _message(f"/quote {queries[n % len(queries)]}", FIRST_USER + n)

        async with running_bot(settings, store, send_limiter=False):
            server.push_updates([message(n) for n in range(WARM_UP)])  # connections open, match lists built
            await server.wait_until_answered("sendMessage", WARM_UP, 30)
            batch = [message(n) for n in range(WARM_UP, WARM_UP + burst)]
            server_cpu = await server.cpu_seconds()
            started, cpu = time.monotonic(), time.process_time()
            server.push_updates(batch)
            answered = await server.wait_until_answered("sendMessage", WARM_UP + burst, 300)
            burst_seconds = time.monotonic() - started
            # CPU time per update, of the bot's process (all its threads) and of the server's: steadier than
            # updates/s on a busy machine, and it shows which side of the socket the time went to.
            burst_cpu = time.process_time() - cpu
            server_cpu = await server.cpu_seconds() - server_cpu
            first = WARM_UP + burst
            pushed: dict[int, float] = {}
            for n in range(first, first + paced):
                update = message(n)
                pushed[FIRST_USER + n] = time.monotonic()
                server.push_updates([update])
                await asyncio.sleep(1 / rate)
            await server.wait_until_answered("sendMessage", first + paced, 120)
            latency = [
                call.time - pushed[int(call.chat_id)]
                for call in await server.calls("sendMessage")
                if int(call.chat_id) in pushed
            ]
    return {
        "burst_updates": burst,
        "burst_answered": answered - WARM_UP,
        "burst_seconds": burst_seconds,
        "updates_per_s": burst / burst_seconds,
        "cpu_ms_per_update": burst_cpu / burst * 1000,
        "server_cpu_ms_per_update": server_cpu / burst * 1000,
        "paced_rate": rate,
        "latency": percentiles(latency),
    }


async def flood(database: Path, seeds: Path, folder: Path, replies: int, chats: int) -> dict[str, object]:
    """`replies` replies owed to `chats` chats at once, with Telegram's flood limits on the server."""
    del folder
    async with fake_bot_api_process() as server, await Store.open(database) as store:
        settings = _settings(server, database, seeds)
        async with running_bot(settings, store, send_limiter=True):
            await server.enable_flood_limit()
            # Round-robin over the chats, as many people asking at once would arrive.
            batch = [_message("/quote", FIRST_USER + n % chats) for n in range(replies)]
            started = time.monotonic()
            server.push_updates(batch)
            # An apology is counted as a reply here, so a lost reply does not stall the wait.
            await server.wait_until_answered("sendMessage", replies, replies / 10 + 120)
            seconds = time.monotonic() - started
            await asyncio.sleep(1.0)  # anything still retrying shows up as a duplicate or a late 429
            answered = await server.calls("sendMessage")
            refused = [c for c in await server.calls("sendMessage", include_failed=True) if c.status == 429]
    # A reply that ran out of retries turns into the error handler's apology, which is not the reply.
    sent = [c for c in answered if c.text != SORRY]
    return {
        "replies_owed": replies,
        "chats": chats,
        "delivered": len(sent),
        "lost": replies - len(sent),
        "apologies": len(answered) - len(sent),
        "http_429": len(refused),
        "seconds": seconds,
        "floor_seconds": replies / 30,  # the overall limit of 30 messages a second
    }
