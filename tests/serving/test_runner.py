"""`bot.serving.runner.serving`, the start-up path `scobot run` takes, against a fake Bot API in another process.

That is how the benchmark runs the bot (`bench/bot.py`): the server's work stays out of the bot's process,
as the real Bot API's does. Over real HTTP, with the real application and a real SQLite store.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.serving.runner import GC_YOUNG_THRESHOLD, serving
from bot.store import Store
from tests.auxil import updates
from tests.auxil.fake_bot_api_process import fake_bot_api_process

pytestmark = pytest.mark.slow


def settings_for(token: str, base_url: str, tmp_path: Path) -> Settings:
    values: dict[str, object] = {"bot_token": token, "bot_api_base_url": base_url, "database_path": tmp_path / "db"}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


async def test_the_bot_answers_a_bot_api_in_another_process(sample_store: Store, tmp_path: Path) -> None:
    users = range(8001, 8011)
    async with fake_bot_api_process() as server:
        settings = settings_for(server.token, server.base_url, tmp_path)
        async with serving(build_application(settings, sample_store), settings, poll_timeout=1):
            server.push_updates(
                [updates.private_message("/quote norov", from_user=updates.user(u, f"User{u}")) for u in users]
            )
            assert await server.wait_until_answered("sendMessage", len(users), timeout=30) == len(users)
        replies = await server.calls("sendMessage")
        commands = await server.calls("setMyCommands")
    assert sorted(int(c.chat_id) for c in replies) == list(users)
    assert all("Vladimir Norov" in (c.text or "") for c in replies)
    assert len(commands) == 2  # post_init ran, as in production


async def test_the_collector_runs_less_often_while_serving_and_as_before_after(
    sample_store: Store, tmp_path: Path
) -> None:
    before = gc.get_threshold()
    async with fake_bot_api_process() as server:
        settings = settings_for(server.token, server.base_url, tmp_path)
        async with serving(build_application(settings, sample_store), settings, poll_timeout=1):
            assert gc.get_threshold()[0] >= GC_YOUNG_THRESHOLD
            assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before
