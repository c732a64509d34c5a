"""/members: the SCO roster by status, or one country's status history and what the corpus says of it."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.search import target_key
from bot.store import MembershipEvent
from handlers import render
from handlers.common import command_query, pressed, reply
from handlers.context import BotContext

STATUS_LABELS = {"member": "Member states", "observer": "Observers", "dialogue_partner": "Dialogue partners"}
STATEMENT_PREVIEW = 5


def flag(iso2: str) -> str:
    """The emoji flag: two regional indicator letters."""
    if len(iso2) != 2 or not iso2.isalpha():
        return "🏳"
    return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in iso2.upper())


def current_roster(events: list[MembershipEvent]) -> dict[str, list[MembershipEvent]]:
    """Each country's latest status that has not ended, grouped by status."""
    latest: dict[str, MembershipEvent] = {}
    for event in sorted(events, key=lambda e: e.since):
        if event.until is None:
            latest[event.country] = event
    roster: dict[str, list[MembershipEvent]] = {status: [] for status in STATUS_LABELS}
    for event in sorted(latest.values(), key=lambda e: (e.since, e.country)):
        roster.setdefault(event.status, []).append(event)
    return roster


async def members(update: Update, context: BotContext) -> None:
    query = command_query(update)
    if query:
        await country_profile(update, context, query)
        return
    svc = context.services
    events = await svc.store.membership()
    if not events:
        await reply(update, "No membership data is loaded yet. An admin can add seeds/members.csv and /reload.")
        return
    counts = svc.searcher.country_counts()
    lines: list[str] = []
    for status, entries in current_roster(events).items():
        if not entries:
            continue
        lines.append(f"\n<b>{escape(STATUS_LABELS.get(status, status))}</b> ({len(entries)})")
        for event in entries:
            mentions = counts.get(event.country, 0)
            lines.append(
                f"{flag(event.iso2)} {escape(event.country)} · since {render.human_date(event.since)}"
                f" · {mentions} statement{'s' if mentions != 1 else ''}"
            )
    footer = "\nSend <code>/members India</code> for a country's history and statements."
    await reply(update, render.fit_lines("🏛 <b>The Shanghai Cooperation Organisation</b>", lines, footer))


async def country_profile(update: Update, context: BotContext, query: str) -> None:
    svc = context.services
    resolution = svc.searcher.resolve(query, kinds=("country",))
    country = resolution.best
    if country is None:
        options = [m.target for m in (resolution.matches or resolution.suggestions)]
        text = f"I don't know a country called <b>{escape(render.clip(query, 80))}</b>."
        if options:
            keyboard = InlineKeyboardMarkup(
                [[InlineKeyboardButton(t.label, callback_data=render.callback("mc", t.key))] for t in options[:4]]
            )
            await reply(update, text + " Did you mean…?", keyboard)
        else:
            await reply(update, text + " Try /members for the list.")
        return
    await show_country(update, context, country.key)


async def show_country(update: Update, context: BotContext, country: str) -> None:
    svc = context.services
    target = svc.searcher.country(country)
    if target is None:
        await reply(update, "I don't know that country. Try /members for the list.")
        return
    history = [e for e in await svc.store.membership() if e.country == country]
    lines = [f"{flag(history[0].iso2) if history else '🏳'} <b>{escape(country)}</b>"]
    if history:
        for event in sorted(history, key=lambda e: e.since):
            until = f" until {render.human_date(event.until)}" if event.until else ""
            label = STATUS_LABELS.get(event.status, event.status).rstrip("s").lower()
            lines.append(
                f"· {escape(label)} from {render.human_date(event.since)}{until}"
                f' (<a href="{escape(event.source, quote=True)}">source</a>)'
            )
    else:
        lines.append("Not an SCO member, observer or dialogue partner.")
    key = target_key(target)
    ids = await svc.searcher.ids(key) or []
    total = svc.searcher.total(key, len(ids))
    many = total != 1
    lines.append(
        f"\n<b>{render.count_label(total, len(ids))} statement{'s' if many else ''} mention{'' if many else 's'} "
        f"{escape(country)}</b>"
    )
    lines += [render.statement_line(s) for s in await svc.store.statements(ids[:STATEMENT_PREVIEW])]
    keyboard = None
    if ids:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Browse statements", callback_data=render.callback("q", key, 0)),
                    InlineKeyboardButton("Timeline", callback_data=render.callback("tl", key, 0)),
                ]
            ]
        )
    await reply(update, render.fit_lines(lines[0], lines[1:]), keyboard)


async def on_country_button(update: Update, context: BotContext) -> None:
    """Callback data "mc|<country>"."""
    query, (_, country) = pressed(update)
    await query.answer()
    await show_country(update, context, country)
