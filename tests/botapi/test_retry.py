"""Flood control and retries (`bot.botapi.retry.PacedRateLimiter`) through a real `ExtBot` over HTTP.

The fake Bot API enforces Telegram's flood limits (one message a second per chat, 30 overall) and
injects 429s, 500s, 502s, drops and held requests; each test reads what arrived, and when, at the server.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.app import build_application
from bot.botapi.request import AiohttpRequest
from bot.botapi.retry import Pace, PacedRateLimiter, delivers_a_message
from bot.config import Settings
from bot.serving.local import LocalChat
from bot.store import Store
from tests.auxil.fake_bot_api import FakeBotApi, FaultKind

CHAT = 1001


@asynccontextmanager
async def paced_bot(
    server: FakeBotApi, request: AiohttpRequest | None = None, **limits: float
) -> AsyncIterator[ExtBot[int]]:
    limiter = PacedRateLimiter(first_pause=0.05, **limits)  # type: ignore[arg-type]
    bot: ExtBot[int] = ExtBot(
        server.token,
        base_url=server.base_url,
        base_file_url=server.base_file_url,
        request=request or AiohttpRequest(read_timeout=2.0),
        rate_limiter=limiter,
    )
    async with bot:
        yield bot


def arrivals(server: FakeBotApi, chat: int) -> list[float]:
    return [c.time for c in server.calls_to("sendMessage") if int(c.params["chat_id"]) == chat]


# -- pacing ------------------------------------------------------------------------------------------


def test_pace_spaces_calls_after_a_burst_and_holds_when_asked() -> None:
    pace = Pace(per_second=2.0, burst=3)
    assert [pace.reserve(10.0) for _ in range(5)] == [0.0, 0.0, 0.0, 0.5, 1.0]
    assert pace.delay(12.5) == 0.0 and pace.idle(12.5)
    pace.hold(4.0, now=12.5)
    assert pace.delay(12.5) == pytest.approx(4.0)


async def test_replies_to_one_private_chat_go_a_second_apart_and_meet_no_429(fake_api: FakeBotApi) -> None:
    fake_api.faults.enable_flood_limit()
    async with paced_bot(fake_api) as bot:
        await asyncio.gather(*(bot.send_message(CHAT, f"reply {n}") for n in range(4)))
    times = arrivals(fake_api, CHAT)
    assert len(times) == 4
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))
    assert fake_api.faults.injected[FaultKind.FLOOD] == 0


async def test_a_flooding_chat_does_not_hold_up_other_chats(fake_api: FakeBotApi) -> None:
    fake_api.faults.enable_flood_limit(overall_per_second=5)
    others = list(range(2001, 2006))
    async with paced_bot(fake_api, overall_per_second=4.5) as bot:
        flood = [asyncio.create_task(bot.send_message(CHAT, f"flood {n}")) for n in range(8)]
        await asyncio.sleep(0.05)  # the flood is queued first
        await asyncio.gather(*(bot.send_message(chat, "hello") for chat in others))
        second_flood_reply = arrivals(fake_api, CHAT)[1:2]
        for task in flood:
            task.cancel()
        await asyncio.gather(*flood, return_exceptions=True)
    last_other = max(arrivals(fake_api, chat)[0] for chat in others)
    # With one queue for all, the flood's eight replies would go first and the others would wait behind them.
    assert second_flood_reply == [] or last_other < second_flood_reply[0]
    assert fake_api.faults.injected[FaultKind.FLOOD] == 0


async def test_answers_to_button_presses_are_not_paced(fake_api: FakeBotApi) -> None:
    async with paced_bot(fake_api) as bot:
        started = asyncio.get_running_loop().time()
        answers = await asyncio.gather(*(bot.answer_callback_query(str(n)) for n in range(5)), return_exceptions=True)
        assert asyncio.get_running_loop().time() - started < 1.0
    # The fake knows no such queries (a 400, never retried); what matters is that all five were asked at once.
    assert all(isinstance(answer, BadRequest) for answer in answers)
    assert len(fake_api.calls_to("answerCallbackQuery", include_failed=True)) == 5


# -- 429s ----------------------------------------------------------------------------------------------


async def test_a_429_is_waited_out_and_retried(fake_api: FakeBotApi) -> None:
    fake_api.faults.fail_next("sendMessage", FaultKind.RETRY_AFTER, times=2, retry_after=1)
    async with paced_bot(fake_api) as bot:
        await bot.send_message(CHAT, "after the flood")
    attempts = fake_api.calls_to("sendMessage", include_failed=True)
    assert [c.fault for c in attempts] == [FaultKind.RETRY_AFTER, FaultKind.RETRY_AFTER, None]
    assert all(later.time - earlier.time >= 1.0 for earlier, later in itertools.pairwise(attempts))
    assert [m["text"] for m in fake_api.sent_messages(CHAT)] == ["after the flood"]


async def test_a_429_that_persists_gives_up_after_three_retries(fake_api: FakeBotApi) -> None:
    fake_api.faults.fail_next("sendMessage", FaultKind.RETRY_AFTER, times=10, retry_after=1)
    async with paced_bot(fake_api) as bot:
        with pytest.raises(RetryAfter):
            await bot.send_message(CHAT, "never")
    assert len(fake_api.calls_to("sendMessage", include_failed=True)) == 4


# -- failures and timeouts -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [FaultKind.SERVER_ERROR, FaultKind.BAD_GATEWAY, FaultKind.DROP])
async def test_server_errors_and_drops_are_retried_and_delivered_once(fake_api: FakeBotApi, kind: FaultKind) -> None:
    fake_api.faults.fail_next("sendMessage", kind, times=2)
    async with paced_bot(fake_api) as bot:
        await bot.send_message(CHAT, "through")
    assert len(fake_api.calls_to("sendMessage", include_failed=True)) == 3
    assert [m["text"] for m in fake_api.sent_messages(CHAT)] == ["through"]


async def test_a_bad_request_is_not_retried(fake_api: FakeBotApi) -> None:
    async with paced_bot(fake_api) as bot:
        with pytest.raises(BadRequest):
            await bot.send_message(CHAT, "")
    assert len(fake_api.calls_to("sendMessage", include_failed=True)) == 1


async def test_a_send_that_timed_out_after_it_was_written_is_not_resent(fake_api: FakeBotApi) -> None:
    fake_api.faults.fail_next("sendMessage", FaultKind.DELAY, delay=1.0)
    async with paced_bot(fake_api, AiohttpRequest(read_timeout=0.3)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "maybe delivered")
        await asyncio.sleep(0.5)  # a resend would arrive within the first retry pause
    assert len(fake_api.calls_to("sendMessage", include_failed=True)) == 1


async def test_an_edit_that_timed_out_is_retried(fake_api: FakeBotApi) -> None:
    async with paced_bot(fake_api, AiohttpRequest(read_timeout=0.3)) as bot:
        message = await bot.send_message(CHAT, "before")
        fake_api.faults.fail_next("editMessageText", FaultKind.DELAY, delay=1.0)
        await bot.edit_message_text("after", chat_id=CHAT, message_id=message.message_id)
    assert [c.fault for c in fake_api.calls_to("editMessageText", include_failed=True)] == [FaultKind.DELAY, None]
    assert fake_api.sent_messages(CHAT)[0]["text"] == "after"


async def test_a_send_that_timed_out_waiting_for_a_connection_is_retried(fake_api: FakeBotApi) -> None:
    # One connection, held by a call the server keeps for a second: the send times out in the pool.
    fake_api.faults.fail_next("getMyDescription", FaultKind.DELAY, delay=1.0)
    request = AiohttpRequest(connections=1, pool_timeout=0.2, read_timeout=5.0)
    async with paced_bot(fake_api, request) as bot:
        holding = asyncio.create_task(bot.get_my_description())
        await fake_api.wait_for("getMyDescription", include_failed=True)
        await bot.send_message(CHAT, "sent once the pool frees")
        await asyncio.gather(holding, return_exceptions=True)
    assert [c.params["text"] for c in fake_api.calls_to("sendMessage", include_failed=True)] == [
        "sent once the pool frees"
    ], "the timed-out attempts never reached the server; the retry did, once"


def test_only_calls_that_deliver_a_message_count_as_sends() -> None:
    assert delivers_a_message("sendMessage") and delivers_a_message("copyMessage")
    assert delivers_a_message("forwardMessages") and delivers_a_message("sendDocument")
    assert not delivers_a_message("sendChatAction")
    assert not delivers_a_message("editMessageText") and not delivers_a_message("answerCallbackQuery")


async def test_the_bot_is_paced_and_the_local_chat_is_not(store: Store, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_path=tmp_path / "scobot.db")  # type: ignore[call-arg]
    assert isinstance(build_application(settings, store).bot.rate_limiter, PacedRateLimiter)
    # A terminal has no flood limit: pacing it would only make the person at the keyboard wait.
    local = LocalChat(settings, store)
    assert local.application.bot.rate_limiter is None
