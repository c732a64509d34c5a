"""Fault injection for the fake Bot API: the failures a bot meets in production, on demand.

Faults are decided before a method runs, so a faulted call never takes effect; that is what
lets reliability tests tell "retried and delivered once" from "delivered twice".
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["FaultKind", "FaultRule", "Faults", "FloodLimit"]


class FaultKind(StrEnum):
    RETRY_AFTER = "429"
    BLOCKED = "403"  # the user blocked the bot
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    DELAY = "delay"  # hold the request past the client's timeout, then drop it
    DROP = "drop"  # close the socket without answering
    FLOOD = "flood"  # a 429 from the flood limit rather than from a rule


# Methods that deliver a message; only these count towards the flood limit.
SENDING_METHODS = frozenset({"sendmessage", "senddocument"})


@dataclass
class FaultRule:
    """One injection rule. ``remaining=None`` means unlimited (use with ``fraction``)."""

    kind: FaultKind
    methods: frozenset[str] | None  # lower-cased method names; None matches every method
    remaining: int | None = 1
    fraction: float = 1.0
    retry_after: int = 1
    delay: float = 30.0
    when: Callable[[str, dict[str, Any]], bool] | None = None

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.methods is not None and method.lower() not in self.methods:
            return False
        return self.when is None or self.when(method, params)


@dataclass
class FloodLimit:
    """Telegram's documented soft limits, simplified to two sliding one-second windows."""

    per_chat_per_second: float = 1.0
    overall_per_second: int = 30
    _last_by_chat: dict[Any, float] = field(default_factory=dict)
    _recent: deque[float] = field(default_factory=deque)

    def retry_after(self, chat_id: Any, now: float) -> int | None:
        """Seconds to wait if a send to ``chat_id`` now would exceed a limit, else None."""
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.overall_per_second:
            return max(1, math.ceil(1.0 - (now - self._recent[0])))
        last = self._last_by_chat.get(chat_id)
        interval = 1.0 / self.per_chat_per_second
        if last is not None and now - last < interval:
            return max(1, math.ceil(interval - (now - last)))
        return None

    def record(self, chat_id: Any, now: float) -> None:
        self._last_by_chat[chat_id] = now
        self._recent.append(now)


class Faults:
    """Rules that make chosen calls fail, plus counters of what was injected.

    ``injected[kind]`` counts faults actually served, so a test can assert that the bot saw
    exactly the failures it was meant to survive.
    """

    def __init__(self, seed: int = 0) -> None:
        self.random = random.Random(seed)
        self.rules: list[FaultRule] = []
        self.injected: Counter[FaultKind] = Counter()
        self.injected_by_method: defaultdict[str, Counter[FaultKind]] = defaultdict(Counter)
        self.flood: FloodLimit | None = None

    def seed(self, seed: int) -> None:
        self.random.seed(seed)

    def fail_next(
        self,
        methods: str | Iterable[str] | None,
        kind: FaultKind | str,
        *,
        times: int = 1,
        retry_after: int = 1,
        delay: float = 30.0,
        when: Callable[[str, dict[str, Any]], bool] | None = None,
    ) -> FaultRule:
        """Fail the next ``times`` calls of ``methods`` (None: any method) with ``kind``."""
        rule = FaultRule(
            kind=FaultKind(kind),
            methods=_method_set(methods),
            remaining=times,
            retry_after=retry_after,
            delay=delay,
            when=when,
        )
        self.rules.append(rule)
        return rule

    def fail_fraction(
        self,
        methods: str | Iterable[str] | None,
        kind: FaultKind | str,
        fraction: float,
        *,
        limit: int | None = None,
        retry_after: int = 1,
        delay: float = 30.0,
        when: Callable[[str, dict[str, Any]], bool] | None = None,
    ) -> FaultRule:
        """Fail each matching call with probability ``fraction`` (seeded), at most ``limit`` times."""
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"fraction must be within [0, 1], got {fraction}")
        rule = FaultRule(
            kind=FaultKind(kind),
            methods=_method_set(methods),
            remaining=limit,
            fraction=fraction,
            retry_after=retry_after,
            delay=delay,
            when=when,
        )
        self.rules.append(rule)
        return rule

    def enable_flood_limit(self, per_chat_per_second: float = 1.0, overall_per_second: int = 30) -> None:
        self.flood = FloodLimit(per_chat_per_second, overall_per_second)

    def disable_flood_limit(self) -> None:
        self.flood = None

    def clear(self) -> None:
        """Drop all rules and the flood limit; counters are kept for the test to read."""
        self.rules.clear()
        self.flood = None

    def pick(self, method: str, params: dict[str, Any]) -> FaultRule | None:
        """The rule to apply to this call, consuming one use of it, or None."""
        for rule in self.rules:
            if not rule.matches(method, params):
                continue
            # Draw only for fractional rules so count-based rules don't shift the seeded sequence.
            if rule.fraction < 1.0 and self.random.random() >= rule.fraction:
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
            return rule
        return None

    def flood_retry_after(self, method: str, params: dict[str, Any]) -> int | None:
        if self.flood is None or method.lower() not in SENDING_METHODS:
            return None
        return self.flood.retry_after(params.get("chat_id"), time.monotonic())

    def note_delivered(self, method: str, params: dict[str, Any]) -> None:
        if self.flood is not None and method.lower() in SENDING_METHODS:
            self.flood.record(params.get("chat_id"), time.monotonic())

    def count(self, method: str, kind: FaultKind) -> None:
        self.injected[kind] += 1
        self.injected_by_method[method][kind] += 1


def _method_set(methods: str | Iterable[str] | None) -> frozenset[str] | None:
    if methods is None:
        return None
    if isinstance(methods, str):
        methods = [methods]
    return frozenset(m.lower() for m in methods)
