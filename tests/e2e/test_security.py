"""Secrets and privileges: the token stays out of logs, replies and output; admin actions stay with admins;
a webhook call without the secret is refused; uploads cannot write outside SEEDS_DIR.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import Application

from bot.app import build_application
from bot.config import SettingsError, load_settings
from bot.loading.uploads import MAX_UPLOAD_NAME, safe_article_name, save_upload
from bot.logs import configure_logging
from bot.serving.runner import serving
from bot.store import Store
from handlers.admin import REFUSED
from handlers.errors import SORRY
from tests.auxil import updates
from tests.auxil.fake_bot_api import FakeBotApi, FaultKind
from tests.auxil.running_bot import ADMIN_ID, bot_settings, running_bot, services_of

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ADMIN = updates.user(ADMIN_ID, first_name="Olga", username="olga")
STRANGER = updates.user(1001)
SAFE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*\.txt"


# -- the token ---------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_the_token_stays_out_of_every_log_line_and_reply_on_error_paths(
    fake_api: FakeBotApi,
    sample_store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = fake_api.token
    settings = bot_settings(fake_api, tmp_path, queries_per_minute=0, updates_per_minute=0)
    configure_logging(logging.DEBUG, [token])
    # Everything at DEBUG, even the HTTP clients configure_logging quietens: their lines carry the URL.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.DEBUG)
    try:
        async with running_bot(settings, sample_store) as app:
            # Failing requests: a 500, an HTML 502 (PTB logs the body it could not parse), a dropped socket.
            for kind in (FaultKind.SERVER_ERROR, FaultKind.BAD_GATEWAY, FaultKind.DROP):
                fake_api.faults.fail_next("sendMessage", kind)
            fake_api.push_update(updates.private_message("/help"))
            await fake_api.wait_for("sendMessage")

            # A failure whose exception text holds the full request URL, token included.
            url = f"{settings.bot_api_base_url}{token}/sendMessage"

            async def leaky_find(*args: object, **kwargs: object) -> None:
                raise RuntimeError(f"POST {url} failed: connection reset")

            monkeypatch.setattr(services_of(app).searcher, "find", leaky_find)
            fake_api.push_update(updates.private_message("/quote norov"))
            sorry = await fake_api.wait_for("sendMessage")

            # A reload that fails with the token in its reason, reported to the admin in the chat.
            async def leaky_reload(*args: object, **kwargs: object) -> None:
                raise OSError(f"cannot fetch {url}")

            monkeypatch.setattr(services_of(app).reloader, "reload", leaky_reload)
            fake_api.push_update(updates.private_message("/reload", from_user=ADMIN))
            failed = await fake_api.wait_for("editMessageText", lambda c: "Reload failed" in c.params["text"])
    finally:
        configure_logging(logging.WARNING)
    err = capsys.readouterr().err
    assert sorry.params["text"] == SORRY
    assert "OSError: cannot fetch" in failed.params["text"] and "[REDACTED]" in failed.params["text"]
    # DEBUG really was on, the URL-bearing lines really were written, and the failures really were logged.
    assert "bot[REDACTED]/sendMessage" in err and "Internal Server Error" in err and "502 Bad Gateway" in err
    assert "POST http://127.0.0.1" in err and "handling an update failed" in err and "reload failed" in err
    everything = err + "".join(str(c.params) for c in fake_api.calls)
    assert token not in everything
    assert token.split(":")[1] not in everything
    assert token.split(":")[1][:20] not in everything  # nor a clipped piece of it


@pytest.mark.slow
async def test_a_rejected_token_is_one_line_without_the_token(fake_api: FakeBotApi, tmp_path: Path) -> None:
    # PTB's InvalidToken message quotes the token; `scobot run` must not print it.
    wrong = "987654321:AAWrongTokenForTests_abcdefghijklmnop"
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "BOT_TOKEN": wrong,
        "BOT_API_BASE_URL": fake_api.base_url,
        "DATABASE_PATH": str(tmp_path / "scobot.db"),
        "SEEDS_DIR": str(tmp_path),
        "LOG_LEVEL": "DEBUG",
        "PTB_TIMEDELTA": "true",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    text = output.decode()
    assert process.returncode == 1, text
    assert "Telegram rejected BOT_TOKEN" in text
    assert wrong not in text and wrong.split(":")[1] not in text
    assert "Traceback" not in text


# -- admin-only actions --------------------------------------------------------------------------------


@pytest.fixture
async def app(fake_api: FakeBotApi, sample_store: Store, tmp_path: Path) -> AsyncIterator[Application]:
    (tmp_path / "seeds").mkdir()
    async with running_bot(bot_settings(fake_api, tmp_path), sample_store) as application:
        yield application


SENDERS = {
    "private": lambda text: updates.private_message(text, from_user=STRANGER),
    "group": lambda text: updates.group_message(text, from_user=STRANGER),
    "anonymous-group-admin": updates.anonymous_admin_message,
    "channel": updates.channel_post,
}


@pytest.mark.slow
@pytest.mark.parametrize("where", list(SENDERS))
async def test_stats_and_reload_are_refused_to_non_admins_everywhere(
    fake_api: FakeBotApi, app: Application, where: str
) -> None:
    for command in ("/stats", "/reload"):
        fake_api.push_update(SENDERS[where](command))
        answer = await fake_api.wait_for("sendMessage")
        assert answer.params["text"] == REFUSED
    assert services_of(app).reloader.last is None
    assert not fake_api.calls_to("editMessageText")


@pytest.mark.slow
async def test_uploads_are_refused_or_ignored_for_everyone_but_admins_in_private(
    fake_api: FakeBotApi, app: Application, tmp_path: Path
) -> None:
    content = b" date 2024-05-01 Minister Dee Park said that the summit will be in June.\n"
    doc = fake_api.register_file("file-x", content, "planted.txt", mime_type="text/plain")
    fake_api.push_update(updates.document_message(doc, from_user=STRANGER))
    assert (await fake_api.wait_for("sendMessage")).params["text"] == REFUSED
    # In groups and channels documents are not ours to handle: not saved, not answered, whoever sends them.
    group = updates.group_chat()
    fake_api.push_update(updates.document_message(doc, chat=group, from_user=STRANGER))
    fake_api.push_update(updates.document_message(doc, chat=group, from_user=ADMIN))
    anonymous = updates.anonymous_admin_message("x")["message"]
    del anonymous["text"]
    fake_api.push_update({"message": {**anonymous, "document": doc}})
    post = updates.channel_post("x")["channel_post"]
    del post["text"]
    fake_api.push_update({"channel_post": {**post, "document": doc}})
    # All five reached the bot once the server has no update left unconfirmed; then give handlers a moment.
    await fake_api.wait_for("getUpdates", lambda c: not fake_api.state.updates, timeout=10)
    await asyncio.sleep(0.5)
    assert services_of(app).updates_handled == 5
    assert len(fake_api.calls_to("sendMessage")) == 1
    assert list((tmp_path / "seeds").iterdir()) == []
    assert not fake_api.calls_to("getFile")


# -- uploads cannot escape SEEDS_DIR --------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc/passwd.txt", "/etc/cron.d/evil.txt", "..\\..\\windows\\evil.txt", "evil\x00.txt", "a\x00/../../b.txt",
    "." + "a" * 300 + ".txt", "…/…/x.txt", "../", "..", ".txt", "...txt", "~/.bashrc.txt", "CON.txt",
    "\u202etxt.exe", "%2e%2e%2fevil.txt", "seeds/../../x.txt", "ok name (1).TXT", "Норов.txt", "😀.txt",
]  # fmt: skip


def _check_saved(seeds: Path, name: str) -> None:
    """Save an upload called `name`; it must land directly in `seeds` under a plain name, and nowhere else."""
    root = seeds.parent
    before = {p for p in root.rglob("*")}
    saved = save_upload(seeds, name, b"content")
    assert saved.parent == seeds.resolve()
    assert saved.read_bytes() == b"content"
    assert re.fullmatch(SAFE_NAME, saved.name) and len(saved.name) <= MAX_UPLOAD_NAME, saved.name
    assert {p for p in root.rglob("*")} - before <= {saved}
    saved.unlink()


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_upload_names_stay_inside_seeds(tmp_path: Path, name: str) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    _check_saved(seeds, name)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.one_of(
        st.text(),
        st.text().map(lambda s: s + ".txt"),
        st.lists(st.sampled_from(["..", "/", "\\", "\x00", ".", "a", "~", "txt", ".txt", " "])).map("".join),
    )
)
def test_any_upload_name_stays_inside_seeds(name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        seeds = Path(folder) / "seeds"
        seeds.mkdir()
        _check_saved(seeds, name)
        assert safe_article_name(name) == safe_article_name(name)  # deterministic for a given name


@pytest.mark.slow
async def test_an_admin_upload_with_a_hostile_name_lands_in_seeds(
    fake_api: FakeBotApi, app: Application, tmp_path: Path
) -> None:
    for number, name in enumerate(["../../outside.txt", "/tmp/absolute.txt", "nul\x00byte.txt", "x" * 500 + ".txt"]):
        # Different bytes each time: the same bytes again would be "already there".
        content = f" date 2024-05-0{number + 1} Minister Dee Park said that the summit will be in June.\n".encode()
        doc = fake_api.register_file(f"file-{number}", content, name, mime_type="text/plain")
        fake_api.push_update(updates.document_message(doc, from_user=ADMIN))
        await fake_api.wait_for("sendMessage", lambda c: "Saved as" in c.params["text"])
        await fake_api.wait_for("editMessageText", lambda c: "Reload done" in c.params["text"], timeout=60)
    inside = sorted(p.name for p in (tmp_path / "seeds").iterdir())
    assert inside == sorted(["outside.txt", "absolute.txt", "nulbyte.txt", "x" * (MAX_UPLOAD_NAME - 4) + ".txt"])
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".txt"] == []
    assert not Path("/tmp/absolute.txt").exists() or Path("/tmp/absolute.txt").read_bytes() != content


# -- the webhook -----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_webhook_without_a_secret_is_an_invalid_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/hook")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value).startswith("invalid setting WEBHOOK_SECRET: required when WEBHOOK_URL is set")
    assert "\n" not in str(raised.value)
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret_token-ok")
    assert load_settings().webhook_secret is not None


@pytest.mark.slow
async def test_webhook_calls_without_the_right_secret_get_403_and_are_not_processed(
    fake_api: FakeBotApi, sample_store: Store, tmp_path: Path
) -> None:
    secret, port = "s3cret_token-ok", _free_port()
    settings = bot_settings(
        fake_api,
        tmp_path,
        webhook_url="https://bot.example.org/scobot/hook",
        webhook_secret=secret,
        webhook_listen="127.0.0.1",
        port=port,
    )
    app = build_application(settings, sample_store)
    async with serving(app, settings), httpx.AsyncClient() as client:
        registered = fake_api.state.webhook
        assert (registered["url"], registered["secret_token"]) == ("https://bot.example.org/scobot/hook", secret)
        endpoint = f"http://127.0.0.1:{port}/scobot/hook"
        statuses = {}
        for label, headers in (
            ("none", {}),
            ("wrong", {"X-Telegram-Bot-Api-Secret-Token": "wrong"}),
            ("empty", {"X-Telegram-Bot-Api-Secret-Token": ""}),
            ("prefix", {"X-Telegram-Bot-Api-Secret-Token": secret[:-1]}),
        ):
            forged = fake_api.state.webhook_update(updates.private_message("/help", from_user=updates.user(6001)))
            statuses[label] = (await client.post(endpoint, json=forged, headers=headers)).status_code
        real = fake_api.state.webhook_update(updates.private_message("/help", from_user=updates.user(6002)))
        accepted = await client.post(endpoint, json=real, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
        answer = await fake_api.wait_for("sendMessage")
        await asyncio.sleep(0.5)
        handled = services_of(app).updates_handled
    assert statuses == {"none": 403, "wrong": 403, "empty": 403, "prefix": 403}
    assert accepted.status_code == 200
    assert int(answer.params["chat_id"]) == 6002
    assert [int(c.params["chat_id"]) for c in fake_api.calls_to("sendMessage")] == [6002]
    assert handled == 1


def test_upload_names_in_other_scripts_keep_their_letters_and_a_planted_link_is_not_followed(tmp_path: Path) -> None:
    assert safe_article_name("Норов.txt") == "Norov.txt"
    assert safe_article_name("..") != safe_article_name("...")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    outside = tmp_path / "outside.txt"
    (seeds / f".planted.txt.{os.getpid()}.partial").symlink_to(outside)
    with pytest.raises(FileExistsError):
        save_upload(seeds, "planted.txt", b"content")
    assert not outside.exists()
    assert not (seeds / "planted.txt").exists()
