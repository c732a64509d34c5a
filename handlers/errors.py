"""The error handler: log the failure, tell the user instead of going silent, and tell the operators.

As PTB's errorhandlerbot does, an unexpected error is sent to ERROR_CHAT_ID with the update that caused
it; here it is short (the last lines of the traceback) and redacted like a log line. A user who blocked
the bot (`Forbidden`) is an everyday event, not an error: one log line and nothing else.
"""

from __future__ import annotations

import html
import json
import logging
import traceback

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.logs import redact
from bot.store import is_corruption
from handlers.context import BotContext

logger = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
# The report is one message: the traceback's last lines and the update, each clipped to fit 4096 characters.
REPORT_TRACEBACK_CHARS = 2000
REPORT_UPDATE_CHARS = 1500


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if isinstance(error, Forbidden):
        logger.info("a chat refused the bot's message: %s", error.message)
        return
    if is_corruption(error):
        await _corrupt_database(update, context)
        return
    logger.error("handling an update failed", exc_info=error)
    if isinstance(update, Update):
        await _tell_user(update)
    await _tell_operators(update, context)


async def _corrupt_database(update: object, context: BotContext) -> None:
    """Every query fails alike until an operator acts: say it once, clearly, then only apologise to users."""
    services = context.services
    if isinstance(update, Update):
        await _tell_user(update)
    if services.corruption_reported:
        logger.debug("the database is still corrupt: %s", context.error)
        return
    services.corruption_reported = True
    text = (
        f"the database {services.store.path} is corrupt ({context.error}): restore it from a backup, or move it "
        "away and rebuild it with `make load`, then restart the bot"
    )
    logger.critical("%s", text)
    settings = services.settings
    chats = [settings.error_chat_id] if settings.error_chat_id is not None else sorted(settings.admin_ids)
    for chat in chats:
        try:
            await context.bot.send_message(chat, f"🛑 {html.escape(redact(text, settings.secrets))}")
        except TelegramError:
            logger.warning("could not tell chat %s that the database is corrupt", chat, exc_info=True)


async def _tell_user(update: Update) -> None:
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(SORRY, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(SORRY)
    except TelegramError:
        logger.warning("could not tell the user about the error either", exc_info=True)


async def _tell_operators(update: object, context: BotContext) -> None:
    settings = context.services.settings
    if settings.error_chat_id is None:
        return
    error = context.error
    lines = traceback.format_exception(error) if error is not None else ["(no exception)"]
    trace = "".join(lines)[-REPORT_TRACEBACK_CHARS:]
    described = update.to_dict() if isinstance(update, Update) else str(update)
    about = json.dumps(described, indent=1, ensure_ascii=False, default=str)[:REPORT_UPDATE_CHARS]
    secrets = settings.secrets
    text = (
        f"⚠️ <b>{html.escape(type(error).__name__)}</b> while handling an update\n"
        f"<pre>{html.escape(redact(about, secrets))}</pre>\n"
        f"<pre>{html.escape(redact(trace, secrets))}</pre>"
    )
    try:
        await context.bot.send_message(settings.error_chat_id, text)
    except TelegramError:
        logger.warning("could not send the error report to ERROR_CHAT_ID", exc_info=True)
