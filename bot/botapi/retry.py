"""Flood control and retries for Bot API calls: replies paced per chat, then shared fairly, then retried.

Pacing. Telegram allows a bot about one message a second in a private chat, 20 a minute in a group and
30 a second overall. PTB's `AIORateLimiter` paces only the last two, so a busy private chat meets 429s.
Here every call that changes a chat (a send, an edit, a delete) first takes its turn in that chat's
queue, spaced a second apart in a private chat and three seconds in a group (after a burst of three),
and only then a place in the overall budget, 30 a second for all chats together. One chat that floods
waits on its own budget and holds at most one place in the overall queue, so other chats' replies keep
passing. Answers to button presses and inline queries name no chat and are not paced.

Retries. A 429 (RetryAfter) is retried up to three times: it pushes back that chat's queue by the wait
Telegram asks for, so the chat's other replies wait too. A 500, a 502 from the proxy in front of the Bot
API and a dropped or refused connection are retried four times with growing pauses: none of them means
Telegram acted on the call (a keep-alive connection the server closed while idle is the usual drop).
400s (BadRequest) are the bot's own mistake and are never retried; nor are 403s and other refusals.

Timeouts. A timeout before the request was written (no free connection in the pool, or none could be
opened: `TimedOutBeforeSending`) is retried like a dropped connection, since Telegram never saw the
call. A timeout after it was written may hide a call that did take effect. A read or answer is
harmless to repeat, so reads, edits, answers and settings are retried; a send (`send…`, `copy…`,
`forward…`) is not, because repeating it could deliver the same message twice. That failure reaches the
error handler, which apologises: a user may see an apology after a reply that did arrive, never a reply
twice. getUpdates does not come through here: the updater has its own retry loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.botapi.request import TimedOutBeforeSending

logger = logging.getLogger(__name__)

FLOOD_RETRIES = 3
NETWORK_RETRIES = 4
FIRST_PAUSE_SECONDS = 0.5
MAX_PAUSE_SECONDS = 8.0
# Telegram's limits, with a little room: the server measures arrival, and requests on different
# connections may arrive closer together than they left.
PRIVATE_CHAT_PER_SECOND = 1 / 1.1
GROUP_PER_SECOND = 20 / 66
GROUP_BURST = 3
OVERALL_PER_SECOND = 29.0
# Chats whose queue is idle are forgotten once this many are known, so a long-running bot stays small.
KNOWN_CHATS = 1024

# Calls that deliver a new message: a second attempt after an unanswered first one may deliver it twice.
_DELIVERING_PREFIXES = ("send", "copy", "forward")
_NOT_DELIVERING = frozenset({"sendChatAction"})
# Calls that name a chat without changing what it shows (reads); they pass unpaced.
_READ_PREFIXES = ("get",)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class Pace:
    """At most `per_second` on average after a burst of `burst`: the generic cell rate algorithm.

    `delay` says how long until one more call conforms and `take` records one; both are O(1), and
    callers that take their turns in order are served in order.
    """

    __slots__ = ("_due", "interval", "tolerance")

    def __init__(self, per_second: float, burst: int = 1) -> None:
        self.interval = 1.0 / per_second
        self.tolerance = (burst - 1) * self.interval
        self._due = 0.0  # when the next call would be on schedule

    def delay(self, now: float) -> float:
        return max(0.0, self._due - self.tolerance - now)

    def take(self, now: float) -> None:
        self._due = max(self._due, now) + self.interval

    def reserve(self, now: float) -> float:
        """Take the next conforming turn; the seconds to wait for it."""
        wait = self.delay(now)
        self.take(now + wait)
        return wait

    def hold(self, seconds: float, now: float) -> None:
        """Nothing conforms for `seconds` (Telegram asked for that wait)."""
        self._due = max(self._due, now + seconds + self.tolerance)

    def idle(self, now: float) -> bool:
        return self._due <= now


@dataclass
class _ChatQueue:
    pace: Pace
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)  # first come, first served


class PacedRateLimiter(BaseRateLimiter[int]):
    """Paces calls per chat and overall, and retries 429s and transient failures (see the module docstring).

    `rate_limit_args`, when a call passes it, replaces `flood_retries` for that call, as in `AIORateLimiter`.
    """

    def __init__(
        self,
        *,
        flood_retries: int = FLOOD_RETRIES,
        network_retries: int = NETWORK_RETRIES,
        private_chat_per_second: float = PRIVATE_CHAT_PER_SECOND,
        group_per_second: float = GROUP_PER_SECOND,
        overall_per_second: float = OVERALL_PER_SECOND,
        first_pause: float = FIRST_PAUSE_SECONDS,
    ) -> None:
        self.flood_retries = flood_retries
        self.network_retries = network_retries
        self.first_pause = first_pause
        self._private_rate = private_chat_per_second
        self._group_rate = group_per_second
        self._overall = Pace(overall_per_second)
        self._chats: dict[int | str, _ChatQueue] = {}

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        chat = _chat_key(data.get("chat_id")) if not endpoint.startswith(_READ_PREFIXES) else None
        flood_retries = self.flood_retries if rate_limit_args is None else rate_limit_args
        floods = failures = 0
        pause = self.first_pause
        while True:
            try:
                if chat is not None:
                    await self._take_turn(chat)
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if floods == flood_retries:
                    logger.warning("%s: still flood-limited after %d retries", endpoint, floods)
                    raise
                floods += 1
                wait = _seconds(exc.retry_after) + 0.1
                logger.info("%s: flood limit, retry %d in %.1f s", endpoint, floods, wait)
                if chat is not None:
                    self._queue(chat).pace.hold(wait, time.monotonic())  # the next turn waits it out
                else:
                    await asyncio.sleep(wait)
            except NetworkError as exc:  # also TimedOut, 5xx answers and dropped connections
                if failures == self.network_retries or not _worth_retrying(exc, endpoint):
                    raise
                failures += 1
                logger.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc, failures, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)

    async def _take_turn(self, chat: int | str) -> None:
        """Wait for the chat's own budget, then for a place in the overall one; return when the call may go."""
        queue = self._queue(chat)
        async with queue.turn:
            if wait := queue.pace.delay(time.monotonic()):
                await asyncio.sleep(wait)
            if wait := self._overall.reserve(time.monotonic()):
                await asyncio.sleep(wait)
            queue.pace.take(time.monotonic())

    def _queue(self, chat: int | str) -> _ChatQueue:
        queue = self._chats.get(chat)
        if queue is None:
            if len(self._chats) >= KNOWN_CHATS:
                self._forget_idle_chats()
            private = isinstance(chat, int) and chat > 0
            pace = Pace(self._private_rate) if private else Pace(self._group_rate, GROUP_BURST)
            queue = self._chats[chat] = _ChatQueue(pace)
        return queue

    def _forget_idle_chats(self) -> None:
        now = time.monotonic()
        for chat in [c for c, q in self._chats.items() if not q.turn.locked() and q.pace.idle(now)]:
            del self._chats[chat]


def _worth_retrying(error: NetworkError, endpoint: str) -> bool:
    if isinstance(error, BadRequest):
        return False
    if isinstance(error, TimedOut) and not isinstance(error, TimedOutBeforeSending):
        return not delivers_a_message(endpoint)
    return True


def delivers_a_message(endpoint: str) -> bool:
    """Whether calling `endpoint` twice may deliver two messages."""
    return endpoint.startswith(_DELIVERING_PREFIXES) and endpoint not in _NOT_DELIVERING


def _chat_key(chat_id: object) -> int | str | None:
    if chat_id is None or isinstance(chat_id, int):
        return chat_id
    try:
        return int(str(chat_id))
    except ValueError:
        return str(chat_id)  # "@channelname"


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
