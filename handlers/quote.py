"""/quote: the best-matching statements, one card at a time, with paging, source and more-by buttons."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.search import Found, SelectionKey
from bot.search.export import csv_bytes
from handlers import render
from handlers.common import command_query, parse_id, pressed, pressed_page, reply, show
from handlers.context import BotContext

EMPTY_CORPUS = "The corpus is empty. An admin can load articles with /reload."
EXPIRED = "That search has expired. Send the command again, please."
STALE_BUTTON = "That button no longer works. Send the command again, please."


async def quote(update: Update, context: BotContext) -> None:
    query = command_query(update)
    if not query:
        await random_quote(update, context)
        return
    found = await context.services.searcher.find(query)
    await present(update, context, found, "q", show_card)


async def random_quote(update: Update, context: BotContext) -> None:
    statement = await context.services.store.random_statement()
    if statement is None:
        await show(update, EMPTY_CORPUS)
        return
    keyboard = render.card_keyboard(None, 0, 1, statement)
    keyboard = InlineKeyboardMarkup(
        [*keyboard.inline_keyboard, [InlineKeyboardButton("🎲 Another", callback_data=render.callback("rnd"))]]
    )
    await show(update, render.statement_card(statement), keyboard)


ShowFirst = Callable[[Update, BotContext, SelectionKey, int], Awaitable[None]]


async def present(update: Update, context: BotContext, found: Found, view: str, show_first: ShowFirst) -> None:
    """Show a search's first result with `show_first`, or ask what was meant with `view` buttons."""
    if found.key and found.ids:
        await show_first(update, context, found.key, 0)
        return
    resolution = found.resolution
    query = resolution.query
    if resolution.ambiguous:
        targets = [match.target for match in resolution.matches]
        await reply(update, render.ambiguous(query), render.choices_keyboard(view, targets))
    elif resolution.suggestions and resolution.suggestions[0].score > 0:
        targets = [match.target for match in resolution.suggestions]
        await reply(update, render.weak_match(query), render.choices_keyboard(view, targets))
    else:
        targets = [match.target for match in resolution.suggestions]
        keyboard = render.choices_keyboard(view, targets) if targets else None
        await reply(update, render.nothing_found(query, resolution), keyboard)


async def selection_or_expired(
    update: Update, context: BotContext, key: SelectionKey, by_date: bool = False
) -> list[int] | None:
    """The statement ids of a selection (see `Searcher.ids`); None, after telling the user, when the
    selection has expired."""
    ids = await context.services.searcher.ids(key, by_date)
    if ids is None:
        await show(update, EXPIRED)
    return ids


async def show_card(update: Update, context: BotContext, key: SelectionKey, position: int) -> None:
    svc = context.services
    ids = await selection_or_expired(update, context, key)
    if ids is None:
        return
    if not ids:
        await show(update, f"No statements for {escape(svc.searcher.title(key))} any more.")
        return
    # Paging goes round every statement the selection counts, past the first window it read.
    total = svc.searcher.total(key, len(ids))
    size = total or len(ids)
    position %= size
    if position >= len(ids):
        ids = await svc.searcher.ids(key, reach=position + 1) or ids
        position %= len(ids)
    statement = await svc.store.statement(ids[position])
    if statement is None:
        await show(update, EXPIRED)
        return
    label = render.count_label(total, len(ids))
    note = ""
    worded = svc.searcher.worded(key)
    if worded is not None and worded[0] < len(ids):
        # Words widened by their topic or country: say where the words end and the subject begins.
        label = f"{label}, {worded[0]:,} with the words"
        note = f"On {worded[1]}, without the words" if position >= worded[0] else ""
    text = render.statement_card(statement, position, size, label, note)
    await show(update, text, render.card_keyboard(key, position, size, statement))


# A CSV of this many statements is a few MB, well within what a bot may send.
EXPORT_LIMIT = 20_000


async def on_export_button(update: Update, context: BotContext) -> None:
    """Callback data "exp|<selection key>": the selection as a CSV document, every statement up to EXPORT_LIMIT."""
    query, (_, written) = pressed(update)
    key = SelectionKey.parse(written)
    svc = context.services
    ids = await svc.searcher.all_ids(key) if key is not None else []
    if key is None or not ids:
        await query.answer(EXPIRED)
        return
    await query.answer("Preparing the CSV…")
    title = svc.searcher.title(key)
    exported = ids[:EXPORT_LIMIT]
    caption = f"{len(exported):,} statements: {escape(render.clip(title, 200))}"
    if len(ids) > len(exported):
        caption = f"The first {len(exported):,} of {len(ids):,} statements: {escape(render.clip(title, 200))}"
    message = update.effective_message
    if message is None:
        return
    await message.reply_document(
        document=await csv_bytes(svc.store, exported), filename=export_filename(title), caption=caption
    )


def export_filename(title: str) -> str:
    slug = "-".join(re.findall(r"[^\W_]+", title.casefold()))[:60] or "selection"
    return f"scobot-{slug}.csv"


async def on_card_button(update: Update, context: BotContext) -> None:
    """Callback data "q|<selection key>|<position>"."""
    key, position = pressed_page(update)
    await show_card(update, context, key, position)


async def on_random_button(update: Update, context: BotContext) -> None:
    await random_quote(update, context)


async def on_source_button(update: Update, context: BotContext) -> None:
    """Callback data "src|<statement id>": the paragraph, as a new message so the card stays."""
    query, (_, number) = pressed(update)
    statement_id = int(number)
    source = await context.services.store.source(statement_id)
    await query.answer()
    text = render.source_view(source) if source else f"Statement #{statement_id} is no longer in the corpus."
    keyboard = render.source_keyboard(source.statement) if source else None
    if isinstance(query.message, Message):  # an accessible message: the card stays, the source follows it
        await query.message.reply_text(text, reply_markup=keyboard)
    else:
        await query.edit_message_text(text, reply_markup=keyboard)


async def source(update: Update, context: BotContext) -> None:
    """/source <id>"""
    argument = command_query(update).lstrip("#")
    statement_id = parse_id(argument)
    if statement_id is None:
        await reply(update, "Usage: <code>/source 42</code>, with the number shown under a statement.")
        return
    found = await context.services.store.source(statement_id)
    if found is None:
        await reply(update, f"There is no statement #{statement_id}.")
        return
    await reply(update, render.source_view(found), render.source_keyboard(found.statement))


async def on_noop_button(update: Update, context: BotContext) -> None:
    query, _ = pressed(update)
    await query.answer()


async def on_unknown_button(update: Update, context: BotContext) -> None:
    """Data no pattern accepts: a button from an old version of the bot, or forged by a client."""
    if update.callback_query is not None:  # a press with empty or missing data lands here too
        await update.callback_query.answer(STALE_BUTTON)
