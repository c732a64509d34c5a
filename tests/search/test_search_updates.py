"""After a reload the searcher updates its match lists in place, and answers exactly as lists built afresh."""

from __future__ import annotations

from datetime import date

import pytest

import bot.search.match_lists
from bot.corpus.models import Article, Statement
from bot.search import Searcher, SearchIndex
from bot.store import CorpusChange, Store
from tests.auxil.corpus import SAMPLE_MEMBERS, article, statement

KINDS = (("speaker", "topic", "country"), ("speaker",), ("topic",), ("country",), ("speaker", "year"))


def queries(index: SearchIndex) -> list[str]:
    """Every name, alias, role and word the index knows, each also with a typo, and a few that match nothing."""
    found = {"norrov", "zhang", "secretary general", "qwxzv", "2023", "Норов", "trade", "iranian", "minister"}
    for target in [*index.speakers.values(), *index.topics.values()]:
        for name in (target.label, target.detail or ""):
            found |= {name, name[:-1], name.lower().replace("a", "e", 1), *name.split()}
    return sorted(q for q in found if q)


async def assert_answers_as_if_rebuilt(searcher: Searcher) -> None:
    kept = searcher.index
    rebuilt = await SearchIndex.from_store(searcher.store)
    assert kept.version == rebuilt.version
    assert (kept.speakers, kept.topics, kept.countries) == (rebuilt.speakers, rebuilt.topics, rebuilt.countries)
    assert kept.top_speakers(50) == rebuilt.top_speakers(50)
    fresh = Searcher(searcher.store)
    await fresh.refresh()
    for query in queries(rebuilt) + queries(kept):
        for kinds in KINDS:
            assert kept.resolve(query, kinds) == rebuilt.resolve(query, kinds), (query, kinds)
        assert kept.closest(query) == rebuilt.closest(query), query
        assert await searcher.find(query) == await fresh.find(query), query
        assert await searcher.find(query, by_date=True) == await fresh.find(query, by_date=True), query
    # The days kept in memory are the dates the store holds, and sort as SQLite sorts them.
    every = await searcher.store.ids_by_date(limit=-1)
    assert [searcher.days.day(i) for i in every] == [fresh.days.day(i) for i in every]
    assert searcher.days.oldest_first(every) == every[::-1]


def said(source: Article, *speakers: str, role: str | None = None, **tags: tuple[str, ...]) -> list[Statement]:
    return [statement(source, name, f"{name} spoke on {source.name}", role=role, **tags) for name in speakers]


async def test_match_lists_updated_in_place_answer_as_lists_built_afresh(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small pools and an early compaction, so the names at the edge of the fuzzy pool and strings no speaker
    # owns any more are exercised by a small corpus.
    monkeypatch.setattr(bot.search.match_lists, "FUZZY_POOL", 6)
    monkeypatch.setattr(bot.search.match_lists, "COMPACT_FROM", 2)
    searcher = Searcher(sample_store)
    await searcher.refresh()
    index = searcher.index

    first = article("first.txt", date(2022, 1, 9), "The secretary general changed his mind.")
    fourth = article("fourth.txt", date(2024, 3, 1), "A minister spoke.", "Then another.")
    fifth = article("fifth.txt", date(2024, 4, 1), "Li spoke.")
    sixth = article("sixth.txt", date(2024, 5, 1), "Li Qiang spoke.")
    earlier = article("earlier.txt", date(2019, 2, 1), "Bo Chen spoke.")
    loads = [
        # New speakers with roles, topics and countries.
        CorpusChange(
            [
                (
                    fourth,
                    said(fourth, "Amina Qorvali", "Amina Qorvali", role="Foreign Minister", topics=("Economy & trade",))
                    + said(fourth, "Bo Chen", "Cy Dunn", "Ed Fox", role="Foreign Minister", countries=("Kazakhstan",)),
                )
            ],
            [],
        ),
        # A document replaced: a speaker changes role, another leaves, a surname joins nobody (two Zhangs).
        CorpusChange([(first, said(first, "Vladimir Norov", "Zhang", role="Former Secretary General"))], []),
        # A short name, then the fuller name that takes it over.
        CorpusChange([(fifth, said(fifth, "Li", countries=("China",)))], []),
        CorpusChange([(sixth, said(sixth, "Li Qiang", "Li Qiang", topics=("Expansion & membership",)))], []),
        # Documents removed: their speakers, topics and countries lose statements or leave altogether.
        CorpusChange([], ["second.txt", "fourth.txt"]),
        # The newest statements go and their ids are given again, to statements of another date.
        CorpusChange([], ["sixth.txt"]),
        CorpusChange([(earlier, said(earlier, "Bo Chen", "Li Qiang"))], []),
    ]
    for load in loads:
        await sample_store.apply(load)
        assert await searcher.refresh()
        assert searcher.index is index  # updated in place, not rebuilt
        await assert_answers_as_if_rebuilt(searcher)
    assert searcher.index.resolve("li").best == searcher.index.resolve("li qiang").best

    await sample_store.replace_membership(SAMPLE_MEMBERS[:2])
    assert await searcher.refresh() and searcher.index is index
    await assert_answers_as_if_rebuilt(searcher)


async def test_a_searcher_behind_the_log_or_after_a_new_taxonomy_rebuilds(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.store.versions

    searcher = Searcher(sample_store)
    await searcher.refresh()
    before = searcher.index
    await sample_store.replace_topics([("Energy", "Oil and gas", ["oil", "gas", "energy"])])
    assert await searcher.refresh()
    assert searcher.index is not before and set(searcher.index.topics) == {"Energy"}
    await assert_answers_as_if_rebuilt(searcher)

    before = searcher.index
    monkeypatch.setattr(bot.store.versions, "VERSIONS_LOGGED", 1)
    await sample_store.replace_membership([])
    await sample_store.replace_membership(SAMPLE_MEMBERS)
    assert await searcher.refresh()
    assert searcher.index is not before
    await assert_answers_as_if_rebuilt(searcher)


async def test_a_corpus_emptied_by_a_reload_leaves_lists_that_find_nothing(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.search.match_lists, "COMPACT_FROM", 1)
    searcher = Searcher(sample_store)
    await searcher.refresh()
    await sample_store.apply(CorpusChange([], ["first.txt", "second.txt", "third.txt"]))
    assert await searcher.refresh()
    assert searcher.index.speakers == {} and searcher.index.resolve("norrov").best is None
    await assert_answers_as_if_rebuilt(searcher)


async def test_days_follow_several_loads_at_once_and_a_load_not_yet_refreshed(sample_store: Store) -> None:
    searcher = Searcher(sample_store)
    await searcher.refresh()
    version = searcher.version
    older = article("older.txt", date(2001, 5, 5), "Ann Lee spoke.")
    newer = article("newer.txt", date(2030, 6, 6), "Bo Chen spoke.")
    await sample_store.apply(CorpusChange([(older, said(older, "Ann Lee"))], []))
    await sample_store.apply(CorpusChange([(newer, said(newer, "Bo Chen"))], []))
    # One refresh over two versions that both added statements reads the days of both.
    assert await searcher.refresh() and searcher.version == version + 2 and searcher.index.version == version + 2
    await assert_answers_as_if_rebuilt(searcher)
    # A load the searcher has not caught up with yet: its statements still take their places by date.
    latest = article("latest.txt", date(2015, 1, 2), "Cy Dunn spoke.")
    await sample_store.apply(CorpusChange([(latest, said(latest, "Cy Dunn"))], []))
    found = await searcher.find("spoke", by_date=True)
    days = [s.date for s in await sample_store.statements(list(found.ids))]
    assert date(2015, 1, 2) in days and days == sorted(days, key=lambda day: day or date.min)
