"""Operators over real HTTP: /reload, /stats and uploads, for admins only, with the corpus always serving."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.corpus.nlp import DEFAULT_MODEL
from bot.loading import load as loading
from bot.loading import load_corpus
from bot.store import Store
from tests.auxil import updates
from tests.auxil.fake_bot_api import Call, FakeBotApi
from tests.auxil.running_bot import ADMIN_ID, bot_settings, running_bot

pytestmark = pytest.mark.slow

ADMIN = updates.user(ADMIN_ID, first_name="Olga", username="olga")
STRANGER = updates.user(1001)


def article(folder: Path, name: str, speaker: str, claim: str) -> None:
    (folder / name).write_text(f" date 2024-03-0{len(name) % 9 + 1} {speaker} said that {claim}.\n")


@pytest.fixture
async def app(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Application]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    article(seeds, "ann.txt", "Foreign Minister Ann Lee", "the bloc will grow")
    article(seeds, "bo.txt", "Ambassador Bo Chen", "trade with Kazakhstan doubled")
    settings = bot_settings(fake_api, tmp_path)
    async with await Store.open(settings.database_path) as store:
        await load_corpus(store, seeds, DEFAULT_MODEL)
        async with running_bot(settings, store) as application:
            yield application


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return tmp_path / "seeds"


async def ask(fake_api: FakeBotApi, text: str, sender: dict = ADMIN) -> Call:
    """Send `text` and return the first message the bot sends that chat afterwards."""
    asked_at = time.monotonic()
    fake_api.push_update(updates.private_message(text, from_user=sender))
    return await fake_api.wait_for(
        "sendMessage", lambda c: int(c.params["chat_id"]) == sender["id"] and c.time >= asked_at
    )


async def reload_report(fake_api: FakeBotApi) -> str:
    status = await ask(fake_api, "/reload")
    assert status.params["text"].startswith("🔄 Reload")
    final = await fake_api.wait_for(
        "editMessageText", lambda c: "Reload done" in c.params["text"] or "failed" in c.params["text"], timeout=60
    )
    return final.params["text"]


async def test_admin_reload_shows_progress_then_a_report(fake_api: FakeBotApi, app: Application, seeds: Path) -> None:
    article(seeds, "cy.txt", "Minister Cy Dunn", "energy prices will fall")
    (seeds / "ann.txt").unlink()
    (seeds / "broken.txt").write_bytes(b"\x00\x01binary")
    report = await reload_report(fake_api)
    assert "articles: 2 (1 added, 0 changed, 1 removed, 1 unchanged, 1 skipped)" in report
    assert "statements: 2 → 2" in report
    assert "added: cy.txt" in report and "removed: ann.txt" in report
    assert "skipped broken.txt: binary data" in report
    edits = [c.params["text"] for c in fake_api.calls_to("editMessageText")]
    assert len(edits) >= 2 and any("swapping" in text for text in edits)

    found = await ask(fake_api, "/quote dunn")
    assert "Cy Dunn" in found.params["text"]
    gone = await ask(fake_api, "/quote Ann Lee")
    assert "<b>Ann Lee</b>, Foreign Minister" not in gone.params["text"]
    assert "Nothing in the corpus matches <b>Ann Lee</b>" in gone.params["text"]


@pytest.mark.parametrize(
    "update",
    [
        updates.private_message("/reload", from_user=STRANGER),
        updates.group_message("/reload", from_user=STRANGER),
        updates.channel_post("/reload"),
        updates.anonymous_admin_message("/reload"),
    ],
    ids=["private", "group", "channel", "anonymous-group-admin"],
)
async def test_non_admins_are_refused_everywhere(fake_api: FakeBotApi, app: Application, update: dict) -> None:
    fake_api.push_update(update)
    answer = await fake_api.wait_for("sendMessage")
    assert answer.params["text"] == "Sorry, only the bot's admins can do that."
    assert not fake_api.calls_to("editMessageText")


async def test_stats_for_admins(fake_api: FakeBotApi, app: Application) -> None:
    stats = (await ask(fake_api, "/stats")).params["text"]
    assert "2 articles · 2 statements · 2 speakers" in stats
    refused = await ask(fake_api, "/stats", STRANGER)
    assert "only the bot's admins" in refused.params["text"]


async def test_queries_are_answered_from_the_old_corpus_during_a_reload(
    fake_api: FakeBotApi, app: Application, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_parse = loading.parse_batch
    parsing = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow_parse(*args: object) -> object:
        loop.call_soon_threadsafe(parsing.set)
        time.sleep(1.5)  # a long parse, in the worker thread
        return real_parse(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "parse_batch", slow_parse)
    (seeds / "bo.txt").unlink()
    article(seeds, "cy.txt", "Minister Cy Dunn", "energy prices will fall")
    fake_api.push_update(updates.private_message("/reload", from_user=ADMIN))
    await asyncio.wait_for(parsing.wait(), 10)
    answered = []
    for _ in range(3):
        answered.append((await ask(fake_api, "/quote chen", STRANGER)).params["text"])
    assert all("Bo Chen" in text for text in answered)  # still the old corpus, and no waiting for the reload
    busy = await ask(fake_api, "/reload")
    assert "already running" in busy.params["text"]
    await fake_api.wait_for("editMessageText", lambda c: "Reload done" in c.params["text"], timeout=60)
    assert "Cy Dunn" in (await ask(fake_api, "/quote dunn", STRANGER)).params["text"]


async def test_a_reload_that_fails_midway_keeps_the_old_corpus(
    fake_api: FakeBotApi, app: Application, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_parse(*args: object) -> object:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(loading, "parse_batch", broken_parse)
    article(seeds, "cy.txt", "Minister Cy Dunn", "energy prices will fall")
    report = await reload_report(fake_api)
    assert "Reload failed: RuntimeError: disk on fire" in report
    assert "previous corpus is still serving" in report
    assert "Bo Chen" in (await ask(fake_api, "/quote chen")).params["text"]
    assert "failed" in (await ask(fake_api, "/stats")).params["text"]


async def test_an_admin_uploads_an_article(fake_api: FakeBotApi, app: Application, seeds: Path) -> None:
    content = b" date 2024-05-01 Minister Dee Park said that the summit will be in June.\n"
    doc = fake_api.register_file("file-1", content, "../../etc/new article.txt", mime_type="text/plain")
    fake_api.push_update(updates.document_message(doc, from_user=ADMIN))
    saved = await fake_api.wait_for("sendMessage", lambda c: "Saved as" in c.params["text"])
    assert "new_article.txt" in saved.params["text"]
    assert (seeds / "new_article.txt").read_bytes() == content
    await fake_api.wait_for("editMessageText", lambda c: "Reload done" in c.params["text"], timeout=60)
    assert "Dee Park" in (await ask(fake_api, "/quote park")).params["text"]


async def test_uploads_from_non_admins_and_non_articles_are_refused(
    fake_api: FakeBotApi, app: Application, seeds: Path
) -> None:
    doc = fake_api.register_file("file-2", b" date 2024-05-01 Text.", "sneaky.txt", mime_type="text/plain")
    fake_api.push_update(updates.document_message(doc, from_user=STRANGER))
    assert "only the bot's admins" in (await fake_api.wait_for("sendMessage")).params["text"]
    pdf = fake_api.register_file("file-3", b"%PDF-1.4", "paper.pdf", mime_type="application/pdf")
    fake_api.push_update(updates.document_message(pdf, from_user=ADMIN))
    assert ".txt" in (await fake_api.wait_for("sendMessage")).params["text"]
    binary = fake_api.register_file("file-4", b"\x00\x00", "binary.txt", mime_type="text/plain")
    fake_api.push_update(updates.document_message(binary, from_user=ADMIN))
    assert "not a usable article" in (await fake_api.wait_for("sendMessage")).params["text"]
    assert sorted(p.name for p in seeds.iterdir()) == ["ann.txt", "bo.txt"]
