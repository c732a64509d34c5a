"""Telegram's ``parse_mode=HTML`` as the Bot API server applies it, for the fake server.

The point is to reject what Telegram rejects (a bot that sends unescaped ``<`` to real users
gets a 400, so the tests must see one too) and to measure the text the way Telegram does:
after tags are stripped and entities decoded. The error texts mirror tdlib's, which the Bot
API passes through after ``Bad Request: can't parse entities:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["HtmlParseError", "parse_html", "utf16_len"]

# Tag name -> entity type. ``span`` only counts with class="tg-spoiler", checked below.
_TAG_ENTITY: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

# Telegram documents only these four named entities; any other ``&name;`` stays literal text.
_NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z]+));")
_SPACE = " \t\r\n"


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(exc)`` is tdlib's description."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram entity offset and length."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    offset: int  # UTF-16 offset into the output text
    attrs: dict[str, str]
    language: str | None = None  # set on <pre> by a nested <code class="language-...">


def _decode_entity(html: str, i: int) -> tuple[str, int]:
    """Decode the ``&...;`` at ``i``; a bare ``&`` is literal, as in tdlib."""
    match = _ENTITY_RE.match(html, i)
    if match is None:
        return "&", i + 1
    dec, hexa, name = match.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            return "&", i + 1
        return _NAMED_ENTITIES[name], match.end()
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "&", i + 1
    return chr(code), match.end()


def _unescape(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&":
            text, i = _decode_entity(value, i)
            out.append(text)
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _byte_offset(html: str, index: int) -> int:
    return len(html[:index].encode("utf-8"))


def _parse_attributes(html: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Parse attributes up to and including ``>``; returns them and the index after ``>``."""
    attrs: dict[str, str] = {}
    n = len(html)
    where = f"at byte offset {_byte_offset(html, begin)}"
    while True:
        while i < n and html[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag {where}")
        if html[i] == ">":
            return attrs, i + 1
        start = i
        while i < n and html[i] not in _SPACE and html[i] not in "=>":
            i += 1
        name = html[start:i].lower()
        if not name:
            raise HtmlParseError(f'Empty attribute name in the tag "{tag}" {where}')
        while i < n and html[i] in _SPACE:
            i += 1
        if i < n and html[i] == "=":
            i += 1
            while i < n and html[i] in _SPACE:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag {where}")
            if html[i] in "'\"":
                quote = html[i]
                end = html.find(quote, i + 1)
                if end < 0:
                    raise HtmlParseError(f"Unclosed start tag {where}")
                attrs[name] = _unescape(html[i + 1 : end])
                i = end + 1
            else:
                start = i
                while i < n and html[i] not in _SPACE and html[i] != ">":
                    i += 1
                attrs[name] = _unescape(html[start:i])
        else:
            # Valueless attributes are legal (``<blockquote expandable>``).
            attrs[name] = ""


def _entity_for(opened: _Open, end: int) -> dict[str, Any] | None:
    length = end - opened.offset
    if length <= 0:
        # Telegram silently drops empty entities instead of failing.
        return None
    kind = _TAG_ENTITY[opened.tag]
    entity: dict[str, Any] = {"type": kind, "offset": opened.offset, "length": length}
    if opened.tag == "a":
        href = opened.attrs.get("href", "")
        if not href:
            return None
        entity["url"] = href
    elif opened.tag == "pre" and opened.language:
        entity["language"] = opened.language
    elif opened.tag == "blockquote" and "expandable" in opened.attrs:
        entity["type"] = "expandable_blockquote"
    elif opened.tag == "tg-emoji":
        entity["custom_emoji_id"] = opened.attrs["emoji-id"]
    return entity


def _check_start_tag(tag: str, attrs: dict[str, str], html: str, begin: int) -> None:
    where = f"at byte offset {_byte_offset(html, begin)}"
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" {where}')
    if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise HtmlParseError(f'Tag "tg-emoji" must have attribute "emoji-id" {where}')


def parse_html(html: str) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(plain_text, entities)`` for Telegram HTML, or raise :class:`HtmlParseError`.

    Entities are Bot API ``MessageEntity`` dicts with UTF-16 offsets, sorted as Telegram
    returns them (by offset, outer entity first).
    """
    out: list[str] = []
    out_len = 0  # UTF-16 length of "".join(out), kept incrementally
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(html)
    while i < n:
        char = html[i]
        if char == "&":
            text, i = _decode_entity(html, i)
            out.append(text)
            out_len += utf16_len(text)
            continue
        if char != "<":
            out.append(char)
            out_len += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        where = f"at byte offset {_byte_offset(html, begin)}"
        if html.startswith("</", i):
            end = html.find(">", i)
            if end < 0:
                raise HtmlParseError(f"Unclosed end tag {where}")
            name = html[i + 2 : end].strip(_SPACE).lower()
            if not stack:
                raise HtmlParseError(f"Unexpected end tag {where}")
            opened = stack.pop()
            if opened.tag != name:
                raise HtmlParseError(f'Unmatched end tag {where}, expected "</{opened.tag}>", found "</{name}>"')
            language = opened.attrs.get("class", "")
            if opened.tag == "code" and stack and stack[-1].tag == "pre" and language.startswith("language-"):
                # <pre><code class="language-x"> is one pre entity with a language, not two.
                stack[-1].language = language.removeprefix("language-")
            else:
                entity = _entity_for(opened, out_len)
                if entity is not None:
                    entities.append(entity)
            i = end + 1
            continue
        i += 1
        while i < n and html[i] not in _SPACE and html[i] != ">":
            i += 1
        tag = html[begin + 1 : i].lower()
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag {where}")
        if tag not in _TAG_ENTITY:
            raise HtmlParseError(f'Unsupported start tag "{tag}" {where}')
        attrs, i = _parse_attributes(html, i, tag, begin)
        _check_start_tag(tag, attrs, html, begin)
        stack.append(_Open(tag=tag, offset=out_len, attrs=attrs))
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
