"""The whole bot over real HTTP against the fake Bot API: private chats, groups, channels, inline mode."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import pytest
from telegram.ext import Application

from bot.app import BOT_API_CONNECTIONS, build_application
from bot.config import Settings
from bot.logs import configure_logging
from bot.store import Store
from tests.auxil import updates
from tests.auxil.fake_bot_api import Call, FakeBotApi, FaultKind
from tests.auxil.running_bot import ADMIN_ID, bot_settings, running_bot, services_of

pytestmark = pytest.mark.slow


@pytest.fixture
async def app(fake_api: FakeBotApi, sample_store: Store, tmp_path: Path) -> AsyncIterator[Application]:
    async with running_bot(bot_settings(fake_api, tmp_path), sample_store) as application:
        yield application


def sent_to(chat_id: int):  # type: ignore[no-untyped-def]
    return lambda call: int(call.params["chat_id"]) == chat_id


async def reply_to(fake_api: FakeBotApi, update: dict, chat_id: int) -> Call:
    fake_api.push_update(update)
    return await fake_api.wait_for("sendMessage", sent_to(chat_id))


async def test_start_up_registers_menus_and_the_bots_description(fake_api: FakeBotApi, app: Application) -> None:
    scopes = {c.params["scope"]["type"]: c.params for c in fake_api.calls_to("setMyCommands")}
    assert set(scopes) == {"all_private_chats", "all_group_chats", "chat"}
    everyone = {c["command"] for c in scopes["all_private_chats"]["commands"]}
    assert {"quote", "members", "timeline", "help"} <= everyone
    assert "reload" not in everyone and "stats" not in everyone
    # Each admin's own chat gets the operators' menu: everything, plus /reload and /stats.
    operators = scopes["chat"]
    assert operators["scope"]["chat_id"] == ADMIN_ID
    assert {c["command"] for c in operators["commands"]} == everyone | {"reload", "stats", "add", "feeds"}
    (description,) = fake_api.calls_to("setMyDescription")
    (short,) = fake_api.calls_to("setMyShortDescription")
    assert "Shanghai Cooperation Organization" in description.params["description"]
    assert 0 < len(short.params["short_description"]) <= 120


async def test_private_quote_card_and_paging_buttons(fake_api: FakeBotApi, app: Application) -> None:
    card = await reply_to(fake_api, updates.private_message("/quote norov"), 1001)
    assert "<b>Vladimir Norov</b>, SCO Secretary General" in card.params["text"]
    assert card.params["parse_mode"] == "HTML"
    message = card.result
    buttons = fake_api.buttons(1001, message["message_id"])
    forward = buttons[0][2]["callback_data"]
    fake_api.push_update(updates.callback_query(forward, message=message))
    edited = await fake_api.wait_for("editMessageText")
    assert "2 of 2" in edited.params["text"]
    await fake_api.wait_for("answerCallbackQuery")


async def test_group_commands_addressed_to_us_reply_to_the_asker(fake_api: FakeBotApi, app: Application) -> None:
    fake_api.push_update(updates.group_message("/quote@someone_else_bot norov"))
    update = updates.group_message(f"/quote@{fake_api.bot_user.username} xi")
    answer = await reply_to(fake_api, update, -4001)
    assert "Xi Jinping" in answer.params["text"]
    assert answer.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert len(fake_api.calls_to("sendMessage")) == 1  # the other bot's command got nothing


async def test_channel_posts_are_answered_in_the_channel(fake_api: FakeBotApi, app: Application) -> None:
    answer = await reply_to(fake_api, updates.channel_post("/members"), -1001000000002)
    assert "Member states" in answer.params["text"]
    # Addressed to us, the same; addressed to another bot in the channel, nothing.
    fake_api.push_update(updates.channel_post("/quote@someone_else_bot norov"))
    ours = await reply_to(fake_api, updates.channel_post(f"/quote@{fake_api.bot_user.username} xi"), -1001000000002)
    assert "Xi Jinping" in ours.params["text"]
    assert len(fake_api.calls_to("sendMessage")) == 2


async def test_inline_mode_pages_statements(fake_api: FakeBotApi, app: Application) -> None:
    fake_api.push_update(updates.inline_query("norov"))
    answer = await fake_api.wait_for("answerInlineQuery")
    results = answer.params["results"]
    assert [r["title"] for r in results] == ["Vladimir Norov", "Vladimir Norov"]
    assert answer.params["next_offset"] == "1"
    fake_api.push_update(updates.inline_query("norov", offset="1"))
    assert (await fake_api.wait_for("answerInlineQuery")).params["results"] == []
    fake_api.push_update(updates.inline_query(""))
    newest = (await fake_api.wait_for("answerInlineQuery")).params["results"]
    assert len(newest) == 6


async def test_an_error_is_logged_and_the_user_told(
    fake_api: FakeBotApi, app: Application, sample_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await sample_store.close()  # every query now fails
    answer = await reply_to(fake_api, updates.private_message("/quote norov"), 1001)
    assert "something went wrong" in answer.params["text"]
    assert any("handling an update failed" in r.message for r in caplog.records)


async def test_a_burst_of_updates_is_answered_over_a_few_kept_alive_connections(
    fake_api: FakeBotApi, app: Application
) -> None:
    users = range(7001, 7061)
    for user in users:
        fake_api.push_update(updates.private_message("/quote norov", from_user=updates.user(user, f"User{user}")))
    assert await fake_api.wait_until_answered("sendMessage", len(users), timeout=30) == len(users)
    replies = fake_api.calls_to("sendMessage")
    assert sorted(int(c.params["chat_id"]) for c in replies) == list(users)
    connections = {c.peer for c in replies}
    assert 1 <= len(connections) <= BOT_API_CONNECTIONS
    # The long poll has a connection of its own, so no reply ever waits behind it.
    assert not connections & {c.peer for c in fake_api.calls_to("getUpdates")}


async def test_updates_are_counted(fake_api: FakeBotApi, app: Application) -> None:
    await reply_to(fake_api, updates.private_message("/help"), 1001)
    assert services_of(app).updates_handled >= 1


async def test_the_token_never_reaches_the_logs_even_at_debug(
    fake_api: FakeBotApi, sample_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = bot_settings(fake_api, tmp_path)
    configure_logging(logging.DEBUG, [fake_api.token])
    try:
        async with running_bot(settings, sample_store):
            await reply_to(fake_api, updates.private_message("/quote norov"), 1001)
            fake_api.faults.fail_next("sendMessage", FaultKind.SERVER_ERROR)
            fake_api.push_update(updates.private_message("/help"))
            await fake_api.wait_for("sendMessage", include_failed=True)
    finally:
        configure_logging(logging.WARNING)
    err = capsys.readouterr().err
    assert "getUpdates" in err or "sendMessage" in err  # DEBUG logging really was on
    assert fake_api.token not in err
    assert fake_api.token.split(":")[1] not in err


ERROR_CHAT = -1009999


async def test_an_unexpected_error_is_reported_to_the_error_chat_redacted(
    fake_api: FakeBotApi, sample_store: Store, tmp_path: Path
) -> None:
    settings = bot_settings(fake_api, tmp_path, error_chat_id=ERROR_CHAT)
    async with running_bot(settings, sample_store) as application:
        searcher = services_of(application).searcher

        async def failing_find(*args: object, **kwargs: object) -> None:
            raise RuntimeError(f"lookup failed at {settings.bot_api_base_url}{fake_api.token}/x")

        searcher.find = failing_find  # type: ignore[method-assign]
        await reply_to(fake_api, updates.private_message("/quote zhang"), 1001)  # the user is told
        report = await fake_api.wait_for("sendMessage", sent_to(ERROR_CHAT))
    text = report.params["text"]
    assert "RuntimeError" in text and "/quote zhang" in text  # the error, and the update that caused it
    assert fake_api.token not in text and "[REDACTED]" in text
    assert len(text) <= 4096


async def test_a_user_who_blocked_the_bot_is_one_log_line_not_a_traceback(
    fake_api: FakeBotApi, sample_store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = bot_settings(fake_api, tmp_path, error_chat_id=ERROR_CHAT)
    async with running_bot(settings, sample_store):
        fake_api.faults.fail_next("sendMessage", FaultKind.BLOCKED)
        fake_api.push_update(updates.private_message("/help"))
        await fake_api.wait_for("sendMessage", lambda call: call.fault is FaultKind.BLOCKED, include_failed=True)
        # The next update is handled after the failed one's error handler has run.
        await reply_to(fake_api, updates.private_message("/help", from_user=updates.user(1002, "Other")), 1002)
    blocked = [r for r in caplog.records if "refused the bot's message" in r.getMessage()]
    assert len(blocked) == 1 and blocked[0].exc_info is None
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)
    assert not [c for c in fake_api.calls_to("sendMessage") if int(c.params["chat_id"]) == ERROR_CHAT]


def test_the_file_url_of_a_self_hosted_bot_api_keeps_its_host(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, bot_token="1:x", bot_api_base_url="https://bot.example.com/bot")  # type: ignore[call-arg]
    assert build_application(settings, cast(Store, None)).bot.base_file_url == "https://bot.example.com/file/bot1:x"
    explicit = Settings(  # type: ignore[call-arg]
        _env_file=None, bot_token="1:x", bot_api_file_url="https://files.example.com/file/bot"
    )
    assert build_application(explicit, cast(Store, None)).bot.base_file_url == "https://files.example.com/file/bot1:x"
