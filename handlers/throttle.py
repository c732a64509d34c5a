"""The per-user budgets, applied by the composition root: one for every update that costs a reply, and a
smaller one for searches, wrapped around those handlers.

The limiter itself (`handlers.limits`) knows nothing of Telegram; this module decides who is asking, what
costs a reply, and how a refusal is said: once, politely, and then silence until the requester may ask again.
Without the first budget, 600 /help or button presses from one user filled the shared sending queue and
delayed everyone else's answers by many seconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from telegram import InlineQueryResultsButton, Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from handlers.common import command_query, reply
from handlers.context import BotContext, Callback

Predicate = Callable[[Update], bool]

SLOW_DOWN = "🐢 Slow down a little, please: you can search again in {seconds} s."
SLOW_DOWN_INLINE = "🐢 Too many searches: try again in {seconds} s"
TOO_MANY = "🐢 That is a lot of messages at once: I will answer you again in {seconds} s."
TOO_MANY_SHORT = "🐢 Too many requests: try again in {seconds} s"


def requester(update: Update) -> int | None:
    """Whose budget a query spends: the user, or the chat when a chat speaks for itself."""
    if update.callback_query is not None:  # the presser, whoever sent the message under the button
        return update.callback_query.from_user.id
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


def costs_a_reply(update: Update, bot_username: str | None) -> bool:
    """Whether the bot would answer this update: everything in a private chat, buttons, inline queries,
    and commands addressed to this bot elsewhere (other group chatter is not ours to count)."""
    if update.callback_query is not None or update.inline_query is not None:
        return True
    message = update.effective_message
    if message is None:
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    return _addressed_command(message, bot_username)


def _addressed_command(message: Message, bot_username: str | None) -> bool:
    text = message.text or message.caption or ""
    if not text.startswith("/"):
        return False
    _, at, addressee = text.split(maxsplit=1)[0].partition("@")
    return not at or (bot_username is not None and addressee.lower() == bot_username.lower())


async def spend_reply_budget(update: object, context: BotContext) -> None:
    """Before any handler: an update that costs a reply spends its requester's budget, or goes no further."""
    if not isinstance(update, Update) or not costs_a_reply(update, context.bot.username):
        return
    who = requester(update)
    if who is None:
        return
    decision = context.services.reply_budget.check(who)
    if decision.allowed:
        return
    if decision.warn:  # then silence: answering each refused update would spend the budget it protects
        seconds = math.ceil(decision.retry_after)
        if update.callback_query is not None:
            await update.callback_query.answer(TOO_MANY_SHORT.format(seconds=seconds))
        elif update.inline_query is not None:
            button = InlineQueryResultsButton(TOO_MANY_SHORT.format(seconds=seconds), start_parameter="slow")
            await update.inline_query.answer([], cache_time=0, is_personal=True, button=button)
        else:
            await reply(update, TOO_MANY.format(seconds=seconds))
    raise ApplicationHandlerStop


async def _refuse(update: Update, seconds: int, warn: bool) -> None:
    if update.inline_query is not None:
        # An inline query must be answered or the client spins; the button is the polite word.
        button = InlineQueryResultsButton(SLOW_DOWN_INLINE.format(seconds=seconds), start_parameter="slow")
        await update.inline_query.answer([], cache_time=0, is_personal=True, button=button)
    elif warn:
        await reply(update, SLOW_DOWN.format(seconds=seconds))
