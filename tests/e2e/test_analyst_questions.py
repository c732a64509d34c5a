"""An analyst's questions, end to end through the fake Bot API, on a small corpus written for them.

Each class of question the realistic corpus got wrong has a test here: one person under several spellings,
honorifics and surnames; words the statements contain; a speaker with a subject; absent words; other scripts.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.corpus.nlp import DEFAULT_MODEL
from bot.loading import load_corpus
from bot.store import Store
from tests.auxil import updates
from tests.auxil.fake_bot_api import Call, FakeBotApi
from tests.auxil.running_bot import RunningBot, bot_settings, running_bot_in_mode
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.slow

USER_ID = 1001
# Invented articles: the names are public figures', the words are written for these tests.
ARTICLES = {
    "a1.txt": (
        " date 2024-03-02 MOSCOW, March 2. /Example Wire/. Russian Foreign Minister Sergey Lavrov said the bloc "
        "would expand trade in national currencies.\n\n"
        '"Our partners in the organization want fair rules for payments," Lavrov said.\n'
    ),
    "a2.txt": (
        " date 2024-05-10 ASTANA, May 10. /Sample News/. Sergei Lavrov said the port of Chabahar could link the "
        "region with the Indian Ocean.\n\n"
        "Indian Prime Minister Narendra Modi said terrorism remained the gravest threat to the region.\n\n"
        "Pakistani Prime Minister Shehbaz Sharif said his government would host the ministers next year.\n"
    ),
    "a3.txt": (
        " date 2024-07-04 TEHRAN, July 4. /Example Wire/. Ayatollah Seyed Ebrahim Raisi said Iran was proud to "
        "join the organization as a full member.\n\n"
        "Modi said connectivity projects must respect sovereignty.\n\n"
        "Former Prime Minister Nawaz Sharif said relations with neighbours needed patience.\n"
    ),
    "a4.txt": (
        " date 2024-09-01 BEIJING, September 1. /Sample News/. Ebrahim Raisi said sanctions had failed to "
        "isolate his country.\n\n"
        "Raeisi said the summit in Astana was a turning point.\n"
    ),
    # A reprint of a1's first statement by another outlet: one statement with two sources.
    "a6.txt": (
        " date 2024-03-03 ASTANA, March 3. /Steppe Daily/. Russian Foreign Minister Sergey Lavrov said the bloc "
        "would expand trade in national currencies, a day after talks in Moscow.\n"
    ),
    # An organization whose name holds a common word ("security") that a query also uses as a subject.
    "a7.txt": (
        " date 2024-11-05 NEW YORK, November 5. /Example Wire/. The UN Security Council said cooperation with "
        "regional bodies would continue.\n\n"
        "Kazakh Foreign Minister Murat Nurtleu said security cooperation in the region would deepen.\n"
    ),
    # A person whose surname is a word of a country's name.
    "a8.txt": (
        " date 2024-12-02 PRETORIA, December 2. /Sample News/. Trade envoy Lerato Africa said the south of the "
        "continent needed new ports.\n\n"
        "President Cyril Ramaphosa said South Africa would host the ministers next spring.\n"
    ),
    # A surname of two words.
    "a9.txt": (
        " date 2024-06-12 ISLAMABAD, June 12. /Sample News/. Pakistani Foreign Minister Bilawal Bhutto Zardari "
        "said Islamabad valued its ties with its neighbours in Central Asia.\n"
    ),
    "a5.txt": (
        " date 2024-10-20 BEIJING, October 20. /Example Wire/. Chinese President Xi Jinping said China and India "
        "should settle their border talks through dialogue.\n"
    ),
}


@pytest.fixture(scope="module")
def analyst_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("analyst")
    seeds = folder / "seeds"
    seeds.mkdir()
    for name, text in ARTICLES.items():
        (seeds / name).write_text(text, encoding="utf-8")
    for reference in ("members.csv", "topics.toml", "people.csv"):
        shutil.copy(SEEDS_DIR / reference, seeds / reference)
    path = folder / "scobot.db"

    async def build() -> None:
        async with await Store.open(path) as store:
            await load_corpus(store, seeds, DEFAULT_MODEL)

    asyncio.run(build())
    return path


@pytest.fixture
async def bot(fake_api: FakeBotApi, analyst_database: Path, tmp_path: Path) -> AsyncIterator[RunningBot]:
    shutil.copy(analyst_database, tmp_path / "scobot.db")
    settings = bot_settings(fake_api, tmp_path)
    async with (
        await Store.open(settings.database_path) as store,
        running_bot_in_mode(fake_api, settings, store, "polling") as running,
    ):
        yield running


async def reply(bot: RunningBot, text: str) -> Call:
    sent_after = time.monotonic()
    await bot.deliver(updates.private_message(text))
    return await bot.server.wait_for(  # type: ignore[union-attr]
        "sendMessage", lambda c: int(c.params["chat_id"]) == USER_ID and c.time >= sent_after
    )


async def command(bot: RunningBot, text: str) -> str:
    return str((await reply(bot, text)).params["text"])


def button_labels(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def card_total(card: str) -> int:
    found = re.search(r"\d+ of (\d+) · #", card)
    return int(found.group(1)) if found else 1


async def test_one_person_under_spellings_honorifics_and_a_surname_is_one_speaker(bot: RunningBot) -> None:
    lavrov = await command(bot, "/quote lavrov")
    assert re.search(r"<b>Serge[yi] Lavrov</b>", lavrov) and card_total(lavrov) == 3
    modi = await command(bot, "/quote modi")
    assert "<b>Narendra Modi</b>" in modi and card_total(modi) == 2
    raisi = await command(bot, "/quote raisi")
    assert "<b>Ebrahim Raisi</b>" in raisi and card_total(raisi) == 3
    assert "Ayatollah" not in raisi


async def test_a_surname_of_two_words_finds_its_person(bot: RunningBot) -> None:
    answer = await command(bot, "/quote bhutto zardari")
    assert "<b>Bilawal Bhutto Zardari</b>" in answer and "valued its ties" in answer


async def test_people_who_share_a_surname_stay_two(bot: RunningBot) -> None:
    speakers = await command(bot, "/speakers")
    assert "Nawaz Sharif" in speakers and "Shehbaz Sharif" in speakers


async def test_other_scripts_find_people_and_countries(bot: RunningBot) -> None:
    assert "<b>Sergey Lavrov</b>" in await command(bot, "/quote 拉夫罗夫")
    assert "<b>Xi Jinping</b>" in await command(bot, "/quote Си Цзиньпин")
    china = await command(bot, "/members 中国")
    assert "<b>China</b>" in china and "Hong Kong" not in china
    india = await command(bot, "/quote 印度")
    assert "India" in india and "Ireland" not in india


async def test_words_find_the_statements_that_hold_them(bot: RunningBot) -> None:
    chabahar = await command(bot, "/quote chabahar")
    # The word's own statement comes first; its topic (connectivity) only widens the selection after it.
    assert "port of Chabahar" in chabahar and "1 of 2" in chabahar
    currencies = await command(bot, "/quote national currencies")
    assert "trade in national currencies" in currencies


async def test_a_card_says_where_the_words_end_and_their_topic_begins(bot: RunningBot) -> None:
    card = await reply(bot, "/quote chabahar")
    assert "1 of 2, 1 with the words" in card.params["text"] and "without the words" not in card.params["text"]
    server = bot.server
    assert server is not None
    forward = next(b for row in server.buttons(USER_ID, card.result["message_id"]) for b in row if b["text"] == "▶")
    await bot.deliver(updates.callback_query(forward["callback_data"], message=card.result))
    second = await server.wait_for("editMessageText", lambda c: "2 of 2" in str(c.params["text"]))
    assert "without the words" in str(second.params["text"]) and "Chabahar" not in str(second.params["text"])


async def test_a_word_finds_the_statements_that_hold_another_form_of_it(bot: RunningBot) -> None:
    singular = await command(bot, "/quote national currency")
    assert "trade in national currencies" in singular
    sanction = await command(bot, "/quote sanction")
    assert "sanctions had failed" in sanction
    # No whole word "chaba": the beginning of one, beside a whole word.
    assert "port of Chabahar" in await command(bot, "/quote chaba")
    assert "port of Chabahar" in await command(bot, "/quote chaba port")


async def test_a_timeline_of_words_lists_their_statements_in_date_order(bot: RunningBot) -> None:
    timeline = await command(bot, "/timeline region")
    days = re.findall(r"<code>(\d{4}-\d\d-\d\d)</code>", timeline)
    assert len(days) >= 3 and days == sorted(days)
    # The words' own timeline, even where every statement holding them is of the topic they name.
    sanctions = await command(bot, "/timeline sanctions")
    assert "Timeline: “sanctions”" in sanctions and "sanctions had failed" in sanctions


async def test_a_speaker_and_a_subject_is_that_speakers_statements_on_it(bot: RunningBot) -> None:
    modi = await command(bot, "/quote modi terrorism")
    assert "<b>Narendra Modi</b>" in modi and "terrorism remained the gravest threat" in modi
    lavrov = await command(bot, "/quote lavrov chabahar")
    assert re.search(r"<b>Serge[yi] Lavrov</b>", lavrov) and "Chabahar" in lavrov and card_total(lavrov) == 1


async def test_a_word_of_an_organizations_name_is_a_word_not_the_organization(bot: RunningBot) -> None:
    answer = await command(bot, "/quote security cooperation")
    assert "security cooperation in the region would deepen" in answer
    assert "Security Council" not in answer.split("\n")[0]


async def test_a_query_that_names_a_country_exactly_is_that_country(bot: RunningBot) -> None:
    answer = await command(bot, "/quote South Africa")
    assert "South Africa would host the ministers" in answer
    assert "<b>Lerato Africa</b>" in await command(bot, "/quote lerato africa")


async def test_a_topic_word_no_statement_holds_shows_the_topic_under_its_own_name(bot: RunningBot) -> None:
    # "dedollarization" is a keyword of the finance topic; no statement here uses the word itself.
    answer = await command(bot, "/quote dedollarization")
    assert "trade in national currencies" in answer
    topic = await command(bot, "/quote Finance & national currencies")
    assert card_total(answer) == card_total(topic)
    timeline = await command(bot, "/timeline dedollarization")
    assert "Timeline: Finance &amp; national currencies" in timeline or "Timeline: Finance & national" in timeline


async def test_a_surname_two_people_share_offers_both_with_counts(bot: RunningBot) -> None:
    sharif = await reply(bot, "/quote sharif")
    assert "could mean several things" in sharif.params["text"]
    labels = button_labels(sharif)
    assert any(label.startswith("Nawaz Sharif") and label.endswith("· 1") for label in labels)
    assert any(label.startswith("Shehbaz Sharif") and label.endswith("· 1") for label in labels)


async def test_a_word_no_statement_holds_says_so_and_never_suggests_nothing(bot: RunningBot) -> None:
    for query in ("/quote zanzibar", "/quote quokkas"):
        answer = await reply(bot, query)
        assert "Nothing in the corpus matches" in answer.params["text"] or "No exact match" in answer.params["text"]
        assert " · #" not in answer.params["text"]  # no statement card
        assert not any(label.endswith("· 0") for label in button_labels(answer))


async def test_a_reprinted_statement_is_one_statement_with_every_source(bot: RunningBot) -> None:
    currencies = await command(bot, "/quote national currencies")
    assert card_total(currencies) == 1
    statement_id = re.search(r"#(\d+)</code>", currencies).group(1)  # type: ignore[union-attr]
    source = await command(bot, f"/source {statement_id}")
    assert "a1.txt" in source and "Also reported by 1 more" in source
    assert "Steppe Daily" in source and "3 Mar 2024" in source and "a6.txt" in source
    speakers = await command(bot, "/speakers")
    assert re.search(r"Serge[yi] Lavrov.* · 3\n", speakers)  # counted once
