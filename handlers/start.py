"""/start (with deep links to one statement) and /help."""

from __future__ import annotations

from telegram import Update

from handlers import render
from handlers.common import command_query, parse_id, reply
from handlers.context import BotContext

DEEP_LINK_PREFIX = "s_"


def usage(bot_username: str) -> str:
    return (
        "<b>Commands</b>\n"
        "/quote <i>speaker, topic, country or words</i> · the best-matching statements, one card at a time. "
        "Without a query: a random statement.\n"
        "/members <i>[country]</i> · the SCO roster by status, or one country's history and statements.\n"
        "/timeline <i>[speaker, topic, country or year]</i> · statements and membership events in date order.\n"
        "/speakers · everyone quoted, with counts.\n"
        "/topics · the topics, with counts.\n"
        "/source <i>number</i> · a statement's paragraph in its article.\n\n"
        "<b>Searching</b>\nTypos, surnames alone and other scripts all work: "
        "<code>/quote norrov</code>, <code>/quote Норов</code>, <code>/quote 习近平</code>.\n\n"
        f"<b>Anywhere</b>\nType <code>@{bot_username} norov</code> in any chat to share a statement. "
        f"In groups, use <code>/quote@{bot_username} …</code>."
    )


async def start(update: Update, context: BotContext) -> None:
    payload = command_query(update)
    statement_id = parse_id(payload.removeprefix(DEEP_LINK_PREFIX)) if payload.startswith(DEEP_LINK_PREFIX) else None
    if statement_id is not None:
        statement = await context.services.store.statement(statement_id)
        if statement is None:
            await reply(update, "That statement is no longer in the corpus. Try /quote for another.")
            return
        await reply(update, render.statement_card(statement), render.card_keyboard(None, 0, 1, statement))
        return
    counts = await context.services.store.counts()
    greeting = (
        "👋 <b>Who said what about the Shanghai Cooperation Organisation?</b>\n"
        f"I know {counts.statements} statements by {counts.speakers} speakers from {counts.documents} articles.\n\n"
        "Try <code>/quote norov</code>, <code>/members</code> or <code>/timeline 2023</code>.\n\n"
    )
    await reply(update, greeting + usage(context.bot.username))


async def help_command(update: Update, context: BotContext) -> None:
    await reply(update, usage(context.bot.username))
