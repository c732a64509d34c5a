"""An operator sends a .txt article as a document: checked, saved into SEEDS_DIR, then the corpus reloaded.

An upload never replaces a different file unasked. A name already taken by other bytes gets a question
with two buttons (Replace / Keep both, the second saving under a new name); bytes already in SEEDS_DIR
are said to be there, and nothing is written. The operator policy (handlers/admin.py) guards the upload
and its buttons alike, in bot/app.py.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.loading.uploads import (
    TOO_LARGE,
    Placement,
    UploadRejected,
    check_upload,
    check_upload_name,
    check_upload_size,
    download_capped,
    free_name,
    place_upload,
    save_upload,
)
from handlers.admin import reload_with_progress
from handlers.common import pressed, reply, show
from handlers.context import BotContext, PendingUpload

logger = logging.getLogger(__name__)

# Uploads waiting for Replace / Keep both; the oldest is forgotten first (each is at most 2 MB).
MAX_PENDING_UPLOADS = 8
TOKEN_BYTES = 6  # 8 URL-safe characters: "up|keep|<token>" stays far below 64 bytes
BUTTON_PATTERN = r"^up\|(replace|keep)\|[A-Za-z0-9_-]{8}$"
GONE = "That upload is no longer waiting (the bot restarted, or newer uploads came). Please send it again."


async def upload(update: Update, context: BotContext) -> None:
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        return
    seeds_dir = context.services.settings.seeds_dir
    name = document.file_name or "upload.txt"
    try:
        check_upload_name(name)
        check_upload_size(document.file_size)
        telegram_file = await document.get_file()
        content = await download_capped(telegram_file.file_path or "")
        check_upload(name, content)
    except UploadRejected as rejected:
        await reply(update, escape(str(rejected)))
        return
    except BadRequest as exc:
        if "too big" not in exc.message.lower():
            raise
        # Telegram's cloud Bot API serves files up to 20 MB: this one did not even start downloading.
        await reply(update, escape(TOO_LARGE))
        return
    place = await asyncio.to_thread(place_upload, seeds_dir, name, content)
    if place.placement is Placement.IDENTICAL:
        same = place.same_as.name if place.same_as else place.target.name
        await reply(update, f"✅ That article is already there, as <code>{escape(same)}</code>. Nothing changed.")
        return
    if place.placement is Placement.DIFFERENT:
        await _ask_replace_or_keep(update, context, name, content, place.target.name)
        return
    await _save_and_reload(update, context, name, content, "📥 Saved as <code>{name}</code>.")


async def _ask_replace_or_keep(update: Update, context: BotContext, name: str, content: bytes, taken: str) -> None:
    pending = context.services.pending_uploads
    token = secrets.token_urlsafe(TOKEN_BYTES)
    pending[token] = PendingUpload(name, content)
    while len(pending) > MAX_PENDING_UPLOADS:
        pending.pop(next(iter(pending)))
    other = await asyncio.to_thread(free_name, context.services.settings.seeds_dir, name)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Replace", callback_data=f"up|replace|{token}"),
                InlineKeyboardButton("Keep both", callback_data=f"up|keep|{token}"),
            ]
        ]
    )
    await reply(
        update,
        f"⚠️ <code>{escape(taken)}</code> already exists with different content. Replace it, or keep both "
        f"(the upload saved as <code>{escape(other)}</code>)?",
        keyboard,
    )


async def on_upload_button(update: Update, context: BotContext) -> None:
    _, (_, choice, token) = pressed(update)
    waiting = context.services.pending_uploads.pop(token, None)
    if waiting is None:
        await show(update, GONE)
        return
    seeds_dir = context.services.settings.seeds_dir
    if choice == "replace":
        await _save_and_reload(update, context, waiting.name, waiting.content, "📥 Replaced <code>{name}</code>.")
    else:
        other = await asyncio.to_thread(free_name, seeds_dir, waiting.name)
        said = "📥 Kept both: the upload is saved as <code>{name}</code>."
        await _save_and_reload(update, context, other, waiting.content, said)


async def _save_and_reload(update: Update, context: BotContext, name: str, content: bytes, said: str) -> None:
    try:
        saved = await asyncio.to_thread(save_upload, context.services.settings.seeds_dir, name, content)
    except OSError as exc:
        # A full disk, a read-only folder: the operator needs the reason, not "something went wrong".
        logger.warning("saving the upload %r failed: %s", name, exc)
        reason = exc.strerror or type(exc).__name__
        await show(update, f"❌ Could not save <code>{escape(name)}</code>: {escape(reason)}. Nothing was changed.")
        return
    await show(update, said.format(name=escape(saved.name)))
    await reload_with_progress(update, context)
