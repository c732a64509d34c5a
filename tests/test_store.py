from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.corpus.members import MembershipEvent
from bot.corpus.models import Article, Statement
from bot.store import SCHEMA_VERSION, CorpusChange, Store


def make_article(name: str, text: str = "Paragraph one.", published: date | None = date(2024, 7, 4)) -> Article:
    return Article(name, published, "Astana", "Example Wire", (text, "Paragraph two."), f"hash-{name}-{text}")


def make_statement(article: Article, speaker: str | None, text: str, **extra: object) -> Statement:
    fields: dict[str, object] = {
        "doc": article.name,
        "date": article.date,
        "outlet": article.outlet,
        "paragraph": 0,
        "text": text,
        "kind": "indirect",
        "cue": "said",
        "speaker": speaker,
        "speaker_role": None,
        "speaker_type": "person",
    }
    fields.update(extra)
    return Statement(**fields)  # type: ignore[arg-type]


async def test_a_new_file_gets_the_current_schema(store: Store) -> None:
    assert await store.schema_version() == SCHEMA_VERSION
    assert await store.integrity_check() == "ok"
    assert await store.corpus_version() == 0


async def test_migrations_move_an_old_file_forward_and_refuse_a_newer_one(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # version 0: an empty file from before the first migration
    async with await Store.open(path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="schema version"):
        await Store.open(path)


async def test_statements_round_trip_with_tags_and_source(store: Store) -> None:
    article = make_article("one.txt")
    said = make_statement(
        article,
        "Vladimir Norov",
        "The bloc will grow",
        speaker_role="SCO Secretary General",
        topics=["expansion"],
        countries=["China", "Russia"],
        kind="direct",
        cue="stressed",
    )
    await store.apply(CorpusChange(parsed=[(article, [said])], removed=[]))
    [stored] = await store.statements(await store.ids_by_date())
    assert (stored.text, stored.kind, stored.cue, stored.speaker) == (
        "The bloc will grow",
        "direct",
        "stressed",
        "Vladimir Norov",
    )
    assert stored.speaker_role == "SCO Secretary General"
    assert stored.date == date(2024, 7, 4)
    assert (stored.outlet, stored.doc) == ("Example Wire", "one.txt")
    assert stored.topics == ("expansion",)
    assert set(stored.countries) == {"China", "Russia"}
    source = await store.source(stored.id)
    assert source is not None
    assert (source.paragraph_text, source.paragraph_count, source.place) == ("Paragraph one.", 2, "Astana")
    assert await store.corpus_version() == 1


async def test_speakers_merge_across_articles_and_leave_with_their_last_statement(store: Store) -> None:
    first, second = make_article("a.txt"), make_article("b.txt", published=date(2024, 8, 1))
    await store.apply(CorpusChange(parsed=[(first, [make_statement(first, "Xi", "One thing")])], removed=[]))
    await store.apply(
        CorpusChange(parsed=[(second, [make_statement(second, "Xi Jinping", "Another thing")])], removed=[])
    )
    [speaker] = await store.speaker_names()
    assert (speaker.name, speaker.statements) == ("Xi Jinping", 2)
    assert "Xi" in speaker.aliases
    assert [s.text for s in await store.statements(await store.ids_by_speakers([speaker.id]))] == [
        "Another thing",
        "One thing",
    ]
    await store.apply(CorpusChange(parsed=[], removed=["a.txt", "b.txt"]))
    assert await store.speaker_names() == []
    assert (await store.counts()).statements == 0


async def test_replacing_a_document_replaces_its_statements(store: Store) -> None:
    old = make_article("a.txt", "Old text.")
    await store.apply(CorpusChange(parsed=[(old, [make_statement(old, "Ann Lee", "old words")])], removed=[]))
    new = make_article("a.txt", "New text.")
    await store.apply(CorpusChange(parsed=[(new, [make_statement(new, "Ann Lee", "new words")])], removed=[]))
    assert await store.ids_by_text('"old"') == []
    [found] = await store.statements(await store.ids_by_text('"new"'))
    assert found.text == "new words"
    assert await store.document_hashes() == {"a.txt": new.content_hash}


async def test_a_failed_load_changes_nothing(store: Store) -> None:
    kept = make_article("kept.txt")
    await store.apply(CorpusChange(parsed=[(kept, [make_statement(kept, "Ann Lee", "kept words")])], removed=[]))
    broken = make_statement(make_article("new.txt"), "Bo Chen", "never stored", kind="shouted")
    with pytest.raises(sqlite3.IntegrityError):
        await store.apply(CorpusChange(parsed=[(make_article("new.txt"), [broken])], removed=["kept.txt"]))
    assert (await store.counts()).statements == 1
    assert list(await store.document_hashes()) == ["kept.txt"]
    assert await store.corpus_version() == 1


async def test_topic_country_and_text_queries(store: Store) -> None:
    article = make_article("a.txt")
    statements = [
        make_statement(article, "Ann Lee", "Energy deals with Iran", topics=["energy"], countries=["Iran"]),
        make_statement(article, "Bo Chen", "Security first", topics=["security"], countries=["China"]),
    ]
    await store.apply(CorpusChange(parsed=[(article, statements)], removed=[]))
    by_topic = await store.statements(await store.ids_by_topic("energy"))
    by_country = await store.statements(await store.ids_by_country("China"))
    by_text = await store.statements(await store.ids_by_text("security"))
    assert [s.speaker for s in by_topic] == ["Ann Lee"]
    assert [s.speaker for s in by_country] == ["Bo Chen"]
    assert [s.speaker for s in by_text] == ["Bo Chen"]
    assert {c.name: c.count for c in await store.country_counts()} == {"China": 1, "Iran": 1}
    assert (await store.random_statement()) is not None


async def test_reference_data_round_trips(store: Store) -> None:
    events = [
        MembershipEvent("India", "IN", "observer", date(2005, 7, 5), date(2017, 6, 9), "https://example.org/a"),
        MembershipEvent("India", "IN", "member", date(2017, 6, 9), None, "https://example.org/b"),
    ]
    await store.replace_membership(events)
    assert await store.membership() == events
    await store.replace_topics([("energy", "Oil and gas", ["oil", "gas"])])
    assert await store.topic_keywords() == {"energy": ["oil", "gas"]}
    assert [(t.name, t.count) for t in await store.topic_counts()] == [("energy", 0)]


async def test_the_database_is_in_wal_mode(store: Store) -> None:
    with sqlite3.connect(store.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
