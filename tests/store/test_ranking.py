"""BM25 from the texts (bot/store/ranking.py) against FTS5's own `bm25()`, on a real SQLite FTS5 table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import ranking

TEXTS = [
    "Iran and the bloc signed a trade deal.",
    "The Iranian minister said Iran would join the bank; Iran's envoy agreed.",
    "Trade with Iran doubled, and Iranian exports of gas grew faster than Iranian imports.",
    "Nothing here mentions the country at all, only the weather in Astana.",
    "Iran.",
    "Rencontre à Téhéran: Iran, Iraq and Íran's neighbours met for the third time in a long, long week of talks.",
]


@pytest.fixture
def index(tmp_path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(tmp_path / "fts.db")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", enumerate(TEXTS, start=1))
    db.commit()
    return db


@pytest.mark.parametrize("expression", ['"iran"*', '"iran"', '"trade"*', '"long"', '"iran\'s"*'])
def test_one_phrase_orders_rows_exactly_as_fts5_does(index: sqlite3.Connection, expression: str) -> None:
    fts = index.execute("SELECT rowid, text, bm25(t) FROM t WHERE t MATCH ?", (expression,)).fetchall()
    assert fts
    block = index.execute("SELECT block FROM t_data WHERE id = 1").fetchone()[0]
    score = ranking.scorer(ranking.phrases(expression), ranking.average_length(block))
    ours = {rowid: score(text) for rowid, text, _ in fts}
    # One phrase: FTS5's score is ours times the phrase's IDF, the same for every row.
    ratios = {round(bm25 / ours[rowid], 9) for rowid, _, bm25 in fts}
    assert len(ratios) == 1, (expression, ratios)


def test_the_average_length_is_the_indexs_own(index: sqlite3.Connection) -> None:
    block = index.execute("SELECT block FROM t_data WHERE id = 1").fetchone()[0]
    total = sum(len(ranking.tokens(text)) for text in TEXTS)
    assert ranking.average_length(block) == pytest.approx(total / len(TEXTS))


def test_several_phrases_each_count() -> None:
    score = ranking.scorer(ranking.phrases('"trade"* "iran"*'), 10.0)
    assert score("Trade with Iran.") < score("Iran, Iran and Iran.") < 0
