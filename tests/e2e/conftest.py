"""End-to-end fixtures: the whole bot, paced for a test run."""

from __future__ import annotations

import functools

import pytest

import bot.app
from bot.botapi.retry import PacedRateLimiter


@pytest.fixture(autouse=True)
def quick_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check what the bot sends, not Telegram's pace (tests/botapi/test_retry.py and
    tests/handlers/test_limits.py check that): a chat gets 20 replies a second instead of one, so a test
    does not wait out a second between two replies to the same user."""
    quick = functools.partial(PacedRateLimiter, private_chat_per_second=20.0, group_per_second=20.0)
    monkeypatch.setattr(bot.app, "PacedRateLimiter", quick)
