"""The real application against the fake Bot API server, polling or serving a webhook, as `scobot run` runs it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.serving.webhook import WebhookServer
from bot.store import Store
from handlers.context import services_of  # noqa: F401  (tests import it from here)
from tests.auxil.fake_bot_api import FakeBotApi

ADMIN_ID = 4242
WEBHOOK_SECRET = "test-secret_123"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Mode = Literal["polling", "webhook"]


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningBot:
    """The application, and how to hand it an update the way Telegram would in its mode."""

    application: Application
    server: FakeBotApi | None
    mode: Mode
    webhook_url: str | None = None

    async def deliver(self, update: dict) -> dict:
        assert self.server is not None
        if self.mode == "polling":
            return self.server.push_update(update)
        delivered = self.server.webhook_update(update)
        async with httpx.AsyncClient() as client:
            answer = await client.post(self.webhook_url or "", json=delivered, headers={SECRET_HEADER: WEBHOOK_SECRET})
        answer.raise_for_status()
        return delivered


@asynccontextmanager
async def running_bot(settings: Settings, store: Store) -> AsyncIterator[Application]:
    """The application polling the fake server named by `settings`."""
    async with running_bot_in_mode(None, settings, store, "polling") as running:
        yield running.application


@asynccontextmanager
async def running_bot_in_mode(
    server: FakeBotApi | None, settings: Settings, store: Store, mode: Mode
) -> AsyncIterator[RunningBot]:
    application = build_application(settings, store)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    webhook_url = None
    webhook: WebhookServer | None = None
    if mode == "polling":
        await application.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
    else:
        # The webhook server `scobot run` serves. Telegram is told a public https URL (TLS ends at a proxy in
        # front); the test posts to the listener.
        port = free_port()
        webhook_url = f"http://127.0.0.1:{port}/telegram"
        webhook = WebhookServer(application, "/telegram", WEBHOOK_SECRET)
        await webhook.start("127.0.0.1", port)
        await application.bot.set_webhook(
            "https://scobot.example.org/telegram", secret_token=WEBHOOK_SECRET, allowed_updates=Update.ALL_TYPES
        )
    await application.start()
    try:
        yield RunningBot(application, server, mode, webhook_url)
    finally:
        if webhook is not None:
            await webhook.stop()
        else:
            await application.updater.stop()
        await application.stop()
        await application.shutdown()
