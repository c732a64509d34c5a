"""Bugs an attack pass found, each through the fake Bot API over real HTTP: paging on a long topic name, a
button whose result changes nothing, presses with empty or missing data, and a database corrupted while
the bot runs.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.store import CorpusChange, Store
from handlers.errors import SORRY
from handlers.quote import STALE_BUTTON
from tests.auxil import updates
from tests.auxil.corpus import article, statement
from tests.auxil.fake_bot_api import Call, FakeBotApi
from tests.auxil.running_bot import ADMIN_ID, bot_settings, running_bot

pytestmark = pytest.mark.slow

USER_ID = 1001
USER = updates.user(USER_ID)
# Too long for callback data ("q|t:<name>|<page>" must fit 64 bytes): its key is a digest.
LONG_TOPIC = "Regional security, counter-terrorism and the fight against transnational organised crime"


async def sent_after(fake_api: FakeBotApi, update: dict[str, Any], chat_id: int = USER_ID) -> Call:
    count = len([c for c in fake_api.calls_to("sendMessage") if int(c.params["chat_id"]) == chat_id])
    fake_api.push_update(update)
    return await fake_api.wait_for(
        "sendMessage",
        lambda c: (
            int(c.params["chat_id"]) == chat_id
            and len([d for d in fake_api.calls_to("sendMessage") if int(d.params["chat_id"]) == chat_id]) > count
        ),
    )


def button(fake_api: FakeBotApi, card: Call, label: str) -> str:
    rows = fake_api.buttons(int(card.params["chat_id"]), card.result["message_id"])
    return str(next(b["callback_data"] for row in rows for b in row if b["text"] == label))


@pytest.fixture
async def long_topic_app(fake_api: FakeBotApi, store: Store, tmp_path: Path) -> AsyncIterator[Application]:
    source = article("security.txt", date(2024, 7, 4), *(f"Paragraph {n}." for n in range(10)))
    # More than a timeline page (8), so /timeline pages too.
    statements = [
        statement(source, f"Speaker {n}", f"border cooperation improved in year {n}", paragraph=n, topics=(LONG_TOPIC,))
        for n in range(10)
    ]
    await store.apply(CorpusChange(parsed=[(source, statements)], removed=[]))
    await store.replace_topics([(LONG_TOPIC, "Security", ["security"])])
    async with running_bot(bot_settings(fake_api, tmp_path), store) as application:
        yield application


@pytest.mark.parametrize("command", ["/quote", "/timeline"])
async def test_paging_buttons_work_on_a_topic_too_long_for_callback_data(
    fake_api: FakeBotApi, long_topic_app: Application, command: str
) -> None:
    card = await sent_after(fake_api, updates.private_message(f"{command} {LONG_TOPIC}", from_user=USER))
    assert ("1 of 10" if command == "/quote" else "Speaker 0") in card.params["text"]
    forward = button(fake_api, card, "▶")
    # A digest key, not the name: the topic's own (t#…), or that of the words naming it, which the topic
    # widens (x:…, see Searcher.find).
    assert re.search(r"\|(?:t#|x:)[0-9a-f]{12}\|", forward), forward
    fake_api.push_update(updates.callback_query(forward, message=card.result, from_user=USER))
    pressed = await fake_api.wait_for("answerCallbackQuery")
    assert pressed.params.get("text") != STALE_BUTTON
    edited = await fake_api.wait_for("editMessageText")
    assert ("2 of 10" if command == "/quote" else "Speaker 8") in edited.params["text"]


@pytest.fixture
async def app(fake_api: FakeBotApi, sample_store: Store, tmp_path: Path) -> AsyncIterator[Application]:
    settings = bot_settings(fake_api, tmp_path, error_chat_id=-5000)
    async with running_bot(settings, sample_store) as application:
        yield application


async def test_a_button_whose_result_is_the_same_message_is_answered_without_an_error(
    fake_api: FakeBotApi, app: Application, caplog: pytest.LogCaptureFixture
) -> None:
    listing = await sent_after(fake_api, updates.private_message("/speakers", from_user=USER))
    # "Refresh" the first page: the edit changes nothing, and the Bot API refuses it as "not modified".
    fake_api.push_update(updates.callback_query("sp|all|0", message=listing.result, from_user=USER))
    answered = await fake_api.wait_for("answerCallbackQuery")
    refused = await fake_api.wait_for("editMessageText", include_failed=True)
    assert refused.status == 400 and "message is not modified" in str(refused.error)
    assert answered.params.get("text") is None  # no alert, no "something went wrong"
    await fake_api.wait_for("getUpdates", lambda c: not fake_api.state.updates)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [c for c in fake_api.calls_to("sendMessage") if int(c.params["chat_id"]) == -5000]


def without_data(update: dict[str, Any], replacement: dict[str, Any]) -> dict[str, Any]:
    query = {k: v for k, v in update["callback_query"].items() if k != "data"}
    return {**update, "callback_query": {**query, **replacement}}


@pytest.mark.parametrize(
    "shape",
    [{"data": ""}, {}, {"game_short_name": "somegame"}],
    ids=["empty data", "no data", "a game button"],
)
async def test_a_press_with_empty_or_missing_data_is_answered_as_a_stale_button(
    fake_api: FakeBotApi, app: Application, caplog: pytest.LogCaptureFixture, shape: dict[str, Any]
) -> None:
    fake_api.push_update(without_data(updates.callback_query("x", from_user=USER), shape))
    answered = await fake_api.wait_for("answerCallbackQuery")
    assert answered.params["text"] == STALE_BUTTON
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def corrupt_while_open(path: Path) -> None:
    """Point the statements table at a page the file does not have, as a damaged disk would leave it."""
    with sqlite3.connect(path, isolation_level=None) as damage:
        version = damage.execute("PRAGMA schema_version").fetchone()[0]
        damage.execute("PRAGMA writable_schema = ON")
        damage.execute("UPDATE sqlite_schema SET rootpage = 99999 WHERE name = 'statements'")
        damage.execute(f"PRAGMA schema_version = {version + 1}")
    damage.close()


async def test_a_database_corrupted_while_running_is_logged_once_and_the_operators_told(
    fake_api: FakeBotApi, app: Application, sample_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    first = await sent_after(fake_api, updates.private_message("/quote norov", from_user=USER))
    assert "Vladimir Norov" in first.params["text"]
    corrupt_while_open(sample_store.path)
    for asker in (updates.user(2001), updates.user(2002), updates.user(2003)):
        sorry = await sent_after(fake_api, updates.private_message("/quote norov", from_user=asker), asker["id"])
        assert sorry.params["text"] == SORRY
    critical = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(critical) == 1, [r.getMessage() for r in critical]
    assert str(sample_store.path) in critical[0].getMessage() and "corrupt" in critical[0].getMessage()
    assert critical[0].exc_info is None  # one line, not a traceback per update
    told = [c for c in fake_api.calls_to("sendMessage") if int(c.params["chat_id"]) == -5000]
    assert len(told) == 1 and "is corrupt" in told[0].params["text"] and "make load" in told[0].params["text"]
    assert not [c for c in fake_api.calls_to("sendMessage") if int(c.params["chat_id"]) == ADMIN_ID]


async def test_without_an_error_chat_the_admins_are_told_of_a_corrupt_database(
    fake_api: FakeBotApi, sample_store: Store, tmp_path: Path
) -> None:
    async with running_bot(bot_settings(fake_api, tmp_path), sample_store):
        corrupt_while_open(sample_store.path)
        await sent_after(fake_api, updates.private_message("/quote norov", from_user=USER))
        told = await fake_api.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == ADMIN_ID)
    assert "is corrupt" in told.params["text"]
