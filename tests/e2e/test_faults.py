"""Bot API faults over real HTTP: 429s, 500s, 502s, timeouts and dropped connections, on a share of calls.

The fake server decides a fault before a call takes effect, so "delivered exactly once" is checkable:
every reply owed arrives once the fault passes, and no update is lost or handled twice when getUpdates
fails. Each test reports what it injected and what was owed and delivered.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.store import Store
from handlers.errors import SORRY
from tests.auxil import updates
from tests.auxil.fake_bot_api import Call, FakeBotApi, FaultKind
from tests.auxil.report import ReportLine
from tests.auxil.running_bot import bot_settings, running_bot, services_of

pytestmark = pytest.mark.slow

# Faults that leave the request undone and are worth a retry; DELAY outlasts PTB's 5 s read timeout.
TRANSIENT = [FaultKind.SERVER_ERROR, FaultKind.BAD_GATEWAY, FaultKind.DROP, FaultKind.RETRY_AFTER]
DELIVERY_TIMEOUT = 60.0


@pytest.fixture
async def app(fake_api: FakeBotApi, sample_store: Store, tmp_path: Path) -> AsyncIterator[Application]:
    async with running_bot(
        bot_settings(fake_api, tmp_path, queries_per_minute=0, updates_per_minute=0), sample_store
    ) as application:
        yield application


class ScriptedFaults:
    """Per-chat scripts: the n-th attempt to `method` for a chat fails with that chat's n-th planned fault.

    Scripted rather than random so the test is deterministic however the bot's concurrent calls interleave,
    and no chat meets more consecutive faults than the bot's retry budget (asserted by the plan's shape).
    """

    def __init__(self, server: FakeBotApi, method: str, plan: dict[int, list[FaultKind]]) -> None:
        self.pending = {chat: deque(kinds) for chat, kinds in plan.items()}
        for kind in {kind for kinds in plan.values() for kind in kinds}:
            server.faults.fail_fraction(method, kind, 1.0, retry_after=1, delay=30.0, when=self._when(kind))

    def _when(self, kind: FaultKind) -> Callable[[str, dict[str, Any]], bool]:
        def when(method: str, params: dict[str, Any]) -> bool:
            queue = self.pending.get(int(params.get("chat_id") or 0))
            if queue and queue[0] is kind:
                queue.popleft()
                return True
            return False

        return when


def _to(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: int(call.params["chat_id"]) == chat_id


async def test_every_owed_reply_is_delivered_once_despite_send_faults(
    fake_api: FakeBotApi, app: Application, report_line: ReportLine
) -> None:
    chats = list(range(3001, 3031))
    # A third of the chats meet no fault, a third one, a third two in a row.
    plan = {chat: [TRANSIENT[(i + n) % len(TRANSIENT)] for n in range(i % 3)] for i, chat in enumerate(chats)}
    ScriptedFaults(fake_api, "sendMessage", plan)
    for chat in chats:
        fake_api.push_update(updates.private_message("/quote norov", from_user=updates.user(chat)))
    delivered = [await fake_api.wait_for("sendMessage", _to(chat), timeout=DELIVERY_TIMEOUT) for chat in chats]
    await asyncio.sleep(1.0)  # a late duplicate would arrive within the retry pauses

    ok = Counter(int(c.params["chat_id"]) for c in fake_api.calls_to("sendMessage"))
    attempts = fake_api.calls_to("sendMessage", include_failed=True)
    injected = Counter(c.fault for c in attempts if c.fault is not None)
    assert all("Vladimir Norov" in call.params["text"] for call in delivered)
    assert ok == Counter(chats), "every chat gets its reply exactly once"
    assert injected == Counter(kind for kinds in plan.values() for kind in kinds), "every planned fault was met"
    report_line(
        "faults: sendMessage",
        f"replies owed {len(chats)}, delivered {sum(ok.values())}, duplicates {sum(ok.values()) - len(ok)}, "
        f"attempts {len(attempts)}, faults injected {sum(injected.values())} "
        f"({', '.join(f'{k}: {n}' for k, n in sorted(injected.items()))})",
    )


async def test_a_reply_that_timed_out_unanswered_is_not_resent_and_the_user_hears_why(
    fake_api: FakeBotApi, app: Application
) -> None:
    # Held past the read timeout: with the real Telegram the reply may have been delivered, so a resend could
    # show it twice. The bot sends nothing more of it; the error handler's apology goes out instead.
    chat = 3101
    ScriptedFaults(fake_api, "sendMessage", {chat: [FaultKind.DELAY]})
    fake_api.push_update(updates.private_message("/quote norov", from_user=updates.user(chat)))
    apology = await fake_api.wait_for("sendMessage", _to(chat), timeout=DELIVERY_TIMEOUT)
    await asyncio.sleep(1.0)  # a resend would come within the first retry pause

    attempts = [c for c in fake_api.calls_to("sendMessage", include_failed=True) if _to(chat)(c)]
    assert [c.fault for c in attempts] == [FaultKind.DELAY, None]
    assert "Vladimir Norov" in attempts[0].params["text"]
    assert apology.params["text"] == SORRY


async def test_buttons_and_inline_answers_survive_random_faults(
    fake_api: FakeBotApi, app: Application, report_line: ReportLine
) -> None:
    # Random, seeded faults on a share of calls; the total stays within the bot's 4 retries of one call.
    methods = ["answerCallbackQuery", "editMessageText", "answerInlineQuery"]
    for kind, limit in ((FaultKind.SERVER_ERROR, 2), (FaultKind.BAD_GATEWAY, 1), (FaultKind.DROP, 1)):
        fake_api.faults.fail_fraction(methods, kind, 0.5, limit=limit)
    fake_api.push_update(updates.private_message("/quote norov"))
    card = await fake_api.wait_for("sendMessage", _to(1001))
    forward = fake_api.buttons(1001, card.result["message_id"])[0][2]["callback_data"]
    presses = 6
    for _ in range(presses):
        fake_api.push_update(updates.callback_query(forward, message=card.result))
    queries = 6
    for n in range(queries):
        fake_api.push_update(updates.inline_query("norov" if n % 2 else "", from_user=updates.user(4000 + n)))
    for _ in range(presses):
        await fake_api.wait_for("answerCallbackQuery", timeout=DELIVERY_TIMEOUT)
    for _ in range(queries):
        await fake_api.wait_for("answerInlineQuery", timeout=DELIVERY_TIMEOUT)
    await asyncio.sleep(1.0)

    answered = {c.params["callback_query_id"] for c in fake_api.calls_to("answerCallbackQuery")}
    inline = {c.params["inline_query_id"] for c in fake_api.calls_to("answerInlineQuery")}
    injected = fake_api.faults.injected
    assert len(answered) == len(fake_api.calls_to("answerCallbackQuery")) == presses
    assert len(inline) == len(fake_api.calls_to("answerInlineQuery")) == queries
    assert sum(injected.values()) >= 1, "the seeded draw injected nothing; the test would prove nothing"
    report_line(
        "faults: buttons and inline",
        f"answers owed {presses + queries}, delivered {len(answered) + len(inline)}, "
        f"edits {len(fake_api.calls_to('editMessageText'))}, faults injected {sum(injected.values())}",
    )


async def test_polling_resumes_after_get_updates_faults_without_losing_or_repeating(
    fake_api: FakeBotApi, app: Application, report_line: ReportLine
) -> None:
    # Each fault hits a poll while updates wait at the server (unfetched, or fetched but not yet confirmed
    # by the next offset), which is when a lost or repeated update could happen.
    def waiting(method: str, params: dict[str, Any]) -> bool:
        return bool(fake_api.state.updates)

    for kind in [*TRANSIENT, FaultKind.DELAY]:
        fake_api.faults.fail_next("getUpdates", kind, retry_after=1, delay=2.0, when=waiting)
    handled_before = services_of(app).updates_handled
    chats = list(range(5001, 5013))
    for chat in chats:
        fake_api.push_update(updates.private_message("/help", from_user=updates.user(chat)))
        await asyncio.sleep(0.4)
    for chat in chats:
        await fake_api.wait_for("sendMessage", _to(chat), timeout=DELIVERY_TIMEOUT)
    await asyncio.sleep(1.5)  # a repeated update would be answered again by now

    ok = Counter(int(c.params["chat_id"]) for c in fake_api.calls_to("sendMessage"))
    injected = fake_api.faults.injected_by_method["getUpdates"]
    assert ok == Counter(chats), "each update answered exactly once"
    assert services_of(app).updates_handled - handled_before == len(chats), "each update handled exactly once"
    assert sum(injected.values()) == len(TRANSIENT) + 1, injected
    polls = fake_api.calls_to("getUpdates", include_failed=True)
    report_line(
        "faults: getUpdates",
        f"updates pushed {len(chats)}, handled {services_of(app).updates_handled - handled_before}, "
        f"replies {sum(ok.values())}, polls {len(polls)}, faults injected {sum(injected.values())} "
        f"({', '.join(f'{k}: {n}' for k, n in sorted(injected.items()))})",
    )
