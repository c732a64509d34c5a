"""What every handler may use, built once by the composition root and kept in `bot_data`."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.limits import RateLimiter
from bot.search import Searcher
from bot.store import Store

if TYPE_CHECKING:
    from concurrent.futures import Executor

SERVICES_KEY = "services"


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    searcher: Searcher
    started_at: float = field(default_factory=time.time)
    updates_handled: int = 0
    parse_executor: Executor | None = None
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_reload: str | None = None
    # Off unless the composition root sets one from QUERIES_PER_MINUTE.
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(0))
