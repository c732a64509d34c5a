"""Running the bot for real: open the store, build the application, then poll or serve a webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.loading import worker_pool
from bot.services import SERVICES_KEY, Services
from bot.store import Store

logger = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    store = asyncio.run(Store.open(settings.database_path))
    application = build_application(settings, store)
    services: Services = application.bot_data[SERVICES_KEY]
    # spaCy lives in this worker process, never in the bot's: parsing cannot stall the event loop.
    services.parse_executor = worker_pool()
    application.post_shutdown = _closing(store, services.parse_executor)
    if settings.webhook_url:
        url = str(settings.webhook_url)
        logger.info("serving a webhook on %s:%s", settings.webhook_listen, settings.port)
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.port,
            url_path=urlsplit(url).path.lstrip("/"),
            webhook_url=url,
            secret_token=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        logger.info("polling for updates")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def _closing(store: Store, executor: Executor) -> Callable[[Application], Awaitable[None]]:
    async def close(_application: Application) -> None:
        executor.shutdown(wait=False, cancel_futures=True)
        await store.close()

    return close
