"""Operators' commands: /reload with live progress, /stats, and uploading an article as a document.

Only users in ADMIN_IDS may use them, also in groups; a channel post has no user and is always refused.
"""

from __future__ import annotations

import asyncio
import logging
import time
from html import escape

from telegram import Message, Update
from telegram.error import BadRequest

from bot.loading import LoadProgress, LoadReport, ReloadBusyError, report_lines
from bot.loading.uploads import UploadRejected, check_upload, check_upload_name, check_upload_size, save_upload
from bot.logs import redact
from handlers import render
from handlers.common import reply
from handlers.context import BotContext

logger = logging.getLogger(__name__)

REFUSED = "Sorry, only the bot's admins can do that."
BUSY = "A reload is already running; this one was not started."
# Telegram allows about one edit a second per chat; progress never needs more.
PROGRESS_INTERVAL_SECONDS = 1.0


def is_admin(update: Update, context: BotContext) -> bool:
    """The *user* must be an admin: a channel post or an anonymous group admin has no user to check."""
    user = update.effective_user
    message = update.effective_message
    if user is None or (message is not None and message.sender_chat is not None):
        return False
    return user.id in context.services.settings.admin_ids


async def reload(update: Update, context: BotContext) -> None:
    if not is_admin(update, context):
        await reply(update, REFUSED)
        return
    await _reload_with_progress(update, context)


async def _reload_with_progress(update: Update, context: BotContext) -> None:
    svc = context.services
    if svc.reloader.busy:
        await reply(update, BUSY)
        return
    status = await reply(update, "🔄 Reload: scanning…")
    progress = _ProgressMessage(status)
    try:
        report = await svc.reloader.reload(progress=progress.update)
    except ReloadBusyError:
        await progress.finish(BUSY)
        return
    except Exception as exc:
        logger.exception("reload failed")
        # The reason goes into a chat, so it gets the same redaction as a log line.
        reason = render.clip(redact(str(exc), svc.settings.secrets), 300)
        await progress.finish(
            f"❌ Reload failed: {escape(type(exc).__name__)}: {escape(reason)}\nThe previous corpus is still serving."
        )
        return
    await progress.finish(format_report(report))


class _ProgressMessage:
    """Edits one message as a reload moves on, no more often than Telegram allows."""

    def __init__(self, message: Message | None) -> None:
        self.message = message
        self._last = 0.0
        self._text = message.text_html if message else ""

    async def update(self, step: LoadProgress) -> None:
        now = time.monotonic()
        if self.message is None or (now - self._last < PROGRESS_INTERVAL_SECONDS and step.stage == "parsing"):
            return
        self._last = now
        text = {
            "scanning": "🔄 Reload: scanning…",
            "parsing": f"🔄 Reload: parsing {step.done}/{step.total}…",
            "swapping": "🔄 Reload: swapping in the new corpus…",
        }.get(step.stage, f"🔄 Reload: {escape(step.stage)}…")
        await self._edit(text)

    async def finish(self, text: str) -> None:
        await self._edit(text)

    async def _edit(self, text: str) -> None:
        if self.message is None or text == self._text:
            return
        self._text = text
        try:
            await self.message.edit_text(text)
        except BadRequest as exc:
            if "not modified" not in exc.message:
                raise


def format_report(report: LoadReport) -> str:
    return render.fit_lines("✅ <b>Reload done</b>", [escape(line) for line in report_lines(report)])


async def stats(update: Update, context: BotContext) -> None:
    if not is_admin(update, context):
        await reply(update, REFUSED)
        return
    svc = context.services
    counts = await svc.store.counts()
    uptime = int(time.time() - svc.started_at)
    last = svc.reloader.last or "none since start-up"
    text = (
        "📊 <b>Stats</b>\n"
        f"corpus: {counts.documents} articles · {counts.statements} statements · {counts.speakers} speakers\n"
        f"corpus version: {svc.searcher.version}\n"
        f"last reload: {escape(last)}\n"
        f"uptime: {uptime // 3600} h {uptime % 3600 // 60} min\n"
        f"updates handled: {svc.updates_handled}"
    )
    await reply(update, text)


async def upload(update: Update, context: BotContext) -> None:
    """An admin sends a .txt article as a document: validate it, save it into SEEDS_DIR, reload."""
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        return
    if not is_admin(update, context):
        await reply(update, REFUSED)
        return
    name = document.file_name or "upload.txt"
    try:
        check_upload_name(name)
        check_upload_size(document.file_size)
        telegram_file = await document.get_file()
        raw = bytes(await telegram_file.download_as_bytearray())
        check_upload(name, raw)
    except UploadRejected as rejected:
        await reply(update, escape(str(rejected)))
        return
    saved = await asyncio.to_thread(save_upload, context.services.settings.seeds_dir, name, raw)
    await reply(update, f"📥 Saved as <code>{escape(saved.name)}</code>.")
    await _reload_with_progress(update, context)
