"""/timeline: statements and membership events in date order, a page at a time."""

from __future__ import annotations

from datetime import date
from html import escape

from telegram import Update

from bot.search import SelectionKey
from bot.store import MembershipEvent
from handlers import render
from handlers.common import command_query, pressed_page, show
from handlers.context import BotContext
from handlers.members import STATUS_LABELS
from handlers.quote import EMPTY_CORPUS, present, selection_or_expired

PAGE_SIZE = 8


async def timeline(update: Update, context: BotContext) -> None:
    query = command_query(update)
    if not query:
        await show_timeline_page(update, context, SelectionKey.everything(), 0)
        return
    found = await context.services.searcher.find(query, kinds=("speaker", "topic", "country", "year"), by_date=True)
    await present(update, context, found, "tl", show_timeline_page)


async def show_timeline_page(update: Update, context: BotContext, key: SelectionKey, page: int) -> None:
    svc = context.services
    ordered = await selection_or_expired(update, context, key, by_date=True)
    if ordered is None:
        return
    events = _events_for(svc.searcher.subject(key), await svc.store.membership())
    if not ordered and not events:
        await show(update, EMPTY_CORPUS if key.kind == "a" else "Nothing to show on this timeline.")
        return
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page %= pages
    first = page * PAGE_SIZE
    # The statement before the page too: its date is where this page's membership events begin.
    before_id = ordered[first - 1] if page > 0 else None
    read = await svc.store.statements(ordered[max(0, first - 1) : first + PAGE_SIZE])
    before = next((s for s in read if s.id == before_id), None)
    statements = [s for s in read if s.id != before_id]
    dated = [s.date for s in statements if s.date]
    # Each event sits on one page: after the previous page's last date, up to this page's last (the last
    # page takes everything after; undated statements, which come first, take none).
    start = before.date if before is not None and before.date else date.min
    end = date.max if page == pages - 1 else max(dated, default=date.min)
    entries = [(s.date or date.min, render.statement_line(s)) for s in statements]
    entries += [(e.since, _event_line(e)) for e in events if start < e.since <= end]
    entries.sort(key=lambda entry: entry[0])
    title = escape(svc.searcher.title(key))
    total = svc.searcher.total(key, len(ordered))
    counted = render.count_label(total, len(ordered))
    if total is None or total > len(ordered):
        counted = f"the newest {len(ordered):,} of {counted}"
    header = f"🗓 <b>Timeline: {title}</b> · {counted} statements"
    text = render.fit_lines(header, [line for _, line in entries])
    await show(update, text, render.page_keyboard("tl", key, page, pages))


async def on_timeline_button(update: Update, context: BotContext) -> None:
    """Callback data "tl|<selection key>|<page>"."""
    key, page = pressed_page(update)
    await show_timeline_page(update, context, key, page)


def _events_for(key: SelectionKey, events: list[MembershipEvent]) -> list[MembershipEvent]:
    kind, value = key.kind, key.value
    if kind == "a":
        return events
    if kind == "c":
        return [e for e in events if e.country == value]
    if kind == "y" and value.isdigit():
        return [e for e in events if e.since.year == int(value)]
    return []


def _event_line(event: MembershipEvent) -> str:
    status = STATUS_LABELS.get(event.status, event.status).rstrip("s").lower()
    return f"<code>{event.since.isoformat()}</code> 🏛 <b>{escape(event.country)}</b> becomes an SCO {escape(status)}"
