"""Hostile input, in-process: arbitrary Unicode into every command, plain text, inline queries and buttons.

The real application runs on `bot.serving.local.LocalBotAPI` against a real SQLite file; every call it makes is
checked with the fake Bot API server's validators. Properties, for any input:
  - no handler raises (nothing reaches the error handler, nothing is logged at ERROR, no "sorry" reply);
  - every message is valid Telegram HTML of 1-4096 characters, every callback data 1-64 bytes;
  - every message is answered, every button press and inline query answered exactly once;
  - the answer comes within a generous deadline (a liveness property, not a speed target).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.serving.local import LocalChat, Shown
from bot.store import CorpusChange, Store
from handlers.errors import SORRY
from tests.auxil.corpus import article, fill, statement
from tests.auxil.report import add_report_line
from tests.auxil.telegram_checks import callback_data, check_call

T = TypeVar("T")
DEADLINE_SECONDS = 20.0

# Pieces of every markup and query language the bot might mishandle, and characters that break naive code.
FRAGMENTS = [
    "<b>", "</b>", "<i>x</i>", "<script>alert(1)</script>", "<a href='javascript:x'>", "&amp;", "&", "&#0;", "&lt",
    "<", ">", "</", "<<>>", "*bold*", "_it_", "`code`", "```", "[link](http://x)", "~~", "||spoiler||", "\\",
    '"', "'", "*", '"unbalanced', "NEAR(a b)", "NEAR", "AND", "OR", "NOT", "^", "(", ")", "((", "col:word", "a*",
    "-", "+", ":", "'; DROP TABLE statements; --", "1' OR '1'='1", "%", "%s", "{0}", "?", "\x00", "\u200b",
    "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\ufffd", "😀", "👨‍👩‍👧", "🇨🇳",
    "Норов", "习近平", "نوروف", "norov", "norrov", "xi", "zhang", "iran", "china", "2023", "1999", "0000",
    "s_1", "s_", "s_²", "²", "٣", "99999999999999999999999", "-1", "#1", "\n", "\t", " ", "@scobot_local_bot",
    "/quote", "/start", "|", "q|s:1|0",
]  # fmt: skip
COMMANDS = [
    "/quote", "/timeline", "/members", "/source", "/start", "/start s_", "/quote@scobot_local_bot",
    "/timeline@other_bot", "/speakers", "/topics", "/help", "/reload", "/stats", "",
]  # fmt: skip
BUTTON_PREFIXES = ["q", "tl", "mc", "sp", "src", "rnd", "noop", "sp|all", "q|s:1", "tl|y:2023", "q|x:00", ""]

fragment_soup = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=14).map("".join)
hostile_text = st.one_of(
    st.text(max_size=120),
    fragment_soup,
    st.sampled_from(FRAGMENTS).map(lambda piece: (piece * 4096)[:4096]),
    st.text(min_size=3900, max_size=4096),
)
button_data = st.one_of(
    st.text(min_size=1, max_size=64),
    st.builds("|".join, st.lists(st.one_of(st.sampled_from(BUTTON_PREFIXES), fragment_soup), min_size=1, max_size=4)),
).filter(lambda data: 1 <= len(data.encode()) <= 64)

HYPOTHESIS = settings(
    deadline=None,  # the per-call deadline below is the liveness property; timing examples would be flaky
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Harness:
    """One event loop and one local chat shared by all examples of a test, as a long-running bot would be."""

    loop: asyncio.AbstractEventLoop
    chat: LocalChat
    errors: list[logging.LogRecord]
    tried: int = 0
    calls: int = 0
    pressed: set[str] = field(default_factory=set)

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(asyncio.wait_for(work, DEADLINE_SECONDS))

    def checked(self, work: Coroutine[Any, Any, list[Shown]]) -> list[tuple[str, dict[str, Any]]]:
        """Run one update; check every Bot API call it made; return those calls."""
        calls = self.chat.api.calls
        before = len(calls)
        self.tried += 1
        self.run(work)
        made = calls[before:]
        self.calls += len(made)
        for method, params in made:
            check_call(method, params)
            assert SORRY not in str(params.get("text", "")), params
        assert not self.errors, [r.getMessage() for r in self.errors]
        return made


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


async def _hostile_corpus(store: Store) -> None:
    """The sample corpus plus an article whose own text is markup and query syntax."""
    await fill(store)
    nasty = article("nasty.txt", date(2024, 2, 29), '<b>Ann O\'Neil & Co</b> said that tariffs < 5% & "quotes" </b>.')
    said = statement(
        nasty, "Ann <O'Neil> & Co", 'tariffs < 5% & "quotes" </b> <script>', role="Head of <i>Trade</i> & Co"
    )
    await store.apply(CorpusChange(parsed=[(nasty, [said])], removed=[]))


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    folder = tmp_path_factory.mktemp("hostile")
    loop = asyncio.new_event_loop()
    store = loop.run_until_complete(Store.open(folder / "scobot.db"))
    loop.run_until_complete(_hostile_corpus(store))
    config = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_path=folder / "scobot.db",
        seeds_dir=folder / "seeds",
        queries_per_minute=0,
        updates_per_minute=0,
    )
    chat = LocalChat(config, store)
    loop.run_until_complete(chat.__aenter__())
    errors: list[logging.LogRecord] = []
    collector = _Collect(errors)
    logging.getLogger().addHandler(collector)
    try:
        yield Harness(loop, chat, errors)
    finally:
        logging.getLogger().removeHandler(collector)
        loop.run_until_complete(chat.__aexit__(None, None, None))
        loop.run_until_complete(store.close())
        loop.close()


@pytest.fixture(scope="module", autouse=True)
def _report(harness: Harness) -> Iterator[None]:
    yield
    add_report_line(
        "hostile input (in-process)",
        f"inputs tried {harness.tried}, Bot API calls checked {harness.calls}, "
        f"button kinds pressed from replies {sorted(harness.pressed)}",
    )


@settings(HYPOTHESIS, max_examples=250)
@given(command=st.sampled_from(COMMANDS), separator=st.sampled_from([" ", "\n", "  ", "\u00a0"]), text=hostile_text)
def test_any_message_gets_valid_replies_and_no_exception(
    harness: Harness, command: str, separator: str, text: str
) -> None:
    message = f"{command}{separator}{text}" if command else text
    if not message.strip():
        return  # Telegram delivers no empty messages
    made = harness.checked(harness.chat.send(message))
    sent = [params for method, params in made if method == "sendMessage"]
    assert sent, f"no reply to {message!r}"
    # Every button the bot offered works too: pressing it gives valid answers and no exception.
    for data in [d for params in sent for d in callback_data(params)][:4]:
        harness.pressed.add(data.split("|", 1)[0])
        pressed = harness.checked(harness.chat.press_data(data))
        assert [m for m, _ in pressed].count("answerCallbackQuery") == 1, (data, pressed)


@settings(HYPOTHESIS, max_examples=200)
@given(data=button_data)
def test_any_callback_data_is_answered_once_and_gracefully(harness: Harness, data: str) -> None:
    made = harness.checked(harness.chat.press_data(data))
    assert [method for method, _ in made].count("answerCallbackQuery") == 1, (data, made)


@settings(HYPOTHESIS, max_examples=150)
@given(query=hostile_text, offset=st.one_of(st.just(""), st.integers(0, 12).map(str), st.text(max_size=12)))
def test_any_inline_query_is_answered_once_with_valid_results(harness: Harness, query: str, offset: str) -> None:
    made = harness.checked(harness.chat.inline(query, offset))
    assert [method for method, _ in made] == ["answerInlineQuery"], (query, made)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/source ²", "Usage"),
        ("/source 99999999999999999999999", "Usage"),
        ("/source 999999999999999999", "There is no statement #999999999999999999"),
        ("/start s_99999999999999999999", "I know"),
        ("/start s_²", "I know"),
        ("norov", "Vladimir Norov"),  # a one-word plain-text search is a search, not a random quote
    ],
)
def test_inputs_that_once_raised_or_misread(harness: Harness, text: str, expected: str) -> None:
    made = harness.checked(harness.chat.send(text))
    assert any(expected in str(params.get("text")) for method, params in made if method == "sendMessage"), made


@pytest.mark.parametrize("data", ["q|s:²|0", "tl|y:0000|0", "src|99999999999999999999", "q|s:1|x", "sp|all|²"])
def test_forged_buttons_that_once_raised_are_answered_as_stale(harness: Harness, data: str) -> None:
    made = harness.checked(harness.chat.press_data(data))
    answers = [params for method, params in made if method == "answerCallbackQuery"]
    assert len(answers) == 1 and "no longer works" in answers[0].get("text", "")


def test_corpus_text_with_markup_is_escaped(harness: Harness) -> None:
    for command in ("/source 7", "/quote tariffs quotes"):  # the paragraph view, and the card
        made = harness.checked(harness.chat.send(command))
        texts = [str(params["text"]) for method, params in made if method == "sendMessage"]
        assert any("&lt;O&#x27;Neil&gt; &amp; Co" in text and "&lt;/b&gt;" in text for text in texts), texts
