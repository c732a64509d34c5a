"""Operators over real HTTP: the one admin-command policy, and uploads that never replace, never swell the
process, and say why they failed.
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.corpus.nlp import DEFAULT_MODEL
from bot.corpus.reader import MAX_ARTICLE_BYTES
from bot.loading import load_corpus
from bot.store import Store
from handlers.admin import ONLY_IN_PRIVATE, REFUSED
from tests.auxil import updates
from tests.auxil.fake_bot_api import Call, FakeBotApi
from tests.auxil.running_bot import ADMIN_ID, bot_settings, running_bot, services_of

pytestmark = pytest.mark.slow

ADMIN = updates.user(ADMIN_ID, first_name="Olga", username="olga")
STRANGER = updates.user(1001)
MB = 1024 * 1024
ANN = b" date 2024-03-01 Foreign Minister Ann Lee said that the bloc will grow.\n"
BO = b" date 2024-03-02 Ambassador Bo Chen said that trade with Kazakhstan doubled.\n"


@pytest.fixture
async def app(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Application]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "ann.txt").write_bytes(ANN)
    (seeds / "bo.txt").write_bytes(BO)
    settings = bot_settings(fake_api, tmp_path)
    async with await Store.open(settings.database_path) as store:
        await load_corpus(store, seeds, DEFAULT_MODEL)
        async with running_bot(settings, store) as application:
            yield application


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return tmp_path / "seeds"


async def next_message(fake_api: FakeBotApi, update: dict[str, Any], chat_id: int = ADMIN_ID) -> Call:
    asked_at = time.monotonic()
    fake_api.push_update(update)
    return await fake_api.wait_for(
        "sendMessage", lambda c: int(c.params["chat_id"]) == chat_id and c.time >= asked_at, timeout=30
    )


async def reload_done(fake_api: FakeBotApi) -> str:
    final = await fake_api.wait_for(
        "editMessageText", lambda c: "Reload done" in c.params["text"] or "failed" in c.params["text"], timeout=60
    )
    return str(final.params["text"])


# -- the admin-command policy ------------------------------------------------------------------------------


def forwarded(update: dict[str, Any]) -> dict[str, Any]:
    origin = {"type": "user", "date": int(time.time()) - 60, "sender_user": STRANGER}
    return {**update, "message": {**update["message"], "forward_origin": origin}}


def edited(update: dict[str, Any]) -> dict[str, Any]:
    old = {**update["message"], "date": int(time.time()) - 3600, "edit_date": int(time.time())}
    return {"update_id": update["update_id"], "edited_message": old}


def forged_channel_post(text: str) -> dict[str, Any]:
    update = updates.channel_post(text)
    return {**update, "channel_post": {**update["channel_post"], "from": ADMIN}}


WRONG_PLACES = {
    "forwarded by the admin": (lambda: forwarded(updates.private_message("/stats", from_user=ADMIN)), ADMIN_ID),
    "edited into /stats": (lambda: edited(updates.private_message("/stats", from_user=ADMIN)), ADMIN_ID),
    "in a group": (lambda: updates.group_message("/stats", from_user=ADMIN), -4001),
    "a channel post carrying the admin's from": (lambda: forged_channel_post("/stats"), -1001000000002),
}


@pytest.mark.parametrize("where", list(WRONG_PLACES))
async def test_admin_commands_run_only_from_the_admins_own_new_private_message(
    fake_api: FakeBotApi, app: Application, where: str
) -> None:
    make, chat_id = WRONG_PLACES[where]
    refused = await next_message(fake_api, make(), chat_id)
    assert refused.params["text"] == ONLY_IN_PRIVATE
    allowed = await next_message(fake_api, updates.private_message("/stats", from_user=ADMIN))
    assert allowed.params["text"].startswith("📊 <b>Stats</b>")
    stranger = await next_message(fake_api, updates.private_message("/stats", from_user=STRANGER), STRANGER["id"])
    assert stranger.params["text"] == REFUSED
    assert sum("Stats" in c.params["text"] for c in fake_api.calls_to("sendMessage")) == 1


async def test_a_forwarded_upload_from_an_admin_is_refused(fake_api: FakeBotApi, app: Application, seeds: Path) -> None:
    doc = fake_api.register_file("fwd", b" date 2024-05-01 Dee Park said that x.\n", "fwd.txt", "text/plain")
    answer = await next_message(fake_api, forwarded(updates.document_message(doc, from_user=ADMIN)))
    assert answer.params["text"] == ONLY_IN_PRIVATE
    assert sorted(p.name for p in seeds.iterdir()) == ["ann.txt", "bo.txt"]


# -- uploads never replace a different article ---------------------------------------------------------------


def press(card: Call, label: str, fake_api: FakeBotApi, presser: dict[str, Any] = ADMIN) -> dict[str, Any]:
    buttons = [b for row in fake_api.buttons(ADMIN_ID, card.result["message_id"]) for b in row]
    data = next(b["callback_data"] for b in buttons if b["text"] == label)
    return updates.callback_query(data, message=card.result, from_user=presser)


async def test_an_upload_named_like_a_different_article_asks_and_never_replaces_unasked(
    fake_api: FakeBotApi, app: Application, seeds: Path
) -> None:
    newer = b" date 2024-06-01 Foreign Minister Ann Lee said that the summit moved to July.\n"
    doc = fake_api.register_file("ann-2", newer, "ann.txt", "text/plain")
    question = await next_message(fake_api, updates.document_message(doc, from_user=ADMIN))
    assert "<code>ann.txt</code> already exists with different content" in question.params["text"]
    assert "<code>ann-2.txt</code>" in question.params["text"]
    assert (seeds / "ann.txt").read_bytes() == ANN  # nothing written while the admin decides

    # Someone else pressing the admin's button changes nothing.
    fake_api.push_update(press(question, "Keep both", fake_api, presser=STRANGER))
    alert = await fake_api.wait_for("answerCallbackQuery", lambda c: c.params.get("text") == REFUSED)
    assert alert.params["show_alert"] in (True, "true")

    fake_api.push_update(press(question, "Keep both", fake_api))
    kept = await fake_api.wait_for("editMessageText", lambda c: "Kept both" in c.params["text"])
    assert "<code>ann-2.txt</code>" in kept.params["text"]
    assert "Reload done" in await reload_done(fake_api)
    assert (seeds / "ann.txt").read_bytes() == ANN and (seeds / "ann-2.txt").read_bytes() == newer

    newest = b" date 2024-06-02 Foreign Minister Ann Lee said that the summit moved to August.\n"
    doc = fake_api.register_file("ann-3", newest, "ann.txt", "text/plain")
    question = await next_message(fake_api, updates.document_message(doc, from_user=ADMIN))
    replace, keep = press(question, "Replace", fake_api), press(question, "Keep both", fake_api)
    fake_api.push_update(replace)
    await fake_api.wait_for("editMessageText", lambda c: "Replaced <code>ann.txt</code>" in c.params["text"])
    assert (seeds / "ann.txt").read_bytes() == newest
    # The other button of an answered question (still on an older client's screen) finds nothing waiting.
    fake_api.push_update(keep)
    await fake_api.wait_for("editMessageText", lambda c: "no longer waiting" in c.params["text"])
    assert sorted(p.name for p in seeds.iterdir()) == ["ann-2.txt", "ann.txt", "bo.txt"]


async def test_identical_content_is_already_there_under_any_name(
    fake_api: FakeBotApi, app: Application, seeds: Path
) -> None:
    for number, name in enumerate(["bo.txt", "copy of bo.txt"]):
        doc = fake_api.register_file(f"same-{number}", BO, name, "text/plain")
        answer = await next_message(fake_api, updates.document_message(doc, from_user=ADMIN))
        assert answer.params["text"] == "✅ That article is already there, as <code>bo.txt</code>. Nothing changed."
    assert sorted(p.name for p in seeds.iterdir()) == ["ann.txt", "bo.txt"]
    assert services_of(app).reloader.last is None  # nothing to reload


# -- a download is stopped at the cap ---------------------------------------------------------------------------


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.parametrize("reported_size", [None, 1000])
async def test_an_upload_without_a_truthful_size_is_stopped_at_the_cap(
    fake_api: FakeBotApi, app: Application, seeds: Path, reported_size: int | None
) -> None:
    huge = b"a" * (18 * MB)  # under the cloud Bot API's 20 MB, which a self-hosted server does not have
    doc = fake_api.register_file("huge", huge, "huge.txt", "text/plain")
    if reported_size is None:
        del doc["file_size"]  # a self-hosted Bot API server need not say
    else:
        doc["file_size"] = reported_size  # nor tell the truth
    before = peak = rss_bytes()

    async def sample_peak() -> None:
        nonlocal peak
        while True:
            peak = max(peak, rss_bytes())
            await asyncio.sleep(0.005)

    sampler = asyncio.create_task(sample_peak())
    answer = await next_message(fake_api, updates.document_message(doc, from_user=ADMIN))
    sampler.cancel()
    print(f"RSS {before / MB:.0f} MB before an 18 MB upload, peak {peak / MB:.0f} MB (+{(peak - before) / MB:.1f} MB)")
    assert peak - before < 4 * MAX_ARTICLE_BYTES + 8 * MB  # the cap and some buffers, never the 18 MB
    assert answer.params["text"] == f"That file is too large: the limit is {MAX_ARTICLE_BYTES:,} bytes."
    assert sorted(p.name for p in seeds.iterdir()) == ["ann.txt", "bo.txt"]


# -- a failed save says why, and leaves nothing held ----------------------------------------------------------


@contextmanager
def files_limited_to(size: int) -> Iterator[None]:
    """No file of this process may grow past `size` bytes: writes fail with the kernel's own error (EFBIG),
    as they do with ENOSPC on a full disk."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


async def test_an_upload_that_cannot_be_saved_says_why_and_reload_still_works(
    fake_api: FakeBotApi, app: Application, seeds: Path
) -> None:
    long_article = b" date 2024-05-01 Minister Dee Park said that the summit will be in June. " + b"More. " * 1000
    doc = fake_api.register_file("big", long_article + b"\n", "dee.txt", "text/plain")
    with files_limited_to(1024):
        answer = await next_message(fake_api, updates.document_message(doc, from_user=ADMIN))
    assert answer.params["text"] == "❌ Could not save <code>dee.txt</code>: File too large. Nothing was changed."
    assert sorted(p.name for p in seeds.iterdir()) == ["ann.txt", "bo.txt"]  # no partial file left behind
    # Room again: the next reload runs (no lock was left held) and the upload can be sent again.
    fake_api.push_update(updates.private_message("/reload", from_user=ADMIN))
    assert "Reload done" in await reload_done(fake_api)
    fake_api.push_update(updates.document_message(doc, from_user=ADMIN))
    await fake_api.wait_for("sendMessage", lambda c: "Saved as <code>dee.txt</code>" in c.params["text"])
