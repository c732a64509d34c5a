"""Every command end to end on the seed corpus, in polling and in webhook mode, over real HTTP."""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.corpus.nlp import DEFAULT_MODEL
from bot.loading import load_corpus
from bot.store import Store
from tests.auxil import updates
from tests.auxil.fake_bot_api import Call, FakeBotApi
from tests.auxil.running_bot import RunningBot, bot_settings, running_bot_in_mode
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.slow

GROUP_ID, CHANNEL_ID, USER_ID = -4001, -1001000000002, 1001


@pytest.fixture(scope="module")
def seed_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's seeds/, loaded once with the real model into a database file each test copies."""
    path = tmp_path_factory.mktemp("seed-db") / "scobot.db"

    async def build() -> None:
        async with await Store.open(path) as store:
            await load_corpus(store, SEEDS_DIR, DEFAULT_MODEL)

    asyncio.run(build())
    return path


@pytest.fixture(params=["polling", "webhook"])
async def bot(
    request: pytest.FixtureRequest, fake_api: FakeBotApi, seed_database: Path, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    shutil.copy(seed_database, tmp_path / "scobot.db")
    settings = bot_settings(fake_api, tmp_path)
    async with (
        await Store.open(settings.database_path) as store,
        running_bot_in_mode(fake_api, settings, store, request.param) as running,
    ):
        yield running


async def answer(bot: RunningBot, update: dict, chat_id: int = USER_ID) -> str:
    sent_after = time.monotonic()
    await bot.deliver(update)
    call = await bot.server.wait_for(  # type: ignore[union-attr]
        "sendMessage", lambda c: int(c.params["chat_id"]) == chat_id and c.time >= sent_after
    )
    return call.params["text"]


async def command(bot: RunningBot, text: str) -> str:
    return await answer(bot, updates.private_message(text))


async def test_quote_by_surname_and_by_topic(bot: RunningBot) -> None:
    assert "<b>Vladimir Norov</b>" in await command(bot, "/quote norov")
    reply = await command(bot, "/quote non-interference")
    assert "interfer" in reply.lower()


async def test_members_lists_the_ten_member_states_and_iran_shows_2023(bot: RunningBot) -> None:
    roster = await command(bot, "/members")
    assert "<b>Member states</b> (10)" in roster
    iran = await command(bot, "/members iran")
    assert "member state from 4 Jul 2023" in iran


async def test_timeline_of_iran_is_in_date_order(bot: RunningBot) -> None:
    reply = await command(bot, "/timeline iran")
    dates = re.findall(r"<code>(\d{4}-\d\d-\d\d)</code>", reply)
    assert len(dates) >= 3 and dates == sorted(dates)


async def test_speakers_topics_source_start_help(bot: RunningBot) -> None:
    assert "Zhang Haizhou" in await command(bot, "/speakers")
    assert "Sovereignty" in await command(bot, "/topics")
    assert "000_65d375817e55222f.txt" in await command(bot, "/source 1")
    assert "Who said what" in await command(bot, "/start")
    assert "<code>/quote norrov</code>" in await command(bot, "/help")
    assert "Vladimir Norov" in await command(bot, "/start s_1")


async def test_paging_and_source_buttons(bot: RunningBot) -> None:
    server = bot.server
    assert server is not None
    await command(bot, "/quote norov")
    card = server.calls_to("sendMessage")[-1].result
    buttons = [b for row in server.buttons(USER_ID, card["message_id"]) for b in row]
    forward = next(b for b in buttons if b["text"] == "▶")
    await bot.deliver(updates.callback_query(forward["callback_data"], message=card))
    edited = await server.wait_for("editMessageText")
    assert re.search(r"2 of \d+ · #", edited.params["text"])
    source = next(b for b in buttons if b["text"] == "Source")
    text = await answer(bot, updates.callback_query(source["callback_data"], message=card))
    assert "paragraph" in text


async def test_inline_xi_answers(bot: RunningBot) -> None:
    await bot.deliver(updates.inline_query("xi"))
    call: Call = await bot.server.wait_for("answerInlineQuery")  # type: ignore[union-attr]
    assert call.params["results"] and all(r["title"] == "Xi Jinping" for r in call.params["results"])


async def test_a_group_and_a_channel(bot: RunningBot) -> None:
    username = bot.application.bot.username
    assert "Norov" in await answer(bot, updates.group_message(f"/quote@{username} norov"), GROUP_ID)
    assert "Member states" in await answer(bot, updates.channel_post("/members"), CHANNEL_ID)


async def test_no_match_and_hostile_queries_get_a_clear_answer(bot: RunningBot) -> None:
    assert "Nothing in the corpus matches" in await command(bot, "/quote qwxzvkj")
    for hostile in ("<b>x</b> & <i>", "🙂" * 300, "\u202eevil\u200b", "x" * 3000):
        reply = await command(bot, f"/quote {hostile}")
        assert 0 < len(reply) <= 4096
