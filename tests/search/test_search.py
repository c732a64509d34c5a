from __future__ import annotations

import pytest

from bot.search import Searcher, SearchIndex, SelectionKey, target_key
from bot.search.index import fts_expression
from bot.search.keys import MAX_KEY_BYTES
from bot.search.match_lists import fold
from bot.store import Store


@pytest.fixture
async def searcher(sample_store: Store) -> Searcher:
    found = Searcher(sample_store)
    assert await found.refresh()
    return found


def speaker_label(searcher: Searcher, query: str) -> str | None:
    target = searcher.index.resolve(query).best
    return target.label if target and target.kind == "speaker" else None


@pytest.mark.parametrize(
    ("query", "speaker"),
    [
        ("norov", "Vladimir Norov"),
        ("Vladimir Norov", "Vladimir Norov"),
        ("norrov", "Vladimir Norov"),  # a typo
        ("Норов", "Vladimir Norov"),  # Cyrillic
        ("习近平", "Xi Jinping"),  # Chinese
        ("xi", "Xi Jinping"),
        ("secretary general", "Vladimir Norov"),  # a role
        ("chinese foreign ministry", "Chinese Foreign Ministry"),
    ],
)
async def test_speakers_are_found_by_name_typo_script_and_role(searcher: Searcher, query: str, speaker: str) -> None:
    assert speaker_label(searcher, query) == speaker


async def test_a_shared_surname_is_offered_as_a_choice(searcher: Searcher) -> None:
    resolution = searcher.index.resolve("zhang")
    assert resolution.ambiguous
    assert {m.target.label for m in resolution.matches} == {"Zhang Ming", "Zhang Haizhou"}


async def test_topics_and_countries_resolve(searcher: Searcher) -> None:
    assert searcher.index.resolve("trade").best.label == "Economy & trade"  # type: ignore[union-attr]
    assert searcher.index.resolve("Iranian", kinds=("country",)).best.label == "Iran"  # type: ignore[union-attr]
    assert searcher.index.resolve("2023", kinds=("year",)).best.key == "2023"  # type: ignore[union-attr]


async def test_a_short_query_does_not_fuzzily_match_everything(searcher: Searcher) -> None:
    resolution = searcher.index.resolve("us")
    assert all(match.target.kind == "country" for match in resolution.matches)
    assert not resolution.suggestions


async def test_find_returns_statements_newest_first(searcher: Searcher) -> None:
    found = await searcher.find("norov")
    statements = await searcher.store.statements(list(found.ids))
    assert [s.speaker for s in statements] == ["Vladimir Norov", "Vladimir Norov"]
    assert found.key is not None and found.key.kind == "s"


async def test_words_that_name_nothing_fall_back_to_full_text(searcher: Searcher) -> None:
    found = await searcher.find("cooperation deepen")
    assert found.key is not None and found.key.kind == "x"
    [statement] = await searcher.store.statements(list(found.ids))
    assert statement.text == "security cooperation must deepen"
    assert await searcher.ids(found.key) == list(found.ids)


async def test_nothing_found_still_suggests_something(searcher: Searcher) -> None:
    found = await searcher.find("qwxzv")
    assert not found.ids
    assert found.resolution.suggestions


async def test_weak_suggestions_are_looked_for_only_when_asked(searcher: Searcher) -> None:
    # "norxv" is no name and no word: only a weak likeness to Norov.
    confident_only = searcher.index.resolve("norxv", suggest=False)
    assert not confident_only.matches and not confident_only.suggestions
    weak = searcher.index.resolve("norxv")
    assert [m.target.label for m in weak.suggestions][:1] == ["Vladimir Norov"]
    found = await searcher.find("norxv")
    assert not found.ids and found.resolution == weak
    # A confident match is the same answer with or without suggestions.
    assert searcher.index.resolve("norrov", suggest=False) == searcher.index.resolve("norrov")


async def test_unknown_selection_keys_are_none_not_errors(searcher: Searcher) -> None:
    assert await searcher.ids(SelectionKey("x", "000000000000")) is None
    assert await searcher.ids(SelectionKey("t", "000000000000", hashed=True)) is None
    assert await searcher.ids(SelectionKey("s", "notanumber")) is None
    # What no key can spell is refused before it reaches the searcher.
    assert SelectionKey.parse("zz:1") is None and SelectionKey.parse("s:notanumber") is None


async def test_the_index_is_rebuilt_only_when_the_corpus_changes(searcher: Searcher) -> None:
    before = searcher.index
    assert not await searcher.refresh()
    assert searcher.index is before
    await searcher.store.replace_membership([])
    assert await searcher.refresh()


@pytest.mark.parametrize(
    "hostile", ['"', "a AND b", "NEAR(x y)", "x*", "^start", "(unbalanced", "' OR 1=1 --", "\x00", "🙂"]
)
async def test_fts_syntax_in_queries_is_never_passed_through(searcher: Searcher, hostile: str) -> None:
    expression = fts_expression(hostile)
    if expression is not None:
        await searcher.store.ids_by_text(expression)  # must not raise
    await searcher.find(hostile)


def test_fold_transliterates_and_splits_camel_case() -> None:
    assert fold("XiJinPing") == "xi jin ping"
    assert fold("Норов!") == "norov"
    assert fold("  ") == ""


def test_an_empty_index_answers_nothing() -> None:
    assert SearchIndex().resolve("anything").best is None


async def test_a_long_topic_name_gets_a_short_key_that_still_finds_it(sample_store: Store) -> None:
    long_name = "Connectivity, transport corridors and the Belt and Road Initiative in Central Asia"
    await sample_store.replace_topics([(long_name, "", ["trade"])], tag=lambda text: [long_name] * ("trade" in text))
    searcher = Searcher(sample_store)
    await searcher.refresh()
    target = searcher.index.topics[long_name]
    key = target_key(target)
    assert len(key.format().encode()) <= MAX_KEY_BYTES
    assert SelectionKey.parse(key.format()) == key
    assert await searcher.ids(key) == await sample_store.ids_by_topic(long_name)
    assert searcher.title(key) == long_name


async def test_a_selection_is_asked_of_the_store_once_until_the_corpus_changes(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = Searcher(sample_store)
    await searcher.refresh()
    calls: list[str] = []
    original = sample_store.ids_by_topic

    async def counted(topic: str, limit: int = 1000) -> list[int]:
        calls.append(topic)
        return await original(topic, limit)

    monkeypatch.setattr(sample_store, "ids_by_topic", counted)
    first = await searcher.ids(SelectionKey.named("t", "Economy & trade"))
    assert first and await searcher.ids(SelectionKey.named("t", "Economy & trade")) == first
    assert len(calls) == 1
    await sample_store.replace_topics([("Economy & trade", "Trade", ["trade", "currencies"])])
    assert await searcher.refresh()
    await searcher.ids(SelectionKey.named("t", "Economy & trade"))
    assert len(calls) == 2


def test_typos_are_forgiven_for_the_most_quoted_names_and_exact_names_always_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.search.match_lists
    from bot.store import SpeakerNames

    monkeypatch.setattr(bot.search.match_lists, "FUZZY_POOL", 2)
    speakers = [
        SpeakerNames(1, "Vladimir Norov", "person", None, (), 50),
        SpeakerNames(2, "Zhang Ming", "person", None, (), 40),
        SpeakerNames(3, "Amina Qorvali", "person", None, (), 1),
    ]
    index = SearchIndex(speakers)
    assert index.resolve("norrov").best == index.speaker(1)
    assert index.resolve("qorvali").best == index.speaker(3)  # spelt exactly: found however rarely quoted
    assert index.resolve("qorvalli").best is None  # a typo of a name outside the fuzzy pool


def test_fts_expression_looks_up_stems_once_each_and_beginnings_on_request() -> None:
    assert fts_expression("people-to-people ties") == '"people" "ties"'
    assert fts_expression("chaba port", prefix=True) == '"chaba"* "port"*'
    assert fts_expression("chaba port", prefix=["chaba"]) == '"chaba"* "port"'
    assert fts_expression("on the") == '"on" "the"'  # only stop words: they are the query


async def test_a_faint_likeness_is_not_offered_as_did_you_mean(searcher: Searcher) -> None:
    # "morova" is 69 of 100 like a word of "Vladimir Norov" (73, less a word's 5%): too faint to offer.
    faint = await searcher.find("morova")
    assert faint.key is None and all(m.score == 0.0 for m in faint.resolution.suggestions)
    typo = await searcher.find("norrov")
    assert typo.key is not None and "Norov" in typo.title


async def test_only_words_no_statement_holds_whole_are_taken_as_beginnings(store: Store) -> None:
    from bot.store import CorpusChange
    from tests.auxil.corpus import make_article, make_statement

    source = make_article("a.txt")
    texts = ["Portfolio sanctions were lifted", "The port reopened", "New sanctions came"]
    await store.apply(CorpusChange([(source, [make_statement(source, "Ann Lee", t) for t in texts])], []))
    searcher = Searcher(store)
    await searcher.refresh()

    async def texts_found(query: str) -> list[str]:
        return [s.text for s in await store.statements(list((await searcher.find(query)).ids))]

    # "port" is a whole word of some statement: it does not stand for "portfolio".
    assert texts[0] not in await texts_found("sanctions port")
    assert await texts_found("sanctions portf") == [texts[0]]
