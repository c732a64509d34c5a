"""The per-user query limit: the token bucket on a fake clock, and over real HTTP one user flooding while
another is still answered.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram.ext import Application

from bot.store import Store
from handlers.limits import RateLimiter
from handlers.throttle import SLOW_DOWN, TOO_MANY
from tests.auxil import updates
from tests.auxil.fake_bot_api import FakeBotApi
from tests.auxil.report import ReportLine
from tests.auxil.running_bot import bot_settings, running_bot, services_of


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_steady_rate_then_a_single_warning() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=30, burst=3, clock=clock)
    assert [limiter.check(1).allowed for _ in range(3)] == [True, True, True]
    refused = [limiter.check(1) for _ in range(3)]
    assert [d.allowed for d in refused] == [False, False, False]
    assert [d.warn for d in refused] == [True, False, False]  # told once, not once per message
    assert refused[0].retry_after == pytest.approx(2.0)
    assert limiter.check(2).allowed  # someone else is not affected
    clock.now += 2.0
    assert limiter.check(1).allowed and not limiter.check(1).allowed
    clock.now += 3600
    assert [limiter.check(1).allowed for _ in range(4)] == [True, True, True, False]  # refills to the burst only


def test_zero_per_minute_is_no_limit() -> None:
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.check(1).allowed for _ in range(10_000))


@given(gaps=st.lists(st.floats(0, 30), max_size=200), per_minute=st.integers(1, 120), burst=st.integers(1, 20))
def test_never_more_than_the_burst_plus_the_rate_allows(gaps: list[float], per_minute: int, burst: int) -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=per_minute, burst=burst, clock=clock)
    allowed = 0
    for gap in gaps:
        clock.now += gap
        allowed += limiter.check(7).allowed
    assert allowed <= burst + sum(gaps) * per_minute / 60 + 1e-6


@pytest.fixture
async def app(fake_api: FakeBotApi, sample_store: Store, tmp_path: Path) -> AsyncIterator[Application]:
    async with running_bot(
        bot_settings(fake_api, tmp_path, queries_per_minute=30, updates_per_minute=0), sample_store
    ) as application:
        yield application


FLOODER_REPLIES = 20.0


@pytest.mark.slow
async def test_one_user_flooding_cannot_starve_another(
    fake_api: FakeBotApi, app: Application, report_line: ReportLine
) -> None:
    clock = FakeClock()  # frozen: no refills during the test, so the counts are exact
    services_of(app).limiter = RateLimiter(per_minute=30, burst=5, clock=clock)
    flooder, other = updates.user(7001), updates.user(7002)
    flood = 40
    kinds = ["/quote norov", "/timeline 2023", "/members china", "zhang"]
    for n in range(flood):
        fake_api.push_update(updates.private_message(kinds[n % len(kinds)], from_user=flooder))
    fake_api.push_update(updates.inline_query("norov", from_user=flooder))
    fake_api.push_update(updates.private_message("/quote xi", from_user=other))
    fake_api.push_update(updates.private_message("/members", from_user=flooder))  # the roster is not a search
    fake_api.push_update(updates.private_message("/help", from_user=flooder))  # nor is help

    answer = await fake_api.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == 7002)
    inline = await fake_api.wait_for("answerInlineQuery")
    # The flooder's own eight replies go out about a second apart (Telegram's limit for one private chat).
    await fake_api.wait_for("sendMessage", lambda c: "Member states" in c.params["text"], timeout=FLOODER_REPLIES)
    await fake_api.wait_for("sendMessage", lambda c: "<b>Commands</b>" in c.params["text"], timeout=FLOODER_REPLIES)
    for _ in range(5 + 1):  # the rest: the burst's answers and one polite warning, in whatever order
        await fake_api.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == 7001, timeout=FLOODER_REPLIES)
    await asyncio.sleep(1.5)  # one more reply, had the limit let it through, would be paced in by now

    texts = Counter(
        "slow" if c.params["text"].startswith("🐢") else "answer"
        for c in fake_api.calls_to("sendMessage")
        if int(c.params["chat_id"]) == 7001
    )
    assert "Xi Jinping" in answer.params["text"]
    assert texts == {"answer": 5 + 2, "slow": 1}  # the burst, the roster and help; one polite warning
    slow = next(c for c in fake_api.calls_to("sendMessage") if c.params["text"].startswith("🐢"))
    assert slow.params["text"] == SLOW_DOWN.format(seconds=2)
    assert inline.params["results"] == [] and "Too many searches" in inline.params["button"]["text"]
    report_line(
        "limits: flood",
        f"flooder sent {flood + 3} (+1 inline), answered {texts['answer']}, warned {texts['slow']}, "
        f"other user answered 1 of 1",
    )


@pytest.mark.slow
async def test_one_user_flooding_with_what_is_not_a_search_gets_one_warning_then_silence(
    fake_api: FakeBotApi, app: Application, report_line: ReportLine
) -> None:
    services = services_of(app)
    services.reply_budget = RateLimiter(per_minute=60, burst=5, clock=FakeClock())  # frozen: exact counts
    flooder, other = updates.user(7101), updates.user(7102)
    origin = {"type": "user", "date": 1_700_000_000, "sender_user": other}
    flood: list[dict] = [updates.private_message("/help", from_user=flooder) for _ in range(5)]
    for n in range(60):
        kind = n % 4
        if kind == 0:
            flood.append(updates.private_message("/speakers", from_user=flooder))
        elif kind == 1:
            flood.append(updates.private_message("/nosuchcommand", from_user=flooder))
        elif kind == 2:
            forwarded = updates.private_message("/help", from_user=flooder)
            flood.append({**forwarded, "message": {**forwarded["message"], "forward_origin": origin}})
        else:
            flood.append(updates.callback_query("sp|all|0", from_user=flooder))
    flood.append(updates.inline_query("", from_user=flooder))
    for update in flood:
        fake_api.push_update(update)
    fake_api.push_update(updates.private_message("/quote xi", from_user=other))

    answer = await fake_api.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == 7102)
    await fake_api.wait_for("getUpdates", lambda c: not fake_api.state.updates, timeout=10)
    for _ in range(5 + 1):  # the flooder's replies go out about a second apart (one private chat's limit)
        await fake_api.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == 7101, timeout=FLOODER_REPLIES)
    await asyncio.sleep(1.5)  # one more reply, had the budget let it through, would be paced in by now

    to_flooder = [c.params["text"] for c in fake_api.calls_to("sendMessage") if int(c.params["chat_id"]) == 7101]
    assert "Xi Jinping" in answer.params["text"]
    assert len(to_flooder) == 5 + 1 and all("<b>Commands</b>" in text for text in to_flooder[:5])
    assert to_flooder[5] == TOO_MANY.format(seconds=1)
    # Then silence: no button answers, edits or inline answers for the rest of the flood.
    assert not fake_api.calls_to("answerCallbackQuery")
    assert not fake_api.calls_to("editMessageText")
    assert not fake_api.calls_to("answerInlineQuery")
    assert services.updates_handled == len(flood) + 1  # every update was seen, and counted for /stats
    report_line("limits: replies", f"flooder sent {len(flood)}, answered 5, warned 1; other user answered 1 of 1")


@pytest.mark.slow
async def test_group_chatter_costs_nothing_and_commands_for_other_bots_cost_nothing(
    fake_api: FakeBotApi, app: Application
) -> None:
    services = services_of(app)
    services.reply_budget = RateLimiter(per_minute=60, burst=2, clock=FakeClock())
    talker = updates.user(7201)
    for text in ["hello all", "/quote@some_other_bot x", "nice weather", "/help@some_other_bot"] * 5:
        fake_api.push_update(updates.group_message(text, from_user=talker))
    fake_api.push_update(updates.group_message("/help", from_user=talker))
    answer = await fake_api.wait_for("sendMessage")
    assert "<b>Commands</b>" in answer.params["text"]  # the budget was still full
