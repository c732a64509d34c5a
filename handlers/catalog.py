"""/speakers and /topics: what can be asked, with how much the corpus holds on each."""

from __future__ import annotations

from html import escape

from telegram import Update

from handlers import render
from handlers.common import pressed, show
from handlers.context import BotContext

PAGE_SIZE = 30


async def speakers(update: Update, context: BotContext) -> None:
    await show_speakers(update, context, 0)


async def show_speakers(update: Update, context: BotContext, page: int) -> None:
    everyone = context.services.searcher.speakers()
    if not everyone:
        await show(update, "No speakers yet: the corpus is empty.")
        return
    pages = max(1, -(-len(everyone) // PAGE_SIZE))
    page %= pages
    lines = [
        f"{escape(t.label)}{f' · <i>{escape(t.detail)}</i>' if t.detail else ''} · {t.count}"
        for t in everyone[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    header = f"🗣 <b>Speakers</b> ({len(everyone)}), by number of statements"
    footer = "\nAsk with <code>/quote surname</code>."
    await show(update, render.fit_lines(header, lines, footer), render.page_keyboard("sp", "all", page, pages))


async def on_speakers_button(update: Update, context: BotContext) -> None:
    """Callback data "sp|all|<page>"."""
    _, (_, _, page) = pressed(update)
    await show_speakers(update, context, int(page))


async def topics(update: Update, context: BotContext) -> None:
    everything = context.services.searcher.topics()
    if not everything:
        await show(update, "No topics are defined. An admin can add seeds/topics.toml and /reload.")
        return
    lines = [f"{escape(t.label)} · {t.count}" for t in everything]
    footer = "\nAsk with <code>/quote topic</code> or <code>/timeline topic</code>."
    await show(update, render.fit_lines("🏷 <b>Topics</b>, by number of statements", lines, footer))
