"""Operators add articles from the web: /add URL, a link sent in a private chat (with an "Add to corpus"
button), /feeds, and the job that polls SEEDS_DIR/feeds.toml.

Only admins, and /add and links only in a private chat with the bot: fetching is on the operator's behalf.
Each page is saved into SEEDS_DIR as a seed file, then one incremental reload runs, and the reply names
each article with its date, statements and speakers, or the reason it was not added.
"""

from __future__ import annotations

import logging
import re
import secrets
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.error import BadRequest, TelegramError

from bot.loading.adding import AddOutcome, loaded_articles, outcome_lines
from bot.loading.feeds import RoundReport, status_lines
from bot.loading.sources import MAX_URLS_PER_ADD
from handlers import quote, render
from handlers.admin import is_admin
from handlers.common import pressed, reply
from handlers.context import BotContext

logger = logging.getLogger(__name__)

USAGE = "Usage: <code>/add https://example.org/news/article.html</code> (up to 10 links, separated by spaces)."
NO_WEB = "Adding from the web is not available in this bot."
OFFER_EXPIRED = "That offer has expired. Send the link again, please."
# Offers waiting for their button, per chat; older ones are dropped beyond this.
MAX_OFFERS = 20
OFFERS_KEY = "add_offers"
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


def urls_in(text: str) -> list[str]:
    return [url.rstrip(".,;:!?)»”'") for url in URL_IN_TEXT.findall(text)]


def urls_of(message: Message | None) -> list[str]:
    """The links in a message: those Telegram marked (a hidden link's target too), else any in its text."""
    if message is None:
        return []
    marked = message.parse_entities([MessageEntity.URL, MessageEntity.TEXT_LINK])
    found = [entity.url if entity.url else text for entity, text in marked.items()]
    urls = [url for url in found if url.lower().startswith(("http://", "https://"))]
    return list(dict.fromkeys(urls or urls_in(message.text or "")))


async def add_command(update: Update, context: BotContext) -> None:
    """/add URL...: fetch, save and load each page (the composition root lets only operators here)."""
    # The message itself, not the query: a query is cut at 200 characters, and links are often longer.
    urls = urls_of(update.effective_message)
    if not urls:
        await reply(update, USAGE)
        return
    if len(urls) > MAX_URLS_PER_ADD:
        await reply(update, f"That is {len(urls)} links; one /add takes up to {MAX_URLS_PER_ADD}.")
        return
    status = await reply(update, _fetching(len(urls)))
    await add_and_report(update, context, urls, status)


async def offer_url(update: Update, context: BotContext) -> None:
    """A link sent by an admin in a private chat: offer to add it. Anyone else's text is a search as ever."""
    urls = urls_of(update.effective_message)
    if not urls or not is_admin(update, context):
        await quote.quote(update, context)
        return
    urls = urls[:MAX_URLS_PER_ADD]
    offers: dict[str, list[str]] = context.chat_data.setdefault(OFFERS_KEY, {}) if context.chat_data is not None else {}
    while len(offers) >= MAX_OFFERS:
        offers.pop(next(iter(offers)))
    token = secrets.token_urlsafe(6)
    offers[token] = urls
    listed = "\n".join(f"• {escape(render.clip(url, 200))}" for url in urls)
    button = InlineKeyboardButton("Add to corpus", callback_data=render.callback("add", token))
    keyboard = InlineKeyboardMarkup([[button]])
    await reply(update, f"Add {'this page' if len(urls) == 1 else 'these pages'} to the corpus?\n{listed}", keyboard)


async def on_add_button(update: Update, context: BotContext) -> None:
    """Callback data "add|<token>": the offered links, fetched and loaded."""
    query, (_, token) = pressed(update)
    offers = context.chat_data.get(OFFERS_KEY, {}) if context.chat_data is not None else {}
    urls = offers.pop(token, None)
    if not urls:
        await query.answer(OFFER_EXPIRED, show_alert=True)
        return
    await query.answer()
    message = query.message if isinstance(query.message, Message) else None
    if message is not None:
        await _edit(message, _fetching(len(urls)))
    await add_and_report(update, context, urls, message)


async def add_and_report(update: Update, context: BotContext, urls: list[str], status: Message | None) -> None:
    """Add the pages, and tell the outcome in `status` (edited), or in a new message where there is none."""
    svc = context.services
    if svc.web is None:
        text = NO_WEB
    else:
        outcomes = await svc.web.add(urls, svc.store)
        text = await _load_and_describe(context, outcomes, header="")
    if status is not None:
        await _edit(status, text)
    elif update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


async def _load_and_describe(context: BotContext, outcomes: list[AddOutcome], header: str) -> str:
    """One reload for whatever was added, then the reply: each article, or why it was not added."""
    svc = context.services
    added = [outcome for outcome in outcomes if outcome.status == "added"]
    failure = ""
    if added:
        try:
            await svc.reloader.reload_in_turn()
        except Exception as exc:
            logger.exception("reload after adding from the web failed")
            failure = f"\n❌ The reload failed ({escape(type(exc).__name__)}); the files are saved for the next one."
    loaded = await loaded_articles(svc.store, added)
    if not header:
        header = "✅ <b>Added to the corpus</b>" if added else "Nothing was added."
    lines = [_line_html(line) for line in outcome_lines(outcomes, loaded)]
    return render.fit_lines(header, lines, failure.strip())


def _line_html(line: str) -> str:
    if line.startswith("added "):
        return "📰 " + escape(line.removeprefix("added "))
    if line.startswith("already there: "):
        return "↩️ " + escape(line)
    if line.startswith("failed: "):
        return "⚠️ " + escape(line)
    return escape(line)


async def feeds_command(update: Update, context: BotContext) -> None:
    """/feeds: each feed's last poll, items added and last error."""
    web = context.services.web
    if web is None:
        await reply(update, NO_WEB)
        return
    await reply(update, render.fit_lines("📡 <b>Feeds</b>", [escape(line) for line in status_lines(web.poller)]))


async def poll_feeds(context: BotContext) -> None:
    """The JobQueue's round: feeds that are due, one reload for all they added, and a report to the admins."""
    svc = context.services
    web = svc.web
    if web is None or web.poller.busy:
        return  # the previous round is still going: its feeds are not due twice
    report = await web.poller.round(svc.store)
    if not report.polled:
        return
    logger.info("feed round: %d polled, %d added, %d failed", len(report.polled), len(report.added), len(report.failed))
    if not report.worth_reporting:
        return
    text = await _load_and_describe(context, report.added, header=_round_header(report))
    text = render.fit_lines(text, [], "\n".join(_failure_lines(report)))
    for admin_id in sorted(svc.settings.admin_ids):
        try:
            await context.bot.send_message(admin_id, text)
        except TelegramError as exc:  # an admin who never opened a chat with the bot cannot be told
            logger.warning("no feed report for admin %s: %s", admin_id, exc)


def _round_header(report: RoundReport) -> str:
    parts = [f"{len(report.added)} added", f"{report.already} already there"]
    if report.failed:
        parts.append(f"{len(report.failed)} failed")
    return f"📡 <b>Feed round</b>: {', '.join(parts)}"


def _failure_lines(report: RoundReport) -> list[str]:
    lines = [f"⚠️ {escape(render.clip(name, 200))}: {escape(reason)}" for name, reason in report.failed]
    lines += [
        f"🔁 {escape(status.url)} has failed {status.failures} times in a row; it is tried less often now."
        for status in report.failing_feeds
    ]
    return lines


def _fetching(count: int) -> str:
    return f"🌐 Fetching {count} page{'s' if count != 1 else ''}…"


async def _edit(message: Message, text: str) -> None:
    try:
        await message.edit_text(text)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
