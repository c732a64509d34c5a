"""Small pieces every handler shares: the query text, ids, and replying or editing in place."""

from __future__ import annotations

import re

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.search import SelectionKey

MAX_QUERY_CHARS = 200
# Statement ids are SQLite integers; more digits than int64 holds can only be a hostile or mistyped id.
_ID = re.compile(r"[0-9]{1,18}")


def command_query(update: Update) -> str:
    """The words after the command ("/quote@bot xi" → "xi"); plain text (no command) is all query."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    if text.startswith("/"):
        # The command ends at the first whitespace, a newline included ("/quote\nxi").
        parts = text.split(maxsplit=1)
        text = parts[1] if len(parts) > 1 else ""
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def parse_id(text: str) -> int | None:
    """A statement id typed or carried by a button: ASCII digits only ("²".isdigit() is true), int64-sized."""
    return int(text) if _ID.fullmatch(text) else None


async def reply(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(text, reply_markup=keyboard)


async def show(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Answer a button press by editing its message; anything else gets a new reply."""
    query = update.callback_query
    if query is None:
        await reply(update, text, keyboard)
        return
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        # Pressing the button of the page already shown changes nothing, and Telegram says so.
        if "not modified" not in exc.message:
            raise


def pressed(update: Update) -> tuple[CallbackQuery, list[str]]:
    """The button press and its data's "|"-separated parts; the router only sends presses here."""
    query = update.callback_query
    if query is None:
        raise ValueError("not a button press")
    return query, (query.data or "").split("|")


def pressed_page(update: Update) -> tuple[SelectionKey, int]:
    """Data "view|<selection key>|<page>", whose shape the router's pattern already checked."""
    _, (_, key, page) = pressed(update)
    selection = SelectionKey.parse(key)
    if selection is None:
        raise ValueError(f"not a selection key: {key!r}")
    return selection, int(page)
