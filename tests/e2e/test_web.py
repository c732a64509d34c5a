"""Adding from the web through the fake Bot API: /add, links with an Add button, the feed job and /feeds."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from pathlib import Path

import pytest
from telegram.ext import Application

from bot import app as composition
from bot.corpus.nlp import DEFAULT_MODEL
from bot.loading import load_corpus
from bot.loading.feeds import FEEDS_FILE
from bot.loading.sources import WebSources
from bot.store import Store
from handlers.admin import ONLY_IN_PRIVATE
from tests.auxil import updates
from tests.auxil.fake_bot_api import Call, FakeBotApi
from tests.auxil.news_site import RAIL, SITE_NAME, SUMMIT, WATER, NewsSite
from tests.auxil.running_bot import ADMIN_ID, bot_settings, running_bot

pytestmark = pytest.mark.slow

ADMIN = updates.user(ADMIN_ID, first_name="Olga", username="olga")
STRANGER = updates.user(1001)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "bo.txt").write_text(" date 2024-03-01 Ambassador Bo Chen said that trade with Kazakhstan doubled.\n")
    return folder


@asynccontextmanager
async def start_bot(fake_api: FakeBotApi, tmp_path: Path, store: Store) -> AsyncIterator[Application]:
    settings = bot_settings(fake_api, tmp_path, allow_private_fetch=True, fetch_host_interval=0, fetch_timeout=2)
    await load_corpus(store, settings.seeds_dir, DEFAULT_MODEL)
    async with running_bot(settings, store) as application:
        yield application


@pytest.fixture
async def app(
    fake_api: FakeBotApi, tmp_path: Path, seeds: Path, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Application]:
    monkeypatch.setattr(composition, "FEED_FIRST_CHECK_SECONDS", 3600.0)  # no feed round in these tests
    async with await Store.open(tmp_path / "scobot.db") as store, start_bot(fake_api, tmp_path, store) as application:
        yield application


async def ask(fake_api: FakeBotApi, text: str, sender: dict = ADMIN, chat: dict | None = None) -> Call:
    """Send `text` and return the first message the bot sends that chat afterwards."""
    asked_at = time.monotonic()
    if chat is None:
        fake_api.push_update(updates.private_message(text, from_user=sender))
        chat_id = sender["id"]
    else:
        fake_api.push_update(updates.group_message(text, chat=chat, from_user=sender))
        chat_id = chat["id"]
    return await fake_api.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == chat_id and c.time >= asked_at)


async def finished(fake_api: FakeBotApi, status: Call) -> str:
    message_id = status.result["message_id"]
    edit = await fake_api.wait_for(
        "editMessageText",
        lambda c: int(c.params["message_id"]) == message_id and "Fetching" not in c.params["text"],
        timeout=60,
    )
    return edit.params["text"]


def flat_buttons(fake_api: FakeBotApi, call: Call) -> list[dict]:
    return [b for row in fake_api.buttons(int(call.params["chat_id"]), call.result["message_id"]) for b in row]


async def test_add_by_url_then_quote_finds_the_speaker_with_a_source_link(
    fake_api: FakeBotApi, app: Application, site: NewsSite, seeds: Path
) -> None:
    url = site.url(SUMMIT.path)
    status = await ask(fake_api, f"/add {url}?utm_source=newsletter")
    assert status.params["text"] == "🌐 Fetching 1 page…"
    report = await finished(fake_api, status)
    assert report.startswith("✅ <b>Added to the corpus</b>")
    assert f"📰 {escape(SUMMIT.title)} (Steppe Herald, 2024-07-03): " in report
    assert "Aruzhan Temirova" in report and "Farid Nazarov" in report and " statements by " in report

    card = await ask(fake_api, "/quote temirova")
    assert "Aruzhan Temirova" in card.params["text"]
    assert f'<a href="{url}">{SITE_NAME}</a> · 3 Jul 2024' in card.params["text"]
    buttons = flat_buttons(fake_api, card)
    assert {"text": f"Read at {SITE_NAME}", "url": url} in buttons

    statement_id = card.params["text"].rsplit("#", 1)[1].split("<")[0]
    source = await ask(fake_api, f"/source {statement_id}")
    assert f'<a href="{url}">{escape(SUMMIT.title)}</a>' in source.params["text"]
    assert {"text": f"Read at {SITE_NAME}", "url": url} in flat_buttons(fake_api, source)

    # A hand-written article's card has no link and no button, as before.
    plain = await ask(fake_api, "/quote bo chen")
    assert "<a href" not in plain.params["text"]
    assert not any("url" in b for b in flat_buttons(fake_api, plain))

    again = await finished(fake_api, await ask(fake_api, f"/add {url}#comments"))
    assert again.startswith("Nothing was added.") and "already in the corpus as 2024-07-03-" in again


async def test_a_fault_is_reported_by_name_and_reason_and_changes_nothing(
    fake_api: FakeBotApi, app: Application, site: NewsSite, seeds: Path
) -> None:
    before = sorted(p.name for p in seeds.iterdir())
    report = await finished(
        fake_api, await ask(fake_api, f"/add {site.url('/report.pdf')} {site.url('/missing.html')}")
    )
    assert "⚠️ failed: " + site.url("/report.pdf") + ": application/pdf is not a page scobot reads" in report
    assert "⚠️ failed: " + site.url("/missing.html") + ": the server answered 404 Not Found" in report
    assert sorted(p.name for p in seeds.iterdir()) == before


async def test_add_is_for_admins_in_a_private_chat(fake_api: FakeBotApi, app: Application, site: NewsSite) -> None:
    refused = await ask(fake_api, f"/add {site.url(SUMMIT.path)}", sender=STRANGER)
    assert refused.params["text"] == "Sorry, only the bot's admins can do that."
    in_group = await ask(fake_api, f"/add {site.url(SUMMIT.path)}", chat=updates.group_chat())
    assert in_group.params["text"] == ONLY_IN_PRIVATE  # the one operator policy (handlers/admin.py)
    usage = await ask(fake_api, "/add")
    assert usage.params["text"].startswith("Usage: <code>/add https://")
    assert SUMMIT.path not in site.hits
    # A stranger's link is a search, as any plain text is.
    searched = await ask(fake_api, site.url(SUMMIT.path), sender=STRANGER)
    assert "Add to corpus" not in str(fake_api.buttons(STRANGER["id"], searched.result["message_id"]))


async def test_a_link_sent_by_an_admin_is_offered_with_an_add_button(
    fake_api: FakeBotApi, app: Application, site: NewsSite
) -> None:
    offer = await ask(fake_api, f"Look at this: {site.url(WATER.path)}")
    assert offer.params["text"].startswith("Add this page to the corpus?")
    [button] = flat_buttons(fake_api, offer)
    assert button["text"] == "Add to corpus"
    fake_api.push_update(updates.callback_query(button["callback_data"], message=offer.result, from_user=STRANGER))
    answer = await fake_api.wait_for("answerCallbackQuery")
    assert answer.params.get("text") == "Sorry, only the bot's admins can do that."

    fake_api.push_update(updates.callback_query(button["callback_data"], message=offer.result, from_user=ADMIN))
    report = await fake_api.wait_for("editMessageText", lambda c: "Added to the corpus" in c.params["text"], timeout=60)
    assert "Zarina Ashurova" in report.params["text"]
    fake_api.push_update(updates.callback_query(button["callback_data"], message=offer.result, from_user=ADMIN))
    expired = await fake_api.wait_for("answerCallbackQuery", lambda c: "expired" in str(c.params.get("text")))
    assert expired.params["text"] == "That offer has expired. Send the link again, please."


async def test_the_feed_job_adds_two_new_items_skips_one_already_there_and_reports(
    fake_api: FakeBotApi, tmp_path: Path, seeds: Path, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    (seeds / FEEDS_FILE).write_text(
        f'[[feed]]\nurl = "{site.url("/rss.xml")}"\nmatch = "SCO|Shanghai Cooperation"\nevery = "30m"\n\n'
        f'[[feed]]\nurl = "{site.url("/atom.xml")}"\n'
    )
    async with WebSources(seeds, allow_private=True, host_interval=0) as web:
        [already] = await web.add([site.url(SUMMIT.path)], None)
    monkeypatch.setattr(composition, "FEED_FIRST_CHECK_SECONDS", 0.2)
    async with await Store.open(tmp_path / "scobot.db") as store, start_bot(fake_api, tmp_path, store):
        report = await fake_api.wait_for("sendMessage", lambda c: "Feed round" in c.params["text"], timeout=60)
        text = report.params["text"]
        assert int(report.params["chat_id"]) == ADMIN_ID
        assert text.startswith("📡 <b>Feed round</b>: 2 added, 1 already there")
        assert escape(WATER.title) in text and escape(RAIL.title) in text and "Timur Rakhimov" in text
        found = await ask(fake_api, "/quote rakhimov")
        assert "Rakhimov" in found.params["text"] and site.url(RAIL.path) in found.params["text"]
        feeds = await ask(fake_api, "/feeds")
        assert f"{site.url('/rss.xml')} (every 30m): last poll " in feeds.params["text"]
        assert "1 added" in feeds.params["text"]
        refused = await ask(fake_api, "/feeds", sender=STRANGER)
        assert refused.params["text"] == "Sorry, only the bot's admins can do that."
    assert already.status == "added"


async def test_long_links_and_hidden_links_are_read_whole(
    fake_api: FakeBotApi, app: Application, site: NewsSite
) -> None:
    # Longer than a search query may be (200 characters): the link is taken from the message, not the query.
    long_url = site.url(WATER.path) + "?utm_campaign=" + "a" * 250
    report = await finished(fake_api, await ask(fake_api, f"/add {long_url}"))
    assert "Zarina Ashurova" in report

    # A link hidden behind words: Telegram sends its address in a text_link entity, not in the text.
    asked_at = time.monotonic()
    hidden = [{"type": "text_link", "offset": 0, "length": 9, "url": site.url(RAIL.path)}]
    fake_api.push_update(updates.private_message("this news", from_user=ADMIN, entities=hidden))
    offer = await fake_api.wait_for("sendMessage", lambda c: c.time >= asked_at)
    assert offer.params["text"] == f"Add this page to the corpus?\n• {site.url(RAIL.path)}"


async def test_a_failed_reload_keeps_the_saved_article_for_the_next_one(
    fake_api: FakeBotApi, app: Application, site: NewsSite, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.loading import reload as reloading

    real_load = reloading.load_corpus

    async def broken_load(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(reloading, "load_corpus", broken_load)
    report = await finished(fake_api, await ask(fake_api, f"/add {site.url(SUMMIT.path)}"))
    assert "❌ The reload failed (RuntimeError); the files are saved for the next one." in report
    assert len(list(seeds.glob("2024-07-03-*.txt"))) == 1
    nothing = await ask(fake_api, "/quote temirova")
    assert "Aruzhan Temirova" not in nothing.params["text"]

    monkeypatch.setattr(reloading, "load_corpus", real_load)
    await ask(fake_api, "/reload")
    await fake_api.wait_for("editMessageText", lambda c: "Reload done" in c.params["text"], timeout=60)
    found = await ask(fake_api, "/quote temirova")
    assert "Aruzhan Temirova" in found.params["text"] and site.url(SUMMIT.path) in found.params["text"]
