"""The selection key: a short, stable name for a set of statements, carried in callback data.

Its one text form is defined here, and so is the one pattern that accepts it: the renderer writes keys with
`format`, the router matches button data with `PATTERN`, and handlers read keys back with `parse`.

    a              the whole corpus            y:2023        a year
    s:42           a speaker, by id            x:1f2e…       a text search, by the digest of its words
    t:Energy       a topic, by name            c:Iran        a country, by name
    t#9e66…        a topic or country whose name is too long for callback data, by its digest
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal, cast

KeyKind = Literal["a", "s", "t", "c", "y", "x"]

# Callback data holds "view|key|position" within 64 bytes, so a key gets at most this many.
MAX_KEY_BYTES = 40
DIGEST_BYTES = 6
_NAMED_MAX_CHARS = MAX_KEY_BYTES - 2

# Button data comes back from the client, so only keys of this shape are accepted: ASCII digits where an int
# is parsed, a year `date()` accepts, and no "|" inside.
PATTERN = (
    r"(?:a|s:[0-9]{1,18}|y:(?:19|20)[0-9]{2}"
    rf"|[tc]:[^|]{{1,{_NAMED_MAX_CHARS}}}|[tc]#[0-9a-f]{{{2 * DIGEST_BYTES}}}|x:[0-9a-f]{{{2 * DIGEST_BYTES}}})"
)
_FULL = re.compile(PATTERN)


def short_digest(text: str) -> str:
    return hashlib.blake2s(text.encode(), digest_size=DIGEST_BYTES).hexdigest()


@dataclass(frozen=True, slots=True)
class SelectionKey:
    kind: KeyKind
    value: str = ""
    # A topic or country key that carries the digest of its name in `value`, not the name.
    hashed: bool = False

    @classmethod
    def everything(cls) -> SelectionKey:
        return cls("a")

    @classmethod
    def speaker(cls, speaker_id: int | str) -> SelectionKey:
        return cls("s", str(speaker_id))

    @classmethod
    def year(cls, year: int | str) -> SelectionKey:
        return cls("y", str(year))

    @classmethod
    def text(cls, folded_query: str) -> SelectionKey:
        return cls("x", short_digest(folded_query))

    @classmethod
    def named(cls, kind: Literal["t", "c"], name: str) -> SelectionKey:
        """A topic or country; a name that would not fit in callback data is replaced by its digest."""
        if len(f"{kind}:{name}".encode()) <= MAX_KEY_BYTES and "|" not in name:
            return cls(kind, name)
        return cls(kind, short_digest(name), hashed=True)

    def format(self) -> str:
        if self.kind == "a":
            return "a"
        return f"{self.kind}{'#' if self.hashed else ':'}{self.value}"

    @classmethod
    def parse(cls, text: str) -> SelectionKey | None:
        """The key `text` spells, or None for anything `format` cannot have written."""
        if not _FULL.fullmatch(text):
            return None
        if text == "a":
            return cls.everything()
        kind, separator, value = text[0], text[1], text[2:]
        return cls(cast(KeyKind, kind), value, hashed=separator == "#")

    def __str__(self) -> str:
        return self.format()
