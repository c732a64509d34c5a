"""The queries behind a search's selection: words ranked by bm25, and a speaker's statements on a subject.

`Store` (bot/store/reads.py) hands these out as methods; they live here to keep that module readable.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable

import aiosqlite

from bot.store.connection import fetch_ids

# A text search ranks this many of its matches, the most recently loaded: scoring all the matches of a
# common word in a big corpus would cost a bm25 score for each of hundreds of thousands of rows.
RANKED_MATCHES = 200
# bm25 scores within this share of each other are equally good answers: the newer statement goes first.
CLOSE_SCORES = 0.1
# A statement's day as a number that sorts as the date does: YYYYMMDD, and 0 for an undated statement.
DAY = "coalesce(CAST(replace(date, '-', '') AS INTEGER), 0)"
_TAG_TABLES = {"topic": ("statement_topics", "topic"), "country": ("statement_countries", "country")}


async def ids_by_text(
    db: aiosqlite.Connection,
    fts_query: str,
    limit: int,
    speaker_id: int | None = None,
    ranked: bool = True,
    day_of: Callable[[int], int] | None = None,
) -> list[int]:
    """Full-text matches (of one speaker's statements, with `speaker_id`), newest loaded first; `ranked`,
    those among the newest statements go first, the best of them by bm25 and newer first among close scores.

    `fts_query` must already be a safe FTS5 expression. FTS5 walks its index newest first and stops at
    `limit`. The ranking reads the index of the newest statements only (migration 0010), where bm25()
    counts a phrase's rows in the window, not in the whole corpus: its cost stays that of a small corpus.
    `day_of` gives a statement's day (YYYYMMDD) where the caller keeps them; else they are read here.
    """
    # The speaker column only narrows: the words are looked for in the text, and only the text is scored.
    expression = in_text(fts_query)
    if speaker_id is not None:
        expression = f'speaker_term : "s{speaker_id}" AND {expression}'
    found = await fetch_ids(
        db,
        "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
        (expression, limit),
    )
    if not ranked or len(found) <= 1:
        return found
    scored = [
        (int(statement_id), float(score))
        for statement_id, score in await db.execute_fetchall(
            "SELECT rowid, bm25(recent_fts, 1.0, 0.0) FROM recent_fts WHERE recent_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT ?",
            (expression, RANKED_MATCHES if limit < 0 else min(limit, RANKED_MATCHES)),
        )
    ]
    if day_of is None:
        # A statement a load took away since the match is simply undated here; the next query will not see it.
        days = defaultdict(int, await _days_of(db, [statement_id for statement_id, _ in scored]))
        day_of = days.__getitem__
    ranked_ids = close_scores_newest_first([(i, score, day_of(i)) for i, score in scored])
    first = set(ranked_ids)
    return ranked_ids + [statement_id for statement_id in found if statement_id not in first]


async def _days_of(db: aiosqlite.Connection, ids: list[int]) -> list[tuple[int, int]]:
    """(id, day as YYYYMMDD, 0 when undated) of the given statements."""
    rows = await db.execute_fetchall(
        f"SELECT id, {DAY} FROM statements WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
    )
    return [(int(i), int(day)) for i, day in rows]


def in_text(fts_query: str) -> str:
    """`fts_query` looked for in the statements' text only, never in the speaker column."""
    return f"text : ({fts_query})"


def close_scores_newest_first(scored: list[tuple[int, float, int]]) -> list[int]:
    """Ids by bm25 (lower is better), and within each run of scores close to its best, newest first."""
    by_score = sorted(scored, key=lambda row: (row[1], -row[0]))
    ordered: list[int] = []
    group: list[tuple[int, float, int]] = []
    for row in by_score:
        if group and abs(row[1] - group[0][1]) > CLOSE_SCORES * abs(group[0][1]):
            ordered += [i for i, _, _ in sorted(group, key=lambda r: (r[2], r[0]), reverse=True)]
            group = []
        group.append(row)
    ordered += [i for i, _, _ in sorted(group, key=lambda r: (r[2], r[0]), reverse=True)]
    return ordered


async def ids_of_speaker_tagged(
    db: aiosqlite.Connection, speaker_id: int, kind: str, value: str, limit: int
) -> list[int]:
    """One speaker's statements with a topic or country, newest first.

    The speaker's own statements drive the query, each checked against the tag's primary key: a topic or
    country holds a tenth of a big corpus, a speaker rarely more than a few hundred statements."""
    table, column = _TAG_TABLES[kind]
    return await fetch_ids(
        db,
        "SELECT s.id FROM statements s WHERE s.speaker_id = ? AND EXISTS "
        f"(SELECT 1 FROM {table} t WHERE t.{column} = ? AND t.statement_id = s.id) "
        "ORDER BY s.date DESC, s.id DESC LIMIT ?",
        (speaker_id, value, limit),
    )
