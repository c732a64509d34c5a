"""A per-user rate limit on expensive queries: one token bucket per requester, nothing Telegram-specific.

Each requester (a user id, or a chat id when a chat speaks for itself) may spend `burst` queries at once
and then `per_minute` a minute. A refused requester is told once per refused stretch, not once per
message: replying to every message of a flood would spend the bot's own sending budget on the flooder.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]

DEFAULT_BURST = 10
# Buckets of requesters idle long enough to be full again are forgotten first; this caps memory.
MAX_TRACKED = 50_000


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until one query is allowed again
    warn: bool = False  # the first refusal of a stretch: the requester should be told


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class RateLimiter:
    """Token buckets keyed by requester; `per_minute=0` turns the limit off."""

    def __init__(self, per_minute: float, burst: int = DEFAULT_BURST, clock: Clock = time.monotonic) -> None:
        if per_minute < 0 or burst < 1:
            raise ValueError("per_minute must be >= 0 and burst >= 1")
        self.per_second = per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def check(self, requester: int) -> Decision:
        """Spend one token of `requester`'s bucket if there is one."""
        if not self.enabled:
            return Decision(True)
        now = self.clock()
        bucket = self._buckets.pop(requester, None) or _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        self._buckets[requester] = bucket  # most recently seen last, so the oldest go first
        while len(self._buckets) > MAX_TRACKED:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Decision(True)
        warn = not bucket.warned
        bucket.warned = True
        return Decision(False, retry_after=(1.0 - bucket.tokens) / self.per_second, warn=warn)
