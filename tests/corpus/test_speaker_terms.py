"""A load resolves its names against the speakers filed under their terms: the same speakers as against everyone."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

import bot.store.writes
from bot.corpus.models import Article, Statement
from bot.corpus.names import spelling_key
from bot.corpus.speaker_terms import speaker_terms
from bot.store import MIGRATIONS, CorpusChange, Store
from tests.auxil.corpus import make_article, make_statement

Said = tuple[str, str]  # (speaker, speaker type)


def change(name: str, *said: Said, day: int = 1, role: str | None = None) -> tuple[Article, list[Statement]]:
    article = make_article(name, f"Text of {name}.", published=date(2024, 1, day))
    statements = [
        make_statement(article, speaker, f"{speaker} on {name}", speaker_type=kind, speaker_role=role)
        for speaker, kind in said
    ]
    return article, statements


PERSON, ORG = "person", "organization"
# Each step is one load. The names meet in every way the directory's rule knows: a fuller name taking over
# a shorter one, a shorter one joining the one fuller name, a surname fitting two people, persons whose names
# have no identifying word (known by their alias alone, and no obstacle to anyone else's merging), organisations
# matched by alias alone, and speakers leaving with their documents and coming back.
STEPS: list[tuple[list[tuple[Article, list[Statement]]], list[str]]] = [
    ([change("1.txt", ("Ann Lee", PERSON), ("Foreign Ministry", ORG), ("Xi", PERSON))], []),
    ([change("2.txt", ("Xi Jinping", PERSON), ("Zhang Ming", PERSON), ("Chinese Foreign Ministry", ORG))], []),
    ([change("3.txt", ("Zhang Haizhou", PERSON), ("Zhang", PERSON), ("Lee", PERSON), ("Ann", ORG))], []),
    # The newest speaker is an organisation, and no speaker yet is filed under these names' terms.
    ([change("4.txt", ("the President", PERSON), ("President Bo", PERSON), ("foreign ministry", ORG), day=4)], []),
    ([change("5.txt", ("Li", PERSON), ("Mr. President", PERSON), ("Bo Chen", PERSON), day=5, role="Envoy")], []),
    ([change("6.txt", ("Li Qiang", PERSON), ("Xi", PERSON), ("MR. PRESIDENT", PERSON))], ["4.txt"]),
    ([change("5.txt", ("Li", PERSON), ("Bo", PERSON)), change("7.txt")], ["1.txt"]),
    ([change("4.txt", ("Li Qiang", PERSON), ("The President", PERSON), ("Chen", PERSON), ("Ann Lee", PERSON))], []),
]


async def snapshot(store: Store) -> tuple[object, ...]:
    ids = await store.ids_by_date(limit=10_000)
    return (
        sorted(await store.speaker_names(), key=lambda s: s.id),
        [(s.id, s.speaker_id, s.speaker) for s in await store.statements(ids)],
        await store.counts(),
    )


async def test_resolving_against_the_speakers_filed_under_the_names_terms_is_resolving_against_everyone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Store.open(tmp_path / "filed.db") as filed, await Store.open(tmp_path / "all.db") as everyone:
        for parsed, removed in STEPS:
            await filed.apply(CorpusChange(parsed=parsed, removed=removed))
            with monkeypatch.context() as patch:
                patch.setattr(bot.store.writes, "PARTIAL_DIRECTORY_NAMES", 0)
                await everyone.apply(CorpusChange(parsed=parsed, removed=removed))
            assert await snapshot(filed) == await snapshot(everyone)
        names = {s.name: s for s in await filed.speaker_names()}
        # The rule at work, so the comparison above compares something.
        assert names["Xi Jinping"].statements == 2 and "Xi" in names["Xi Jinping"].aliases
        assert "Lee" in names["Ann Lee"].aliases
        assert {"Zhang", "Zhang Ming", "Zhang Haizhou", "The President"} <= set(names)
        # Persons with no name word ("the President", "Mr. President") were there when these names grew.
        assert "Li" in names["Li Qiang"].aliases and "President Bo" in names["Bo Chen"].aliases
        assert not names["The President"].aliases and names["Mr. President"].statements == 1


def test_a_speaker_is_filed_under_its_alias_keys_and_a_persons_name_words() -> None:
    jinping = spelling_key("jinping")
    assert speaker_terms("Xi Jinping", "person", ["Xi"]) == {f"k:{jinping} xi", "k:xi", "w:xi", f"w:{jinping}"}
    assert speaker_terms("the President", "person") == {"k:the president"}  # met only by its own alias
    # "foreign" is a title word, and an institution's name is not matched by its words
    assert speaker_terms("Foreign Ministry", "organization") == {f"k:{spelling_key('ministry')}"}


async def test_an_older_database_gets_its_speakers_counted_and_filed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as raw:
        raw.executescript(f"{MIGRATIONS[0]}; {MIGRATIONS[1]}; PRAGMA user_version = 2;")
        raw.execute("INSERT INTO documents (id, name, content_hash, paragraphs) VALUES (1, 'a.txt', 'h', '[]')")
        raw.executemany(
            "INSERT INTO speakers (id, name, kind) VALUES (?, ?, 'person')", [(1, "Xi Jinping"), (2, "Ann Lee")]
        )
        raw.execute("INSERT INTO speaker_aliases (speaker_id, alias) VALUES (1, 'Xi')")
        raw.executemany(
            "INSERT INTO statements (id, document_id, paragraph, speaker_id, kind, cue, text) "
            "VALUES (?, 1, 0, ?, 'direct', 'said', 'words')",
            [(1, 1), (2, 1), (3, 2)],
        )
    async with await Store.open(path) as store:
        assert [(s.name, s.statements) for s in await store.speaker_names()] == [("Xi Jinping", 2), ("Ann Lee", 1)]
        assert {file for _, file in (await store.known_documents()).values()} == {None}
        parsed = change("b.txt", ("Xi", "person"), ("Lee", "person"))
        await store.apply(CorpusChange(parsed=[parsed], removed=[]))
        assert [(s.name, s.statements) for s in await store.speaker_names()] == [("Xi Jinping", 3), ("Ann Lee", 2)]
