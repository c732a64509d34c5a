"""HTML for Telegram: statement cards, lists and keyboards. Every corpus or user string is escaped here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.search import Resolution, SelectionKey, Target, target_key
from bot.store import SourceParagraph, StoredStatement

MESSAGE_LIMIT = 4096
CARD_TEXT_LIMIT = 3000
LINE_TEXT_LIMIT = 160
# Telegram's own limit on callback data.
CALLBACK_DATA_LIMIT = 64
PAGE_NUMBER = r"-?[0-9]{1,9}"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def human_date(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if value else "date unknown"


def speaker_line(statement: StoredStatement) -> str:
    if not statement.speaker:
        return "<b>Unattributed</b>"
    line = f"<b>{escape(statement.speaker)}</b>"
    if statement.speaker_role:
        line += f", {escape(statement.speaker_role)}"
    return line


def quoted(statement: StoredStatement, limit: int) -> str:
    text = balance_quotes(clip(statement.text, limit))
    return f"“{escape(text)}”" if statement.kind == "direct" else escape(text)


def balance_quotes(text: str) -> str:
    """Close a quotation the statement opens but its span ends before: mixed statements often do."""
    if text.count('"') % 2:
        return text + '"'
    if text.count("“") > text.count("”"):
        return text + "”"
    return text


def statement_card(statement: StoredStatement, position: int | None = None, total: int | None = None) -> str:
    """One statement: the words, who said them, when and where it was reported."""
    lines = [speaker_line(statement), "", quoted(statement, CARD_TEXT_LIMIT), ""]
    source = " · ".join(escape(part) for part in (statement.outlet, human_date(statement.date)) if part)
    lines.append(f"<i>{source}</i>")
    tags = [*statement.topics, *statement.countries]
    if tags:
        lines.append(escape(" · ".join(tags)))
    footer = f"#{statement.id}"
    if position is not None and total:
        footer = f"{position + 1} of {total} · {footer}"
    lines.append(f"<code>{footer}</code>")
    return "\n".join(lines)


def statement_line(statement: StoredStatement) -> str:
    who = escape(statement.speaker or "Unattributed")
    when = statement.date.isoformat() if statement.date else "????-??-??"
    return f"<code>{when}</code> <b>{who}</b>: {quoted(statement, LINE_TEXT_LIMIT)}"


def source_view(source: SourceParagraph) -> str:
    statement = source.statement
    paragraph = escape(clip(source.paragraph_text, CARD_TEXT_LIMIT))
    words = escape(statement.text)
    # Show where in the paragraph the statement sits, when its words appear verbatim.
    if words and words in paragraph:
        paragraph = paragraph.replace(words, f"<b>{words}</b>", 1)
    meta = " · ".join(
        escape(part) for part in (statement.outlet, human_date(statement.date), source.place, statement.doc) if part
    )
    return (
        f"{speaker_line(statement)}\n\n{paragraph}\n\n"
        f"<i>{meta}</i>\n<code>paragraph {statement.paragraph + 1} of {source.paragraph_count} · "
        f"#{statement.id}</code>"
    )


def callback(*parts: object) -> str:
    data = "|".join(str(part) for part in parts)
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


def card_keyboard(
    key: SelectionKey | None, position: int, total: int, statement: StoredStatement
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if total > 1:
        rows.append(
            [
                InlineKeyboardButton("◀", callback_data=callback("q", key, (position - 1) % total)),
                InlineKeyboardButton(f"{position + 1}/{total}", callback_data=callback("noop")),
                InlineKeyboardButton("▶", callback_data=callback("q", key, (position + 1) % total)),
            ]
        )
    actions = [InlineKeyboardButton("Source", callback_data=callback("src", statement.id))]
    by_speaker = SelectionKey.speaker(statement.speaker_id) if statement.speaker_id is not None else None
    if by_speaker is not None and key != by_speaker:
        surname = (statement.speaker or "").split()[-1] if statement.speaker else "speaker"
        actions.append(InlineKeyboardButton(f"More by {clip(surname, 24)}", callback_data=callback("q", by_speaker, 0)))
    rows.append(actions)
    return InlineKeyboardMarkup(rows)


def page_keyboard(view: str, key: SelectionKey | str, page: int, pages: int) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("◀", callback_data=callback(view, key, (page - 1) % pages)),
                InlineKeyboardButton(f"{page + 1}/{pages}", callback_data=callback("noop")),
                InlineKeyboardButton("▶", callback_data=callback(view, key, (page + 1) % pages)),
            ]
        ]
    )


def target_label(target: Target) -> str:
    if target.kind == "speaker":
        return target.label + (f" ({target.detail})" if target.detail else "")
    return {"topic": "topic: ", "country": "country: ", "year": "year: "}[target.kind] + target.label


def choices_keyboard(view: str, targets: Iterable[Target]) -> InlineKeyboardMarkup:
    buttons = []
    for target in targets:
        key = target_key(target)
        if len(callback(view, key, 0).encode()) <= CALLBACK_DATA_LIMIT:
            label = clip(f"{target_label(target)} · {target.count}", 60)
            buttons.append([InlineKeyboardButton(label, callback_data=callback(view, key, 0))])
    return InlineKeyboardMarkup(buttons)


def nothing_found(query: str, resolution: Resolution) -> str:
    text = f"Nothing in the corpus matches <b>{escape(clip(query, 100))}</b>."
    if resolution.suggestions:
        text += "\nDid you mean one of these?"
    else:
        text += "\nTry /speakers or /topics to see what can be asked."
    return text


def ambiguous(query: str) -> str:
    return f"<b>{escape(clip(query, 100))}</b> could mean several things. Which one?"


def weak_match(query: str) -> str:
    return f"No exact match for <b>{escape(clip(query, 100))}</b>. Did you mean…?"


def fit_lines(header: str, lines: Sequence[str], footer: str = "") -> str:
    """Join lines under a header, dropping the tail so the message stays within Telegram's limit."""
    budget = MESSAGE_LIMIT - len(header) - len(footer) - 40
    kept: list[str] = []
    for line in lines:
        budget -= len(line) + 1
        if budget < 0:
            kept.append("…")
            break
        kept.append(line)
    return "\n".join(part for part in (header, "\n".join(kept), footer) if part)
