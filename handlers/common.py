"""Small pieces every handler shares: the services, the query text, and replying or editing in place."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.services import SERVICES_KEY, Services

MAX_QUERY_CHARS = 200


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES_KEY]


def command_query(update: Update) -> str:
    """The words after the command ("/quote@bot xi" → "xi"), for commands and channel posts alike."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    _, _, rest = text.partition(" ")
    if "\n" in text.split(" ", 1)[0]:
        rest = text.split("\n", 1)[1]
    return " ".join(rest.split())[:MAX_QUERY_CHARS]


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
