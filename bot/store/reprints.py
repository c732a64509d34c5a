"""One statement, many sources: telling a reprint from a new statement, within a load and against the store.

The load transaction (bot/store/writes.py) asks here whether a statement it meets is one already stored or
met, and moves a statement to another of its sources when its first article goes.
"""

from __future__ import annotations

import json
import re

import aiosqlite

_WORDS = re.compile(r"[^\W_]+")
# Statements this many words long that run inside one another are one statement cut differently.
REPRINT_WORDS = 8


def text_key(text: str) -> str:
    """The words of a statement, folded: reprints differ in quotes, case, punctuation and spacing only."""
    return " ".join(_WORDS.findall(text.casefold()))


async def keep_reprinted(db: aiosqlite.Connection, gone: list[str]) -> None:
    """Statements whose first source goes but which other articles also report move to one of those."""
    if not gone:
        return
    gone_ids = "SELECT id FROM documents WHERE name IN (SELECT value FROM json_each(?))"
    other_sources = (
        f"FROM statement_sources ss WHERE ss.statement_id = statements.id AND ss.document_id NOT IN ({gone_ids})"
    )
    await db.execute(
        "UPDATE statements SET (document_id, paragraph) = "
        f"(SELECT ss.document_id, ss.paragraph {other_sources} ORDER BY ss.document_id, ss.paragraph LIMIT 1) "
        f"WHERE document_id IN ({gone_ids}) AND EXISTS (SELECT 1 {other_sources})",
        (json.dumps(gone),) * 3,
    )


class KnownTexts:
    """Each speaker's statements by their words, to tell a reprint from a new statement.

    A reprint has the same words, or nearly: outlets cut a quotation at different places, so a statement of
    at least REPRINT_WORDS words whose words run inside another's, beginning or ending alike and at least
    half as long, is that statement too. Two that differ in a word ("plan 1", "plan 2") stay two.
    """

    def __init__(self) -> None:
        self._exact: dict[tuple[int, str], int] = {}
        self._ends: dict[tuple[int, str, str], tuple[int, str, tuple[int, int]]] = {}

    def find(self, speaker_id: int, key: str, place: tuple[int, int]) -> int | None:
        """The statement `key` reprints, if any; `place` is the (document, paragraph) it was met in."""
        found = self._exact.get((speaker_id, key))
        if found is not None:
            return found
        for end in _ends(key):
            near = self._ends.get((speaker_id, *end))
            if near is None:
                continue
            # Within one article, statements of two paragraphs that start alike are two things said.
            other_place = near[2][0] != place[0] or near[2] == place
            shorter, longer = sorted((key, near[1]), key=len)
            inside = f" {shorter} " in f" {longer} " and 2 * (shorter.count(" ") + 1) >= longer.count(" ") + 1
            if other_place and inside:
                return near[0]
        return None

    def add(self, speaker_id: int, key: str, statement_id: int, place: tuple[int, int]) -> None:
        self._exact.setdefault((speaker_id, key), statement_id)
        for end in _ends(key):
            self._ends.setdefault((speaker_id, *end), (statement_id, key, place))


def _ends(key: str) -> list[tuple[str, str]]:
    words = key.split()
    if len(words) < REPRINT_WORDS:
        return []
    return [("^", " ".join(words[:REPRINT_WORDS])), ("$", " ".join(words[-REPRINT_WORDS:]))]


async def known_texts_of(db: aiosqlite.Connection, speaker_ids: set[int]) -> KnownTexts:
    """The statements already stored for these speakers: what a reprint joins."""
    known = KnownTexts()
    if not speaker_ids:
        return known
    rows = await db.execute_fetchall(
        "SELECT speaker_id, text_key, id, document_id, paragraph FROM statements WHERE text_key IS NOT NULL "
        "AND speaker_id IN (SELECT value FROM json_each(?)) ORDER BY id",
        (json.dumps(sorted(speaker_ids)),),
    )
    for speaker_id, key, statement_id, document_id, paragraph in rows:
        known.add(speaker_id, key, statement_id, (document_id, paragraph))
    return known
