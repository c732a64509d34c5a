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
from telegram.ext import ContextTypes

from bot.corpus.models import SkippedFile
from bot.corpus.reader import ARTICLE_SUFFIX, MAX_ARTICLE_BYTES, parse_article
from bot.loading import LoadProgress, LoadReport, ReloadBusyError, reload_corpus, save_upload
from bot.logs import redact
from handlers import render
from handlers.common import reply, services

logger = logging.getLogger(__name__)

REFUSED = "Sorry, only the bot's admins can do that."
BUSY = "A reload is already running; this one was not started."
# Telegram allows about one edit a second per chat; progress never needs more.
PROGRESS_INTERVAL_SECONDS = 1.0
REPORT_NAMES_SHOWN = 10


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """The *user* must be an admin: a channel post or an anonymous group admin has no user to check."""
    user = update.effective_user
    message = update.effective_message
    if user is None or (message is not None and message.sender_chat is not None):
        return False
    return user.id in services(context).settings.admin_ids


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not is_admin(update, context):
        await reply(update, REFUSED)
        return
    await _reload_with_progress(update, context)


async def _reload_with_progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    if svc.reload_lock.locked():
        await reply(update, BUSY)
        return
    status = await reply(update, "🔄 Reload: scanning…")
    progress = _ProgressMessage(status)
    try:
        report = await reload_corpus(svc, progress=progress.update)
    except ReloadBusyError:
        await progress.finish(BUSY)
        return
    except Exception as exc:
        logger.exception("reload failed")
        # The reason goes into a chat, so it gets the same redaction as a log line.
        reason = render.clip(redact(str(exc), [svc.settings.token or ""]), 300)
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
    before, after = report.before, report.after
    lines = [
        f"✅ <b>Reload done</b> in {report.seconds:.1f} s",
        f"added {len(report.added)} · changed {len(report.changed)} · removed {len(report.removed)} · "
        f"unchanged {len(report.unchanged)} · skipped {len(report.skipped)}",
        f"statements {before.statements if before else 0} → {after.statements if after else 0}",
        f"speakers {before.speakers if before else 0} → {after.speakers if after else 0}",
    ]
    for label, names in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        if names:
            shown = ", ".join(escape(n) for n in names[:REPORT_NAMES_SHOWN])
            more = f" and {len(names) - REPORT_NAMES_SHOWN} more" if len(names) > REPORT_NAMES_SHOWN else ""
            lines.append(f"{label}: {shown}{more}")
    lines += [f"⚠️ skipped {escape(s.name)}: {escape(s.reason)}" for s in report.skipped]
    lines += [f"⚠️ {escape(warning)}" for warning in report.warnings]
    lines += [f"⚠️ {escape(problem)}" for problem in report.problems]
    return render.fit_lines(lines[0], lines[1:])


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not is_admin(update, context):
        await reply(update, REFUSED)
        return
    svc = services(context)
    counts = await svc.store.counts()
    uptime = int(time.time() - svc.started_at)
    last = svc.last_reload or "none since start-up"
    text = (
        "📊 <b>Stats</b>\n"
        f"corpus: {counts.documents} articles · {counts.statements} statements · {counts.speakers} speakers\n"
        f"corpus version: {svc.searcher.index.version}\n"
        f"last reload: {escape(last)}\n"
        f"uptime: {uptime // 3600} h {uptime % 3600 // 60} min\n"
        f"updates handled: {svc.updates_handled}"
    )
    await reply(update, text)


async def upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin sends a .txt article as a document: validate it, save it into SEEDS_DIR, reload."""
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        return
    if not is_admin(update, context):
        await reply(update, REFUSED)
        return
    name = document.file_name or "upload.txt"
    if not name.lower().endswith(ARTICLE_SUFFIX):
        await reply(update, f"Please send articles as <code>{ARTICLE_SUFFIX}</code> files.")
        return
    if document.file_size is not None and document.file_size > MAX_ARTICLE_BYTES:
        await reply(update, f"That file is too large: the limit is {MAX_ARTICLE_BYTES:,} bytes.")
        return
    telegram_file = await document.get_file()
    raw = bytes(await telegram_file.download_as_bytearray())
    checked = parse_article(name, raw[: MAX_ARTICLE_BYTES + 1])
    if isinstance(checked, SkippedFile) or len(raw) > MAX_ARTICLE_BYTES:
        reason = checked.reason if isinstance(checked, SkippedFile) else "too large"
        await reply(update, f"That file is not a usable article: {escape(reason)}.")
        return
    saved = await asyncio.to_thread(save_upload, services(context).settings.seeds_dir, name, raw)
    await reply(update, f"📥 Saved as <code>{escape(saved.name)}</code>.")
    await _reload_with_progress(update, context)
