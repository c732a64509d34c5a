"""Inline mode: `@bot norov` in any chat answers with statement cards, 50 a page."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import InlineQueryLimit, ParseMode
from telegram.helpers import create_deep_linked_url

from bot.search import target_key
from bot.store import StoredStatement
from handlers import render
from handlers.context import BotContext

PAGE_SIZE = InlineQueryLimit.RESULTS
MAX_PAGES = 10
CACHE_SECONDS = 30


async def inline_query(update: Update, context: BotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = context.services
    text = " ".join(query.query.split())
    # The offset is whatever the client sends back; only our own small page numbers are honoured.
    page = int(query.offset) if query.offset.isascii() and query.offset.isdigit() and len(query.offset) < 4 else 0
    ids: list[int] = []
    if not text:
        ids = await svc.store.ids_by_date(limit=PAGE_SIZE * MAX_PAGES)
    else:
        found = await svc.searcher.find(text)
        if found.ids:
            ids = list(found.ids)
        for match in found.resolution.matches if found.resolution.ambiguous else ():
            # "zhang" in inline mode: every Zhang's statements, since there are no buttons to choose with.
            ids += await svc.searcher.ids(target_key(match.target)) or [] if match.target.kind == "speaker" else []
    statements = await svc.store.statements(ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE])
    results = [_result(statement, context.bot.username) for statement in statements]
    if page >= MAX_PAGES:
        results = []
    # The next page is offered whenever this one is not empty. PTB's auto_pagination would do the same but
    # parses the client's offset with int(), which raises on anything else a client may send.
    await query.answer(results, next_offset=str(page + 1) if results else "", cache_time=CACHE_SECONDS)


def _result(statement: StoredStatement, bot_username: str) -> InlineQueryResultArticle:
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Open in bot", url=create_deep_linked_url(bot_username, f"s_{statement.id}"))]]
    )
    return InlineQueryResultArticle(
        id=str(statement.id),
        title=render.clip(statement.speaker or "Unattributed", 60),
        description=render.clip(statement.text, 120),
        input_message_content=InputTextMessageContent(render.statement_card(statement), parse_mode=ParseMode.HTML),
        reply_markup=keyboard,
    )
