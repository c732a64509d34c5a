"""The fake Bot API behaves like Telegram for a real PTB ``Bot`` and ``Application``.

Every test talks HTTP to the server through PTB's own request stack, so a passing test here
means the fixtures other tests rely on speak the wire format PTB actually produces.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from tests.auxil import updates
from tests.auxil.fake_bot_api import FakeBotApi, FaultKind, running_fake_bot_api
from tests.auxil.fake_bot_api_html import HtmlParseError, parse_html
from tests.auxil.fake_bot_api_http import decode_param

CHAT_ID = 1001  # updates.user()'s id, so its private chat


@pytest.fixture
async def bot(fake_api: FakeBotApi) -> AsyncIterator[Bot]:
    # Short timeouts keep the fault tests fast; get_updates adds its own long-poll timeout on top.
    request = HTTPXRequest(connect_timeout=1.0, read_timeout=1.0, write_timeout=1.0, pool_timeout=1.0)
    async with Bot(
        fake_api.token,
        base_url=fake_api.base_url,
        base_file_url=fake_api.base_file_url,
        request=request,
        get_updates_request=HTTPXRequest(read_timeout=1.0),
    ) as real_bot:
        yield real_bot


@contextmanager
def rejected(api: FakeBotApi, error: type[Exception], description: str) -> Iterator[None]:
    """Expect ``error`` from PTB and ``description`` verbatim in the server's answer.

    PTB strips "Bad Request: " and re-cases the rest, so the exact text is checked server-side.
    """
    with pytest.raises(error):
        yield
    assert description in (api.calls[-1].error or "")


def _keyboard(data: str = "yes") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data=data)]])


# -- identity and routing -----------------------------------------------------------------


async def test_get_me_returns_the_bot_user(bot: Bot, fake_api: FakeBotApi) -> None:
    me = await bot.get_me()
    assert me.id == fake_api.bot_user.id
    assert me.username == fake_api.bot_user.username
    assert me.is_bot
    assert me.supports_inline_queries
    assert bot.username == fake_api.bot_user.username


async def test_wrong_token_is_unauthorized(fake_api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("42:wrong", base_url=fake_api.base_url):
            pass
    assert fake_api.calls[-1].status == 401


async def test_unknown_method_is_not_found_and_names_are_case_insensitive(bot: Bot, fake_api: FakeBotApi) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    result = await bot.do_api_request("GETME")
    assert result["id"] == fake_api.bot_user.id
    assert fake_api.calls[-1].method == "getMe"


async def test_json_bodies_query_strings_and_raw_errors(fake_api: FakeBotApi) -> None:
    keyboard = {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
    async with httpx.AsyncClient(base_url=f"{fake_api.base_url}{fake_api.token}") as client:
        sent = (
            await client.post("/sendMessage", json={"chat_id": CHAT_ID, "text": "42", "reply_markup": keyboard})
        ).json()
        assert sent["ok"] and sent["result"]["text"] == "42" and sent["result"]["reply_markup"] == keyboard
        queried = await client.get("/sendMessage", params={"chat_id": str(CHAT_ID), "text": "q"})
        assert queried.json()["result"]["chat"]["id"] == CHAT_ID
        missing = await client.post("/noSuchMethod")
        assert (missing.status_code, missing.json()) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
        )
        broken = await client.post("/sendMessage", content=b"{", headers={"Content-Type": "application/json"})
        assert broken.status_code == 400
        unauthorized = await client.post(f"{fake_api.base_url}123:nope/getMe")
        assert (unauthorized.status_code, unauthorized.json()) == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )


def test_wire_values_decode_to_the_types_the_bot_meant() -> None:
    assert decode_param("chat_id", "-1001") == -1001
    assert decode_param("text", "42") == "42"
    assert decode_param("reply_markup", '{"inline_keyboard": []}') == {"inline_keyboard": []}
    assert decode_param("drop_pending_updates", "true") is True
    assert decode_param("text", "[not json") == "[not json"


# -- messages -----------------------------------------------------------------------------


async def test_send_message_with_html_and_keyboard_round_trips(bot: Bot, fake_api: FakeBotApi) -> None:
    sent = await bot.send_message(
        CHAT_ID,
        "<b>Hi</b> &amp; <a href='https://example.org'>bye</a>",
        parse_mode=ParseMode.HTML,
        reply_markup=_keyboard(),
    )
    assert sent.text == "Hi & bye"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 2), ("text_link", 5, 3)]
    assert sent.entities[1].url == "https://example.org"
    assert sent.reply_markup == _keyboard()
    assert sent.from_user is not None and sent.from_user.id == fake_api.bot_user.id
    assert abs(sent.date.timestamp() - time.time()) < 5

    call = await fake_api.wait_for("sendMessage")
    assert call.params["chat_id"] == CHAT_ID
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    assert fake_api.sent_messages(CHAT_ID)[0]["text"] == "Hi & bye"
    second = await bot.send_message(CHAT_ID, "again", reply_to_message_id=sent.message_id)
    assert second.message_id == sent.message_id + 1
    assert second.reply_to_message is not None and second.reply_to_message.message_id == sent.message_id


async def test_edit_message_text_changes_state(bot: Bot, fake_api: FakeBotApi) -> None:
    sent = await bot.send_message(CHAT_ID, "draft", reply_markup=_keyboard())
    edited = await bot.edit_message_text("final", CHAT_ID, sent.message_id, reply_markup=_keyboard("no"))
    assert not isinstance(edited, bool) and edited.text == "final"
    assert fake_api.message(CHAT_ID, sent.message_id)["text"] == "final"
    assert fake_api.buttons(CHAT_ID, sent.message_id)[0][0]["callback_data"] == "no"

    with rejected(fake_api, BadRequest, "message is not modified"):
        await bot.edit_message_text("final", CHAT_ID, sent.message_id, reply_markup=_keyboard("no"))
    # As on Telegram, an edit without reply_markup drops the keyboard.
    await bot.edit_message_text("final!", CHAT_ID, sent.message_id)
    assert fake_api.buttons(CHAT_ID, sent.message_id) == []
    with rejected(fake_api, BadRequest, "message to edit not found"):
        await bot.edit_message_reply_markup(CHAT_ID, 999, reply_markup=_keyboard())


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("x" * 4097, None, "message is too long"),
        ("<b>" + "x" * 4097 + "</b>", ParseMode.HTML, "message is too long"),
        ("<b>unclosed", ParseMode.HTML, 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", ParseMode.HTML, "Unmatched end tag"),
        ("<script>x</script>", ParseMode.HTML, 'Unsupported start tag "script" at byte offset 0'),
        ("1 < 2", ParseMode.HTML, "Unsupported start tag"),
        ("<span>x</span>", ParseMode.HTML, "tg-spoiler"),
        ("   ", None, "message text is empty"),
        ("<b></b>", ParseMode.HTML, "message text is empty"),
    ],
)
async def test_invalid_text_is_rejected_and_not_delivered(
    bot: Bot, fake_api: FakeBotApi, text: str, parse_mode: str | None, error: str
) -> None:
    with rejected(fake_api, BadRequest, error):
        await bot.send_message(CHAT_ID, text, parse_mode=parse_mode)
    assert fake_api.sent_messages() == []


async def test_html_length_is_measured_after_parsing(bot: Bot) -> None:
    sent = await bot.send_message(CHAT_ID, "<i>" + "&lt;" * 4096 + "</i>", parse_mode=ParseMode.HTML)
    assert sent.text == "<" * 4096


def test_html_parser_handles_nesting_languages_and_utf16_offsets() -> None:
    text, entities = parse_html('😀 <b>a<i>b</i></b> <pre><code class="language-py">x</code></pre>')
    assert text == "😀 ab x"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 2},
        {"type": "italic", "offset": 4, "length": 1},
        {"type": "pre", "offset": 6, "length": 1, "language": "py"},
    ]
    with pytest.raises(HtmlParseError, match="byte offset 5"):
        parse_html("😀 <x>")


async def test_callback_data_over_64_bytes_is_rejected(bot: Bot, fake_api: FakeBotApi) -> None:
    with rejected(fake_api, BadRequest, "BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT_ID, "pick", reply_markup=_keyboard("é" * 33))
    await bot.send_message(CHAT_ID, "pick", reply_markup=_keyboard("e" * 64))
    assert len(fake_api.sent_messages()) == 1


async def test_send_document_upload_is_downloadable(bot: Bot) -> None:
    sent = await bot.send_document(
        CHAT_ID, b"%PDF-1.4 upload", filename="up.pdf", caption="<b>doc</b>", parse_mode=ParseMode.HTML
    )
    assert sent.document is not None and sent.document.file_name == "up.pdf"
    assert sent.caption == "doc"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 upload"


# -- updates ------------------------------------------------------------------------------


async def test_get_updates_long_poll_offset_and_timeout(bot: Bot, fake_api: FakeBotApi) -> None:
    async def push_later() -> None:
        await asyncio.sleep(0.2)
        fake_api.push_update(updates.private_message("hello"))

    started = time.monotonic()
    pusher = asyncio.create_task(push_later())
    got = await bot.get_updates(timeout=3)
    await pusher
    assert time.monotonic() - started < 2
    assert [u.message.text for u in got if u.message] == ["hello"]

    # Unconfirmed updates are delivered again; confirming with offset drops them.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [got[0].update_id]
    started = time.monotonic()
    assert await bot.get_updates(offset=got[0].update_id + 1, timeout=0.3) == ()
    assert time.monotonic() - started >= 0.25
    assert fake_api.state.updates == []


async def test_second_long_poll_terminates_the_first(bot: Bot, fake_api: FakeBotApi) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=2))
    await asyncio.sleep(0.1)
    await bot.get_updates(timeout=0)
    with pytest.raises(Conflict):
        await first
    first_call = fake_api.calls_to("getUpdates", include_failed=True)[0]
    assert "terminated by other getUpdates" in (first_call.error or "")


async def test_closing_releases_a_pending_long_poll() -> None:
    async with running_fake_bot_api() as server, Bot(server.token, base_url=server.base_url) as client:
        poll = asyncio.create_task(client.get_updates(timeout=10))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await server.close()
        assert await poll == ()
        assert time.monotonic() - started < 1


async def test_builders_produce_updates_ptb_understands(bot: Bot, fake_api: FakeBotApi) -> None:
    username = fake_api.bot_user.username
    pushed = [
        updates.group_message(f"/quote@{username} Putin"),
        updates.anonymous_admin_message("/start"),
        updates.channel_post("news"),
        updates.document_message(fake_api.register_file("doc-1", b"data", "a.txt")),
    ]
    for update in pushed:
        fake_api.push_update(update)
    group, anon, post, doc = await bot.get_updates()
    assert group.message is not None
    assert group.message.parse_entity(group.message.entities[0]) == f"/quote@{username}"
    assert anon.message is not None and anon.message.from_user is not None
    assert anon.message.from_user.id == updates.GROUP_ANONYMOUS_BOT_ID
    assert anon.message.sender_chat is not None and anon.message.sender_chat.id == anon.message.chat.id
    assert post.channel_post is not None and post.channel_post.sender_chat is not None
    assert doc.message is not None and doc.message.document is not None
    file = await bot.get_file(doc.message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"data"
    with rejected(fake_api, BadRequest, "invalid file_id"):
        await bot.get_file("missing")


async def test_callback_and_inline_queries_are_answered_once(bot: Bot, fake_api: FakeBotApi) -> None:
    pressed = fake_api.push_update(updates.callback_query("vote:1"))
    query = Update.de_json(pressed, bot).callback_query
    assert query is not None and query.message is not None
    assert await bot.answer_callback_query(query.id, text="thanks")
    with rejected(fake_api, BadRequest, "query is too old"):
        await bot.answer_callback_query(query.id)
    # The pressed message is the bot's own, so it can be edited.
    await bot.edit_message_reply_markup(query.message.chat.id, query.message.message_id)

    inline = fake_api.push_update(updates.inline_query("putin"))["inline_query"]
    results = [InlineQueryResultArticle(str(i), "t", InputTextMessageContent("x")) for i in range(51)]
    with rejected(fake_api, BadRequest, "RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(inline["id"], results)
    assert await bot.answer_inline_query(inline["id"], results[:50])
    assert len(fake_api.state.inline_answers[inline["id"]]["results"]) == 50


async def test_commands_menu_webhook_and_chat_action(bot: Bot, fake_api: FakeBotApi) -> None:
    await bot.set_my_commands([BotCommand("quote", "Find a quote")])
    assert await bot.get_my_commands() == (BotCommand("quote", "Find a quote"),)
    with rejected(fake_api, BadRequest, "BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Quote", "bad")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert (await bot.get_chat_menu_button()).type == "commands"
    assert await bot.send_chat_action(CHAT_ID, "typing")

    await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


# -- faults -------------------------------------------------------------------------------


async def test_injected_429_raises_retry_after_and_is_not_delivered(bot: Bot, fake_api: FakeBotApi) -> None:
    fake_api.faults.fail_next("sendMessage", FaultKind.RETRY_AFTER, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT_ID, "hi")
    assert caught.value.retry_after.total_seconds() == 7  # type: ignore[union-attr]
    assert fake_api.sent_messages() == []
    await bot.send_message(CHAT_ID, "hi")
    assert len(fake_api.sent_messages()) == 1
    assert fake_api.faults.injected[FaultKind.RETRY_AFTER] == 1


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        (FaultKind.SERVER_ERROR, NetworkError),
        (FaultKind.BAD_GATEWAY, NetworkError),
        (FaultKind.DROP, NetworkError),
        (FaultKind.DELAY, TimedOut),
    ],
)
async def test_transport_faults_surface_as_network_errors(
    bot: Bot, fake_api: FakeBotApi, kind: FaultKind, error: type[Exception]
) -> None:
    fake_api.faults.fail_next(["sendMessage"], kind, delay=5.0)
    with pytest.raises(error):
        await bot.send_message(CHAT_ID, "hi", read_timeout=0.3)
    call = await fake_api.wait_for("sendMessage", include_failed=True)
    assert call.fault is kind and not call.ok
    assert fake_api.sent_messages() == []
    assert fake_api.faults.injected[kind] == 1
    assert (await bot.send_message(CHAT_ID, "after")).text == "after"


async def test_fractional_faults_are_reproducible(fake_api: FakeBotApi) -> None:
    def pattern() -> list[bool]:
        fake_api.faults.clear()
        fake_api.faults.seed(3)
        fake_api.faults.fail_fraction("sendMessage", FaultKind.SERVER_ERROR, 0.5)
        return [fake_api.faults.pick("sendMessage", {}) is not None for _ in range(20)]

    first = pattern()
    assert first == pattern()
    assert 0 < sum(first) < 20


async def test_flood_limit_rejects_a_second_message_within_a_second(bot: Bot, fake_api: FakeBotApi) -> None:
    fake_api.faults.enable_flood_limit()
    await bot.send_message(CHAT_ID, "one")
    with pytest.raises(RetryAfter):
        await bot.send_message(CHAT_ID, "two")
    await bot.send_message(CHAT_ID + 1, "other chat")
    assert fake_api.faults.injected[FaultKind.FLOOD] == 1
    assert [m["text"] for m in fake_api.sent_messages()] == ["one", "other chat"]


# -- a real Application -------------------------------------------------------------------


async def test_application_polling_answers_start(fake_api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"hello {update.effective_user.first_name}")  # type: ignore[union-attr]

    app = (
        Application.builder()
        .token(fake_api.token)
        .base_url(fake_api.base_url)
        .base_file_url(fake_api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, poll_interval=0)
        fake_api.push_update(updates.private_message("/start"))
        fake_api.push_update(updates.group_message("/start@someone_else_bot"))
        call = await fake_api.wait_for("sendMessage", timeout=5)
        await app.updater.stop()
        await app.stop()
    assert call.params["text"] == "hello Alice"
    assert call.params["chat_id"] == CHAT_ID
    # The command addressed to another bot must not have been answered.
    assert len(fake_api.calls_to("sendMessage")) == 1
