"""The per-user limit on expensive queries, wrapped around those handlers by the composition root.

The limiter itself (`handlers.limits`) knows nothing of Telegram; this module decides who is asking and
how a refusal is said: once, politely, and then silence until the requester may ask again.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from telegram import InlineQueryResultsButton, Update

from handlers.common import command_query, reply
from handlers.context import BotContext, Callback

Predicate = Callable[[Update], bool]

SLOW_DOWN = "🐢 Slow down a little, please: you can search again in {seconds} s."
SLOW_DOWN_INLINE = "🐢 Too many searches: try again in {seconds} s"


def requester(update: Update) -> int | None:
    """Whose budget a query spends: the user, or the chat when a chat speaks for itself."""
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        # Channel posts and anonymous admins: every group's anonymous admin is the same user, so the
        # chat is the one asking.
        return message.sender_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


def has_query(update: Update) -> bool:
    """/members alone is the cached roster; /members <country> is a search."""
    return bool(command_query(update))


def throttled(callback: Callback, when: Predicate | None = None) -> Callback:
    """`callback`, but only within the requester's query budget (when `when` says the update is a query)."""

    async def guarded(update: Update, context: BotContext) -> None:
        who = requester(update)
        if who is not None and (when is None or when(update)):
            decision = context.services.limiter.check(who)
            if not decision.allowed:
                await _refuse(update, math.ceil(decision.retry_after), decision.warn)
                return
        await callback(update, context)

    return guarded


async def _refuse(update: Update, seconds: int, warn: bool) -> None:
    if update.inline_query is not None:
        # An inline query must be answered or the client spins; the button is the polite word.
        button = InlineQueryResultsButton(SLOW_DOWN_INLINE.format(seconds=seconds), start_parameter="slow")
        await update.inline_query.answer([], cache_time=0, is_personal=True, button=button)
    elif warn:
        await reply(update, SLOW_DOWN.format(seconds=seconds))
