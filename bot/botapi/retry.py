"""Bot API calls that survive a flaky network: PTB's rate limiter, plus bounded retries of transient errors.

`AIORateLimiter` keeps within Telegram's flood limits and retries 429 (RetryAfter). A reply that meets a
500, a 502 from the proxy in front of the Bot API, a timeout or a dropped connection would otherwise be
lost, so those are retried too, a few times with growing pauses. 400s (BadRequest, also a NetworkError in
PTB) are the bot's own mistake and never retried. getUpdates does not come through here: the updater
has its own retry loop, and retrying inside it would only delay that loop's backoff.

A timeout can, with the real Telegram, hide a request that did take effect; retrying it may then send a
reply twice. One duplicate now and then is the better failure than a user who never gets an answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

NETWORK_RETRIES = 4
FIRST_PAUSE_SECONDS = 0.5
MAX_PAUSE_SECONDS = 8.0

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """`AIORateLimiter` that also retries transient network and server errors a bounded number of times."""

    def __init__(self, *, max_retries: int = 3, network_retries: int = NETWORK_RETRIES) -> None:
        super().__init__(max_retries=max_retries)
        self.network_retries = network_retries

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        pause = FIRST_PAUSE_SECONDS
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as exc:  # also TimedOut, 5xx answers and dropped connections
                if attempt == self.network_retries:
                    raise
                logger.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc, attempt + 1, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)
        raise AssertionError("unreachable")  # the loop returns or raises
