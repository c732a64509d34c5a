"""Quotation marks in an article: where each quoted stretch starts and ends, by character.

Newswire text mixes curly and straight marks, doubles apostrophes (''like this''), and leaves a quote
open at the end of a paragraph when the same speaker goes on in the next one. The scanner works on
one paragraph at a time so that a stray mark never swallows the rest of the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS = "“„«"
CLOSERS = "”»"
STRAIGHT = '"'
# Two apostrophes stand for a straight double quote in some archives.
_DOUBLE_APOSTROPHE = re.compile(r"''|``")
_PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True, slots=True)
class Quote:
    """Characters `start:end` of the text are inside the marks; `paragraph` counts from 0."""

    start: int
    end: int
    paragraph: int
    closed: bool


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int


def paragraphs_of(text: str) -> list[Paragraph]:
    """Paragraph character ranges, split as `Article.text` joins them."""
    spans: list[Paragraph] = []
    position = 0
    while position <= len(text):
        cut = text.find(_PARAGRAPH_BREAK, position)
        end = len(text) if cut < 0 else cut
        if end > position:
            spans.append(Paragraph(position, end))
        if cut < 0:
            break
        position = cut + len(_PARAGRAPH_BREAK)
    return spans


def _normalise(paragraph: str) -> str:
    # Same length as the input, so offsets stay valid.
    return _DOUBLE_APOSTROPHE.sub(lambda m: ' "', paragraph)


def find_quotes(text: str, paragraphs: list[Paragraph]) -> list[Quote]:
    """Every quoted stretch, paragraph by paragraph, in text order."""
    quotes: list[Quote] = []
    for index, para in enumerate(paragraphs):
        chunk = _normalise(text[para.start : para.end])
        quotes.extend(_scan(chunk, para.start, index))
    return [q for q in quotes if _has_words(text[q.start : q.end])]


def _scan(chunk: str, offset: int, paragraph: int) -> list[Quote]:
    found: list[Quote] = []
    open_at: int | None = None
    for i, char in enumerate(chunk):
        if open_at is None:
            if char in OPENERS or char == STRAIGHT or (char in CLOSERS and _starts_word(chunk, i)):
                open_at = i + 1
            elif char in CLOSERS and not found:
                # A close with no open: the paragraph began inside a quote the writer never reopened.
                found.append(Quote(offset, offset + i, paragraph, True))
        elif char in CLOSERS or char == STRAIGHT:
            found.append(Quote(offset + open_at, offset + i, paragraph, True))
            open_at = None
    if open_at is not None:
        found.append(Quote(offset + open_at, offset + len(chunk), paragraph, False))
    return found


def _starts_word(chunk: str, i: int) -> bool:
    before = chunk[i - 1] if i else " "
    after = chunk[i + 1] if i + 1 < len(chunk) else " "
    return before.isspace() and after.isalnum()


def _has_words(fragment: str) -> bool:
    return any(c.isalnum() for c in fragment)
