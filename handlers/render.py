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


def count_label(total: int | None, shown: int) -> str:
    """A selection's size as the reply states it: exact, or "1,000+" when only a lower bound is known."""
    return f"{total:,}" if total is not None else f"{shown:,}+"


def statement_card(
    statement: StoredStatement,
    position: int | None = None,
    total: int | None = None,
    total_label: str = "",
    note: str = "",
) -> str:
    """One statement: the words, who said them, when and where it was reported."""
    lines = [speaker_line(statement), "", quoted(statement, CARD_TEXT_LIMIT), ""]
    outlet = linked(statement.url, statement.outlet) if statement.outlet else None
    source = " · ".join(part for part in (outlet, escape(human_date(statement.date))) if part)
    lines.append(f"<i>{source}</i>")
    tags = [*statement.topics, *statement.countries]
    if tags:
        lines.append(escape(" · ".join(tags)))
    if note:
        lines.append(f"<i>{escape(note)}</i>")
    footer = f"#{statement.id}"
    if position is not None and total:
        footer = f"{position + 1} of {total_label or total} · {footer}"
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
    article = ""
    if link_target(statement.url):
        article = f"\n{linked(statement.url, clip(statement.title or read_at_label(statement), 200))}"
    text = (
        f"{speaker_line(statement)}\n\n{paragraph}\n\n"
        f"<i>{meta}</i>{article}\n<code>paragraph {statement.paragraph + 1} of {source.paragraph_count} · "
        f"#{statement.id}</code>"
    )
    if source.also_in:
        lines = [
            "· " + " · ".join(escape(part) for part in (other.outlet, human_date(other.date), other.doc) if part)
            for other in source.also_in
        ]
        text = fit_lines(text, [f"\nAlso reported by {len(source.also_in)} more:", *lines])
    return text


def link_target(url: str | None) -> str | None:
    """A URL fit for a link or a URL button: http(s) with a host; anything else an operator typed is left out."""
    if not url:
        return None
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    if scheme.lower() not in ("http", "https") or not host or any(c.isspace() or c in '"<>' for c in url):
        return None
    return url


def linked(url: str | None, label: str) -> str:
    """`label` (escaped) as a link to `url` where the URL is usable, else the label alone."""
    target = link_target(url)
    if target is None:
        return escape(label)
    return f'<a href="{escape(target, quote=True)}">{escape(label)}</a>'


def read_at_label(statement: StoredStatement) -> str:
    site = statement.site or statement.outlet
    if not site and statement.url:
        site = statement.url.partition("://")[2].split("/", 1)[0].removeprefix("www.")
    return clip(f"Read at {site or 'the source'}", 40)


def source_keyboard(statement: StoredStatement) -> InlineKeyboardMarkup | None:
    """A "Read at OUTLET" button opening the original article, where its URL is known."""
    target = link_target(statement.url)
    if target is None:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(read_at_label(statement), url=target)]])


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
    if key is not None and len(callback("exp", key).encode()) <= CALLBACK_DATA_LIMIT:
        actions.append(InlineKeyboardButton("Export", callback_data=callback("exp", key)))
    by_speaker = SelectionKey.speaker(statement.speaker_id) if statement.speaker_id is not None else None
    if by_speaker is not None and key != by_speaker:
        # The whole name when it fits: the last word is not the surname in "Xi Jinping".
        name = statement.speaker or "speaker"
        short = name if len(name) <= 24 else name.split()[-1]
        actions.append(InlineKeyboardButton(f"More by {clip(short, 24)}", callback_data=callback("q", by_speaker, 0)))
    rows.append(actions)
    read_at = source_keyboard(statement)
    if read_at is not None:
        rows.extend(list(row) for row in read_at.inline_keyboard)
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
