"""Small pieces every handler shares: the services, the query text, and replying or editing in place."""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.services import SERVICES_KEY, Services

MAX_QUERY_CHARS = 200
# Statement ids are SQLite integers; more digits than int64 holds can only be a hostile or mistyped id.
_ID = re.compile(r"[0-9]{1,18}")


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES_KEY]


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
