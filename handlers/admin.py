"""Operators' commands: /reload with live progress and /stats, and the one policy on who may run them.

The policy (`operator_refusal`, applied by `operators_only` to every operator handler in bot/app.py):
an operator action runs only for a user in ADMIN_IDS, from that user's own new message in a private chat
with the bot, never from a forwarded or edited message, a group, a channel post or an anonymous admin;
and a button press only from that admin, in that private chat.
"""

from __future__ import annotations

import logging
import time
from html import escape

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.loading import LoadProgress, LoadReport, ReloadBusyError, report_lines
from bot.logs import redact
from handlers import render
from handlers.common import reply
from handlers.context import BotContext, Callback

logger = logging.getLogger(__name__)

REFUSED = "Sorry, only the bot's admins can do that."
ONLY_IN_PRIVATE = (
    "Admin commands work only in your private chat with me, from a message you write yourself: "
    "not forwarded, edited, or sent in a group or channel."
)
BUSY = "A reload is already running; this one was not started."
# Telegram allows about one edit a second per chat; progress never needs more.
PROGRESS_INTERVAL_SECONDS = 1.0


def operator_refusal(update: Update, admin_ids: frozenset[int]) -> str | None:
    """Why this update may not run an operator action, or None when it may."""
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        allowed = query.from_user.id in admin_ids and chat is not None and chat.id == query.from_user.id
        return None if allowed else REFUSED
    user = update.effective_user
    if user is None or user.is_bot or user.id not in admin_ids:
        return REFUSED
    message = update.message  # a new message: not an edit, and not a channel post (whatever its `from` says)
    own_new_private = (
        message is not None
        and message.sender_chat is None
        and message.chat.type == ChatType.PRIVATE
        and message.forward_origin is None
        and not message.is_automatic_forward
        and message.via_bot is None
    )
    return None if own_new_private else ONLY_IN_PRIVATE


def is_admin(update: Update, context: BotContext) -> bool:
    """The policy's yes, for a handler that does something else for everyone else (a link: a search)."""
    return operator_refusal(update, context.services.settings.admin_ids) is None


def operators_only(callback: Callback) -> Callback:
    """`callback`, run only when `operator_refusal` allows; otherwise the refusal is said once."""

    async def guarded(update: Update, context: BotContext) -> None:
        refusal = operator_refusal(update, context.services.settings.admin_ids)
        if refusal is None:
            await callback(update, context)
        elif update.callback_query is not None:
            await update.callback_query.answer(refusal, show_alert=True)
        else:
            await reply(update, refusal)

    return guarded


async def reload(update: Update, context: BotContext) -> None:
    await reload_with_progress(update, context)


async def reload_with_progress(update: Update, context: BotContext) -> None:
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
