"""What every handler may use, built once by the composition root, and the typed context that carries it.

`ContextTypes(context=BotContext)` makes `context.services` typed in every callback, where
`bot_data["services"]` would be `Any`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.loading import Reloader
from bot.loading.sources import WebSources
from bot.search import Searcher
from bot.store import Store
from handlers.limits import RateLimiter

SERVICES_KEY = "services"


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """An upload whose name is taken, waiting for the operator's Replace / Keep both."""

    name: str
    content: bytes


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    searcher: Searcher
    reloader: Reloader
    started_at: float = field(default_factory=time.time)
    updates_handled: int = 0
    # Off unless the composition root sets them: QUERIES_PER_MINUTE for searches, UPDATES_PER_MINUTE for
    # every update that costs a reply.
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(0))
    # Pages and feeds (/add, /feeds, the feed job); None where the composition root gives none.
    web: WebSources | None = None
    reply_budget: RateLimiter = field(default_factory=lambda: RateLimiter(0))
    # Set once the error handler has told the operators that the database is corrupt.
    corruption_reported: bool = False
    # Uploads awaiting a choice, by the token their buttons carry (handlers/uploads.py).
    pending_uploads: dict[str, PendingUpload] = field(default_factory=dict)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context, with the services the composition root put in `bot_data`."""

    @property
    def services(self) -> Services:
        return services_of(self.application)


def services_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    found = application.bot_data[SERVICES_KEY]
    if not isinstance(found, Services):
        raise RuntimeError("the application was not built by bot.app.build_application")
    return found


# What PTB's handlers take: a coroutine function of the update and the typed context.
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
