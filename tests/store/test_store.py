from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

import bot.store.connection
import bot.store.versions
import bot.store.writes
from bot.corpus.members import MembershipEvent
from bot.store import SCHEMA_VERSION, CorpusChange, CorpusDelta, Store
from tests.auxil.corpus import make_article, make_statement


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


async def test_a_load_bigger_than_one_batch_of_rows_keeps_every_statement_with_its_tags(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store.writes, "_ROWS_PER_CALL", 3)  # several executemany rounds in one load
    articles = [make_article(f"{n}.txt", published=date(2020, 1, n + 1)) for n in range(4)]
    parsed = [
        (
            article,
            [
                make_statement(article, "Ann Lee", f"words {n} {k}", topics=["energy"], countries=["Iran", "Iran"])
                for k in range(2)
            ],
        )
        for n, article in enumerate(articles)
    ]
    await store.apply(CorpusChange(parsed=parsed, removed=[]))
    assert (await store.counts()).statements == 8
    by_topic = await store.statements(await store.ids_by_topic("energy"))
    assert [s.date for s in by_topic] == sorted((s.date for s in by_topic), reverse=True)
    assert {s.doc for s in by_topic} == {a.name for a in articles}
    assert all(s.countries == ("Iran",) for s in by_topic)
    [found] = await store.statements(await store.ids_by_text('"words" "2" "1"'))
    assert (found.doc, found.text) == ("2.txt", "words 2 1")
    await store.apply(CorpusChange(parsed=[], removed=["0.txt"]))
    assert len(await store.ids_by_country("Iran")) == 6


async def test_a_speaker_keeps_the_role_of_their_latest_statement_and_goes_with_their_last(store: Store) -> None:
    old = make_article("old.txt", published=date(2020, 1, 1))
    new = make_article("new.txt", published=date(2024, 1, 1))
    await store.apply(
        CorpusChange(
            parsed=[
                (old, [make_statement(old, "Ann Lee", "early words", speaker_role="Envoy")]),
                (new, [make_statement(new, "Ann Lee", "later words", speaker_role="Minister")]),
            ],
            removed=[],
        )
    )
    assert [s.role for s in await store.speaker_names()] == ["Minister"]
    await store.apply(CorpusChange(parsed=[], removed=["new.txt"]))
    assert [s.role for s in await store.speaker_names()] == ["Envoy"]
    await store.apply(CorpusChange(parsed=[], removed=["old.txt"]))
    assert (await store.counts()).speakers == 0


async def test_dates_select_by_range_and_read_as_sortable_days(store: Store) -> None:
    days = [date(2009, 5, 1), date(2009, 12, 31), date(2010, 1, 1), None]
    articles = [make_article(f"{n}.txt", published=day) for n, day in enumerate(days)]
    await store.apply(
        CorpusChange(parsed=[(a, [make_statement(a, "Ann Lee", f"said {a.name}")]) for a in articles], removed=[])
    )
    every = await store.ids_by_date()
    assert len(every) == 4
    year = await store.ids_by_date(date(2009, 1, 1), date(2009, 12, 31))
    assert [s.date for s in await store.statements(year)] == [date(2009, 12, 31), date(2009, 5, 1)]
    since = await store.ids_by_date(start=date(2009, 6, 1), newest_first=False)
    assert [s.date for s in await store.statements(since)] == [date(2009, 12, 31), date(2010, 1, 1)]
    # The days a searcher sorts by: YYYYMMDD numbers, 0 when undated, a page at a time in id order.
    ids = sorted(every)
    assert await store.days() == list(zip(ids, [20090501, 20091231, 20100101, 0], strict=True))
    assert await store.days(from_id=ids[1], limit=2) == [(ids[1], 20091231), (ids[2], 20100101)]


async def test_unranked_matches_and_text_pages_cover_every_statement(store: Store) -> None:
    article = make_article("a.txt")
    statements = [make_statement(article, "Ann Lee", f"energy talk number {n}") for n in range(5)]
    await store.apply(CorpusChange(parsed=[(article, statements)], removed=[]))
    assert sorted(await store.ids_matching('"energy"')) == sorted(await store.ids_by_text('"energy"'))
    assert len(await store.ids_matching('"energy"', limit=2)) == 2
    first = await store.texts(limit=3)
    rest = await store.texts(after=first[-1][0])
    assert [text for _, text in first + rest] == [s.text for s in statements]


async def test_tag_dates_are_filled_in_for_a_database_from_before_they_existed(tmp_path: Path) -> None:
    from bot.store import MIGRATIONS

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as raw:
        raw.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
        raw.execute("INSERT INTO documents (id, name, content_hash, paragraphs) VALUES (1, 'a.txt', 'h', '[]')")
        raw.execute(
            "INSERT INTO statements (id, document_id, paragraph, kind, cue, text, date) "
            "VALUES (7, 1, 0, 'direct', 'said', 'energy words', '2021-03-04')"
        )
        raw.execute("INSERT INTO statement_topics (statement_id, topic) VALUES (7, 'energy')")
        raw.execute("INSERT INTO statement_countries (statement_id, country) VALUES (7, 'Iran')")
    async with await Store.open(path) as store:
        assert await store.ids_by_topic("energy") == [7]
        assert await store.ids_by_country("Iran") == [7]
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT date FROM statement_topics").fetchone() == ("2021-03-04",)


async def test_each_corpus_version_logs_what_search_must_read_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = make_article("a.txt")
    said = make_statement(article, "Ann Lee", "Energy deals", topics=["energy"], countries=["Iran"])
    await store.apply(CorpusChange(parsed=[(article, [said])], removed=[]))
    [ann] = await store.speaker_names()
    [said_id] = await store.ids_by_date()
    # The new statements are those from the lowest id a version added, to read their dates.
    assert await store.changes(0, 1) == CorpusDelta({ann.id}, {"energy"}, {"Iran"}, statements_from=said_id)
    await store.replace_membership([MembershipEvent("Iran", "IR", "member", date(2023, 7, 4), None, "https://x.org")])
    assert await store.changes(1, 2) == CorpusDelta()  # membership is not searched by name
    assert (await store.changes(0, 2) or CorpusDelta()).statements_from == said_id
    await store.apply(CorpusChange(parsed=[], removed=["a.txt"]))  # what goes is logged as well as what comes
    assert await store.changes(2, 3) == CorpusDelta({ann.id}, {"energy"}, {"Iran"})
    assert await store.changes(-1, 3) is None  # from before the first version: only a rebuild can tell
    await store.replace_topics([("energy", "Oil and gas", ["oil"])])
    assert await store.changes(3, 4) is None  # a new taxonomy changes every topic
    monkeypatch.setattr(bot.store.versions, "VERSIONS_LOGGED", 2)
    await store.replace_membership([])
    assert await store.changes(4, 5) == CorpusDelta()
    assert await store.changes(2, 3) is None  # pruned
    monkeypatch.setattr(bot.store.versions, "LOGGED_CHANGES", 2)
    await store.apply(CorpusChange(parsed=[(article, [said])], removed=[]))
    assert await store.changes(5, 6) is None  # too many to list: a rebuild is quicker to tell


async def test_file_stats_are_recorded_beside_the_hash_until_the_document_is_replaced(store: Store) -> None:
    article = make_article("a.txt")
    await store.apply(CorpusChange(parsed=[(article, [])], removed=[]))
    assert await store.known_documents() == {"a.txt": (article.content_hash, None)}
    version = await store.corpus_version()
    await store.record_files({"a.txt": (10, 20, 30), "gone.txt": (1, 2, 3)})
    assert await store.known_documents() == {"a.txt": (article.content_hash, (10, 20, 30))}
    assert await store.corpus_version() == version  # the corpus is the same
    new = make_article("a.txt", "New text.")
    await store.apply(CorpusChange(parsed=[(new, [])], removed=[]))
    assert await store.known_documents() == {"a.txt": (new.content_hash, None)}


def test_close_bm25_scores_put_the_newer_statement_first() -> None:
    from bot.store.selections import close_scores_newest_first

    scored = [(1, -10.0, 20200101), (2, -9.8, 20240101), (3, -5.0, 20250101), (4, -10.5, 0)]
    # 1, 2 and 4 score within a tenth of the best: newest first among them; 3 is clearly worse.
    assert close_scores_newest_first(scored) == [2, 1, 4, 3]


async def test_a_reprint_is_one_statement_and_outlives_its_first_source(store: Store) -> None:
    from tests.auxil.corpus import article, statement

    first = article("first.txt", date(2024, 3, 2), "Ann Lee said trade in national currencies keeps growing.")
    again = article("again.txt", date(2024, 3, 3), "Ann Lee said so.", outlet="Steppe Daily")
    said = "trade in national currencies keeps growing"
    await store.apply(
        CorpusChange(
            parsed=[
                (first, [statement(first, "Ann Lee", said)]),
                (again, [statement(again, "Ann Lee", "“Trade in national currencies keeps growing,”")]),
            ],
            removed=[],
        )
    )
    assert (await store.counts()).statements == 1
    [only] = await store.statements(await store.ids_by_date())
    assert only.sources == ("first.txt", "again.txt")
    source = await store.source(only.id)
    assert source is not None and [(s.doc, s.outlet) for s in source.also_in] == [("again.txt", "Steppe Daily")]
    await store.apply(CorpusChange(parsed=[], removed=["first.txt"]))
    [kept] = await store.statements(await store.ids_by_date())
    assert kept.id == only.id and kept.doc == "again.txt" and kept.sources == ("again.txt",)
    await store.apply(CorpusChange(parsed=[], removed=["again.txt"]))
    assert (await store.counts()).statements == 0


async def test_words_match_by_stem_and_a_speaker_narrows_them(store: Store) -> None:
    article = make_article("a.txt")
    statements = [
        make_statement(article, "Ann Lee", "Trade in national currencies will grow"),
        make_statement(article, "Bo Chen", "A common currency is far off"),
        make_statement(article, "Bo Chen", "Sanctioned banks cannot clear payments"),
    ]
    await store.apply(CorpusChange(parsed=[(article, statements)], removed=[]))
    chen = next(n.id for n in await store.speaker_names() if n.name == "Bo Chen")
    found = await store.statements(await store.ids_by_text('"currency"*'))
    assert {s.speaker for s in found} == {"Ann Lee", "Bo Chen"}
    assert [s.text for s in await store.statements(await store.ids_by_text('"sanction"*'))] == [statements[2].text]
    theirs = await store.statements(await store.ids_by_text('"currency"*', speaker_id=chen))
    assert [s.text for s in theirs] == ["A common currency is far off"]
    # The speaker column is never searched as words.
    assert await store.ids_by_text(f'"s{chen}"') == []


async def test_an_index_from_before_stems_and_speaker_terms_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    monkeypatch.setattr(bot.store.connection, "MIGRATIONS", bot.store.connection.MIGRATIONS[:8])
    monkeypatch.setattr(bot.store.connection, "SCHEMA_VERSION", 8)
    async with await Store.open(path):
        pass
    monkeypatch.undo()
    # Rows as schema 8 holds them, written by hand: today's load writes tables schema 8 did not have.
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO documents (id, name, content_hash, paragraphs) VALUES (1, 'a.txt', 'h', '[]')")
        raw.execute("INSERT INTO speakers (id, name, kind, statements) VALUES (4, 'Bo Chen', 'person', 1)")
        raw.execute(
            "INSERT INTO statements (id, document_id, paragraph, speaker_id, kind, cue, text) "
            "VALUES (7, 1, 0, 4, 'indirect', 'said', 'Sanctioned banks cannot clear payments')"
        )
    async with await Store.open(path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
        chen = next(n.id for n in await store.speaker_names() if n.name == "Bo Chen")
        assert len(await store.ids_by_text('"sanction"*', speaker_id=chen)) == 1
        assert await store.integrity_check() == "ok"
