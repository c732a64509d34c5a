"""The handlers, driven through `scobot chat`'s in-process Bot API: what a user would read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.serving.local import LocalChat, Shown, ask
from bot.store import Store
from handlers.render import MESSAGE_LIMIT


@pytest.fixture
async def chat(sample_store: Store, tmp_path) -> AsyncIterator[LocalChat]:  # type: ignore[no-untyped-def]
    settings = Settings(database_path=tmp_path / "unused.db", _env_file=None)  # type: ignore[call-arg]
    async with LocalChat(settings, sample_store) as local:
        yield local


async def one(chat: LocalChat, text: str) -> Shown:
    [shown] = await chat.send(text)
    assert 0 < len(shown.text) <= MESSAGE_LIMIT
    return shown


def labels(shown: Shown) -> list[str]:
    return [label for row in shown.buttons for label, _ in row]


async def test_quote_shows_a_card_with_paging_source_and_more_by(chat: LocalChat) -> None:
    card = await one(chat, "/quote norrov")
    assert "Vladimir Norov, SCO Secretary General" in card.text
    assert "1 of 2" in card.text
    assert labels(card) == ["◀", "1/2", "▶", "Source", "Export"]
    [second] = await chat.press(card, 3)
    assert second.edited and "2 of 2" in second.text
    [source] = await chat.press(second, 4)
    assert "paragraph 1 of 2" in source.text and "first.txt" in source.text


async def test_direct_quotes_are_in_quotation_marks(chat: LocalChat) -> None:
    card = await one(chat, "/quote consensus")
    assert "“The bloc takes decisions by consensus”" in card.text


async def test_an_ambiguous_surname_asks_which_one(chat: LocalChat) -> None:
    choice = await one(chat, "/quote zhang")
    assert "could mean several things" in choice.text
    assert sorted(label.split(" (")[0].split(" ·")[0] for label in labels(choice)) == ["Zhang Haizhou", "Zhang Ming"]
    [card] = await chat.press(choice, 1)
    assert "Zhang" in card.text and "More by" not in " ".join(labels(card))


async def test_a_card_from_a_topic_offers_more_by_its_speaker(chat: LocalChat) -> None:
    card = await one(chat, "/quote trade")
    assert "Zhang Ming" in card.text
    assert "More by Zhang Ming" in labels(card)  # the whole name: "Ming" is not his surname


async def test_nothing_found_says_so_and_suggests(chat: LocalChat) -> None:
    reply = await one(chat, "/quote qwxzv")
    assert "Nothing in the corpus matches" in reply.text
    assert reply.buttons


async def test_random_quote_without_a_query(chat: LocalChat) -> None:
    card = await one(chat, "/quote")
    assert "🎲 Another" in labels(card)


async def test_members_roster_and_one_country(chat: LocalChat) -> None:
    roster = await one(chat, "/members")
    assert "Member states (2)" in roster.text and "Observers (1)" in roster.text
    assert "Iran · since 4 Jul 2023 · 1 statement" in roster.text
    iran = await one(chat, "/members Iranian")
    assert "observer from 5 Jul 2005 until 4 Jul 2023" in iran.text
    assert "member state from 4 Jul 2023" in iran.text
    assert "Iran will become a member state" in iran.text
    unknown = await one(chat, "/members Atlantis")
    assert "I don't know a country called" in unknown.text


async def test_timeline_merges_statements_and_membership_events(chat: LocalChat) -> None:
    everything = await one(chat, "/timeline")
    assert everything.text.index("China becomes an SCO member state") < everything.text.index("2021-12-21")
    year = await one(chat, "/timeline 2023")
    assert "Iran becomes an SCO member state" in year.text and "Zhang Haizhou" in year.text
    assert "Vladimir Norov" not in year.text


async def test_lists_of_speakers_and_topics(chat: LocalChat) -> None:
    speakers = await one(chat, "/speakers")
    assert "Vladimir Norov · SCO Secretary General · 2" in speakers.text
    topics = await one(chat, "/topics")
    assert "Economy & trade · 1" in topics.text


async def test_source_and_deep_links(chat: LocalChat) -> None:
    assert "Usage" in (await one(chat, "/source")).text
    assert "There is no statement #999" in (await one(chat, "/source 999")).text
    card = await one(chat, "/start s_1")
    assert "Vladimir Norov" in card.text
    greeting = await one(chat, "/start")
    assert "6 statements by 5 speakers from 3 articles" in greeting.text


async def test_html_in_queries_is_escaped(chat: LocalChat) -> None:
    reply = await one(chat, "/quote <b>bold</b> & <script>")
    assert "<b>bold</b> & <script>" in reply.text  # shown literally, not as markup


async def test_plain_words_in_a_private_chat_search_and_unknown_commands_get_help(chat: LocalChat) -> None:
    assert "Xi Jinping" in (await one(chat, "xi jinping")).text
    assert "/help" in (await one(chat, "/frobnicate")).text


async def test_ask_prints_the_reply_with_its_buttons(sample_store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    printed: list[str] = []
    settings = Settings(database_path=tmp_path / "unused.db", _env_file=None)  # type: ignore[call-arg]
    assert await ask(settings, sample_store, "/quote norov", printed.append) == 0
    assert "Vladimir Norov" in printed[0] and "[◀] [1/2] [▶]" in printed[0]


async def test_a_membership_event_sits_on_one_timeline_page_however_many_share_its_date(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from bot.store import CorpusChange, MembershipEvent
    from tests.auxil.corpus import article, statement

    settings = Settings(database_path=tmp_path / "unused.db", _env_file=None)  # type: ignore[call-arg]
    async with await Store.open(tmp_path / "events.db") as store:
        undated = article("undated.txt", None)
        joined = article("joined.txt", date(2023, 7, 4))
        later = article("later.txt", date(2023, 9, 1))
        parsed = [
            (undated, [statement(undated, "Ann Lee", f"Undated remark {n}") for n in range(9)]),
            (joined, [statement(joined, "Bo Chen", f"Remark {n} on the day Iran joined") for n in range(12)]),
            (later, [statement(later, "Bo Chen", "A later remark")]),
        ]
        await store.apply(CorpusChange(parsed=parsed, removed=[]))
        await store.replace_membership([MembershipEvent("Iran", "IR", "member", date(2023, 7, 4), None, "test", "")])
        async with LocalChat(settings, store) as chat:
            page = await one(chat, "/timeline")
            texts = [page.text]
            while "▶" in labels(page) and len(texts) < 10:
                [page] = await chat.press(page, labels(page).index("▶") + 1)
                if page.text in texts:
                    break
                texts.append(page.text)
    assert len(texts) == 3
    assert sum(text.count("becomes an SCO member") for text in texts) == 1
