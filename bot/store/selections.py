"""The queries behind a search's selection: words ranked by bm25, and a speaker's statements on a subject.

`Store` (bot/store/reads.py) hands these out as methods; they live here to keep that module readable.
"""

from __future__ import annotations

import json

import aiosqlite

from bot.store.connection import fetch_ids

# A text search ranks this many of its matches, the most recently loaded: scoring all the matches of a
# common word in a big corpus would cost a bm25 score for each of hundreds of thousands of rows.
RANKED_MATCHES = 200
# bm25 scores within this share of each other are equally good answers: the newer statement goes first.
CLOSE_SCORES = 0.1
_TAG_TABLES = {"topic": ("statement_topics", "topic"), "country": ("statement_countries", "country")}


async def ids_by_text(
    db: aiosqlite.Connection, fts_query: str, limit: int, speaker_id: int | None = None, ranked: bool = True
) -> list[int]:
    """Full-text matches (of one speaker's statements, with `speaker_id`): the best-ranked of the latest
    RANKED_MATCHES first, newer first among close scores, then the rest newest first; unless `ranked` is
    False, when they are all newest loaded first.

    `fts_query` must already be a safe FTS5 expression. The matches are taken newest first (FTS5 walks its
    index backwards and stops at `limit`) with their bm25 scores in the same query: FTS5 counts each
    phrase's rows once for the scores, and a second query would count them again. Only the first
    RANKED_MATCHES are ranked by those scores, so only their dates are read.
    """
    # The speaker column only narrows: the words are looked for in the text, and only the text is scored.
    expression = in_text(fts_query)
    if speaker_id is not None:
        expression = f'speaker_term : "s{speaker_id}" AND {expression}'
    score = "bm25(statements_fts, 1.0, 0.0)" if ranked else "0"
    rows = list(
        await db.execute_fetchall(
            f"SELECT rowid, {score} FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (expression, limit),
        )
    )
    found = [int(row[0]) for row in rows]
    if not ranked or len(found) <= 1:
        return found
    top = rows[:RANKED_MATCHES]
    dates: dict[int, str] = {
        int(statement_id): str(day)
        for statement_id, day in await db.execute_fetchall(
            "SELECT id, coalesce(date, '') FROM statements WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([row[0] for row in top]),),
        )
    }
    ranked_ids = close_scores_newest_first([(row[0], float(row[1]), dates.get(row[0], "")) for row in top])
    first = set(ranked_ids)
    return ranked_ids + [statement_id for statement_id in found if statement_id not in first]


def in_text(fts_query: str) -> str:
    """`fts_query` looked for in the statements' text only, never in the speaker column."""
    return f"text : ({fts_query})"


def close_scores_newest_first(scored: list[tuple[int, float, str]]) -> list[int]:
    """Ids by bm25 (lower is better), and within each run of scores close to its best, newest first."""
    by_score = sorted(scored, key=lambda row: (row[1], -row[0]))
    ordered: list[int] = []
    group: list[tuple[int, float, str]] = []
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
