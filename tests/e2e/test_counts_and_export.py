"""Counts that state what the corpus holds, past the bot's paging window, and a selection exported as CSV."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.search.searcher import RESULT_LIMIT
from bot.store import CorpusChange, Store
from tests.auxil import updates
from tests.auxil.corpus import article, statement
from tests.auxil.fake_bot_api import FakeBotApi
from tests.auxil.running_bot import RunningBot, bot_settings, running_bot_in_mode

pytestmark = pytest.mark.slow

USER_ID = 1001
MANY = RESULT_LIMIT + 200


@pytest.fixture
async def bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    settings = bot_settings(fake_api, tmp_path)
    async with await Store.open(settings.database_path) as store:
        parsed = []
        for n in range(MANY):
            source = article(f"n{n:05d}.txt", date(2020, 1, 1) + timedelta(days=n))
            said = f"Iran and the bloc agreed on plan number {n} for the region"
            parsed.append((source, [statement(source, "Ann Lee", said, countries=("Iran",))]))
        await store.apply(CorpusChange(parsed=parsed, removed=[]))
        async with running_bot_in_mode(fake_api, settings, store, "polling") as running:
            yield running


async def command(bot: RunningBot, text: str) -> dict:
    sent_after = time.monotonic()
    await bot.deliver(updates.private_message(text))
    call = await bot.server.wait_for(  # type: ignore[union-attr]
        "sendMessage", lambda c: int(c.params["chat_id"]) == USER_ID and c.time >= sent_after
    )
    return call.result  # type: ignore[no-any-return]


async def test_counts_are_the_corpus_not_the_paging_window(bot: RunningBot) -> None:
    iran = await command(bot, "/members iran")
    assert f"{MANY:,} statements mention Iran" in iran["text"]
    card = await command(bot, "/quote ann lee")
    assert f"1 of {MANY:,} · #" in card["text"]
    timeline = await command(bot, "/timeline ann lee")
    assert f"· the newest {RESULT_LIMIT:,} of {MANY:,} statements" in timeline["text"]


async def test_a_card_pages_round_every_statement_past_the_first_thousand(bot: RunningBot) -> None:
    server = bot.server
    assert server is not None
    card = await command(bot, "/quote ann lee")
    assert f"plan number {MANY - 1} " in card["text"]
    back = next(b for row in server.buttons(USER_ID, card["message_id"]) for b in row if b["text"] == "◀")
    await bot.deliver(updates.callback_query(back["callback_data"], message=card))
    edited = await server.wait_for("editMessageText", lambda c: f"{MANY} of {MANY:,}" in str(c.params["text"]))
    assert "plan number 0 " in str(edited.params["text"])


async def test_a_country_that_is_also_a_speaker_counts_as_the_country(fake_api: FakeBotApi, tmp_path: Path) -> None:
    # "China said ..." makes China a speaker too; /quote china is still every statement on China.
    settings = bot_settings(fake_api, tmp_path / "china")
    source = article("c.txt", date(2024, 5, 1))
    said = [
        statement(source, "China", "It will host the summit in Tianjin", countries=("China",), speaker_type="country"),
        statement(source, "Ann Lee", "China and India agreed to talk", countries=("China", "India")),
        statement(source, "Bo Chen", "Beijing wants calm on the border", countries=("China",)),
    ]
    async with await Store.open(settings.database_path) as store:
        await store.apply(CorpusChange(parsed=[(source, said)], removed=[]))
        async with running_bot_in_mode(fake_api, settings, store, "polling") as running:
            members = await command(running, "/members china")
            assert "3 statements mention China" in members["text"]
            card = await command(running, "/quote china")
            assert "China and India agreed" in card["text"] and "1 of 3, 1 with the words · #" in card["text"]


async def test_the_export_button_sends_the_whole_selection_as_csv(bot: RunningBot) -> None:
    server = bot.server
    assert server is not None
    card = await command(bot, "/quote ann lee")
    buttons = [b for row in server.buttons(USER_ID, card["message_id"]) for b in row]
    export = next(b for b in buttons if b["text"] == "Export")
    await bot.deliver(updates.callback_query(export["callback_data"], message=card))
    sent = await server.wait_for("sendDocument")
    upload = sent.files["document"]
    assert upload.filename == "scobot-ann-lee.csv"
    rows = list(csv.DictReader(io.StringIO(upload.body.decode("utf-8-sig"))))
    assert len(rows) == MANY and {row["speaker"] for row in rows} == {"Ann Lee"}
    assert rows[0]["countries"] == "Iran" and rows[0]["sources"] == rows[0]["doc"]
    assert f"{MANY:,} statements" in sent.params["caption"]
