"""Running the bot for real: open the store, build the application, then poll or serve a webhook.

`serving` is the one start-up path: `scobot run` uses it, and so do the tests that run the bot in
webhook mode, so what they check is what production runs.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.loading import worker_pool
from bot.serving.webhook import TELEGRAM_CONNECTIONS, WebhookLimits, WebhookServer
from bot.store import DatabaseUnavailable, Store
from handlers.context import services_of

logger = logging.getLogger(__name__)

# Seconds a long poll waits at Telegram for updates before it is renewed.
POLL_TIMEOUT = 10
# Allocations between collections of the collector's youngest generation (CPython's default is 700). Each
# update builds hundreds of PTB objects, so at 700 the collector ran every few updates, and a full
# collection (walking the whole search index: 100–300 ms at 100,000 statements) every few hundred: about
# 9% of a burst of 2,000 updates, against 3% at 7,000. Only cyclic garbage waits longer to be freed, and
# the bot makes little.
GC_YOUNG_THRESHOLD = 7_000


def run_bot(settings: Settings) -> int:
    try:
        asyncio.run(_run(settings))
    except DatabaseUnavailable as exc:
        logger.critical("%s", exc)
        return 1
    except InvalidToken:
        # PTB's message quotes the token itself; this line must not.
        logger.critical("Telegram rejected BOT_TOKEN; check it with @BotFather")
        return 1
    except Exception:
        # Through logging, so the redacting formatter sees the traceback before anyone else does.
        logger.critical("the bot stopped on an error", exc_info=True)
        return 1
    return 0


async def _run(settings: Settings) -> None:
    async with await open_serving_store(settings.database_path) as store:
        application = build_application(settings, store)
        # spaCy lives in this worker process, never in the bot's: parsing cannot stall the event loop.
        services_of(application).reloader.executor = executor = worker_pool()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        try:
            async with serving(application, settings):
                await stop.wait()
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
        logger.info("stopped")


async def open_serving_store(path: Path) -> Store:
    """The bot only reads: /reload and uploads write through the reloader's own connection."""
    return await Store.open(path, query_only=True)


@asynccontextmanager
async def serving(
    application: Application,
    settings: Settings,
    *,
    poll_timeout: int = POLL_TIMEOUT,
    limits: WebhookLimits | None = None,
) -> AsyncIterator[Application]:
    """The application started and receiving updates (a webhook with WEBHOOK_URL, else polling) until exit."""
    updater = application.updater
    assert updater is not None, "build_application always gives the application an updater"
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], GC_YOUNG_THRESHOLD), *thresholds[1:])
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        webhook: WebhookServer | None = None
        if settings.webhook_url:
            webhook = await start_webhook(application, settings, limits)
        else:
            logger.info("polling for updates")
            await updater.start_polling(timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)
        try:
            await application.start()
            yield application
        finally:
            if webhook is not None:
                await webhook.stop()
            with suppress(RuntimeError):  # not polling, or start failed half-way
                await updater.stop()
            if application.running:
                await application.stop()
    finally:
        await application.shutdown()
        gc.set_threshold(*thresholds)


async def start_webhook(application: Application, settings: Settings, limits: WebhookLimits | None) -> WebhookServer:
    """Our own webhook server listening (see bot/serving/webhook.py), then Telegram told where it is."""
    url = str(settings.webhook_url)
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    # Config refuses WEBHOOK_URL without WEBHOOK_SECRET; this guards callers that build Settings by hand.
    if secret is None:
        raise ValueError("a webhook needs WEBHOOK_SECRET")
    server = WebhookServer(application, urlsplit(url).path, secret, limits)
    await server.start(settings.webhook_listen, settings.port)
    logger.info("serving a webhook on %s:%s", settings.webhook_listen, settings.port)
    try:
        await application.bot.set_webhook(
            url, secret_token=secret, allowed_updates=Update.ALL_TYPES, max_connections=TELEGRAM_CONNECTIONS
        )
    except BaseException:
        await server.stop()
        raise
    return server
