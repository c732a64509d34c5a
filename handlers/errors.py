"""The error handler: log the failure in full, and tell the user instead of going silent."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

logger = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    logger.error("handling an update failed", exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(SORRY, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(SORRY)
    except TelegramError:
        logger.warning("could not tell the user about the error either", exc_info=True)
