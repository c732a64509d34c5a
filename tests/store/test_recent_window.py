"""The window of newest statements that ranking reads: it follows loads, replacements and removals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store import CorpusChange, Store
from tests.auxil.corpus import make_article, make_statement

WINDOW = 3
TOKENIZE = "porter unicode61 remove_diacritics 2"  # as migration 0010 makes the window's index


def windowed(path: Path, words: str = "energy") -> list[int]:
    """The ids the window's own index finds for `words`, newest first, once its every term, row, column and
    offset is found to be exactly what an index built afresh from the window's statements holds."""
    with sqlite3.connect(path) as raw:
        raw.executescript(
            f"""
            CREATE VIRTUAL TABLE temp.expected USING fts5(text, speaker_term, content='', tokenize='{TOKENIZE}');
            INSERT INTO temp.expected(rowid, text, speaker_term) SELECT id, text, speaker_term FROM statements
            WHERE id >= (SELECT first_id FROM recent_window);
            CREATE VIRTUAL TABLE temp.expected_terms USING fts5vocab(temp, expected, 'instance');
            CREATE VIRTUAL TABLE temp.window_terms USING fts5vocab(main, recent_fts, 'instance');
            """
        )
        held = sorted(raw.execute("SELECT * FROM temp.window_terms"))
        assert held and held == sorted(raw.execute("SELECT * FROM temp.expected_terms"))
        return [row[0] for row in raw.execute("SELECT rowid FROM recent_fts(?) ORDER BY rowid DESC", (words,))]


async def load(store: Store, name: str, count: int) -> list[int]:
    article = make_article(name)
    statements = [make_statement(article, "Ann Lee", f"energy talk {name} number {n}") for n in range(count)]
    await store.apply(CorpusChange(parsed=[(article, statements)], removed=[]))
    return sorted(await store.ids_matching(f'"{name.removesuffix(".txt")}"'), reverse=True)


async def test_the_window_holds_the_newest_statements_through_every_kind_of_load(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    async with await Store.open(path) as store:
        with sqlite3.connect(path) as raw:
            raw.execute("UPDATE recent_window SET size = ?", (WINDOW,))
        first = await load(store, "a.txt", 4)
        assert windowed(path) == first[:WINDOW]
        second = await load(store, "b.txt", 2)
        assert windowed(path) == (second + first)[:WINDOW]
        # The newest go, and older statements come back into the window.
        await store.apply(CorpusChange(parsed=[], removed=["b.txt"]))
        assert windowed(path) == first[:WINDOW]
        # A load larger than the window fills it afresh.
        third = await load(store, "c.txt", 10)
        assert windowed(path) == third[:WINDOW]
        # Changing a statement in the window changes its words there too.
        replaced = await load(store, "c.txt", 1)
        assert windowed(path) == (replaced + first)[:WINDOW]
        assert await store.integrity_check() == "ok"


async def test_words_are_ranked_in_the_window_and_older_matches_follow_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    async with await Store.open(path) as store:
        with sqlite3.connect(path) as raw:
            raw.execute("UPDATE recent_window SET size = ?", (WINDOW,))
        old = make_article("old.txt")
        await store.apply(
            CorpusChange(
                parsed=[
                    (
                        old,
                        [
                            make_statement(old, "Ann Lee", "Copper, copper and copper again, said the minister"),
                            make_statement(old, "Ann Lee", "We discussed copper and many other things at length"),
                        ],
                    )
                ],
                removed=[],
            )
        )
        new = make_article("new.txt")
        texts = ["Lithium, lithium: lithium matters", "Lithium is one of a great many subjects we discussed"]
        await store.apply(
            CorpusChange(parsed=[(new, [make_statement(new, "Bo Chen", t) for t in ["x", "y", *texts]])], removed=[])
        )
        assert windowed(path, "lithium") != [] and windowed(path, "copper") == []
        # In the window: the statement saying it three times in a few words first, though it is older.
        lithium = await store.statements(await store.ids_by_text('"lithium"'))
        assert [s.text for s in lithium] == texts
        # Only outside the window: newest first, as they are found.
        copper = await store.statements(await store.ids_by_text('"copper"'))
        assert [s.text for s in copper] == [
            "We discussed copper and many other things at length",
            "Copper, copper and copper again, said the minister",
        ]


async def test_a_ranked_search_returns_no_more_than_its_limit(tmp_path: Path) -> None:
    async with await Store.open(tmp_path / "corpus.db") as store:
        await load(store, "a.txt", 30)
        assert len(await store.ids_by_text('"energy"', limit=5)) == 5
        assert len(await store.ids_by_text('"energy"', limit=-1)) == 30
