"""The real application, polling the fake Bot API server, as `scobot run` would run it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.services import SERVICES_KEY, Services
from bot.store import Store
from tests.auxil.fake_bot_api import FakeBotApi

ADMIN_ID = 4242


def bot_settings(server: FakeBotApi, folder: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "bot_token": server.token,
        "bot_api_base_url": server.base_url,
        "database_path": folder / "scobot.db",
        "seeds_dir": folder / "seeds",
        "admin_ids": frozenset({ADMIN_ID}),
        "log_level": "DEBUG",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


@asynccontextmanager
async def running_bot(settings: Settings, store: Store) -> AsyncIterator[Application]:
    application = build_application(settings, store)
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


def services_of(application: Application) -> Services:
    return application.bot_data[SERVICES_KEY]
