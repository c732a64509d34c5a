"""Running the bot for real: open the store, build the application, then poll or serve a webhook."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.store import Store

logger = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    store = asyncio.run(Store.open(settings.database_path))
    application = build_application(settings, store)
    application.post_shutdown = _closing(store)
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


def _closing(store: Store):  # type: ignore[no-untyped-def]
    async def close(_application: object) -> None:
        await store.close()

    return close
