"""The webhook server `scobot run` serves, attacked over 127.0.0.1: every call is checked before its body is read,
malformed updates get 400, slow and idle connections cannot hold it, and the secret stays out of the log.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.serving.runner import serving
from bot.serving.webhook import MAX_UPDATE_BYTES, SECRET_HEADER, WebhookLimits
from bot.store import Store
from tests.auxil import updates
from tests.auxil.fake_bot_api import FakeBotApi
from tests.auxil.running_bot import bot_settings, free_port, services_of

pytestmark = pytest.mark.slow

SECRET = "s3cret_token-ok"
PATH = "/scobot/hook"
MB = 1024 * 1024


def webhook_settings(fake_api: FakeBotApi, folder: Path) -> Settings:
    return bot_settings(
        fake_api,
        folder,
        webhook_url=f"https://bot.example.org{PATH}",
        webhook_secret=SECRET,
        port=free_port(),
        queries_per_minute=0,
    )


@pytest.fixture
async def webhook(fake_api: FakeBotApi, sample_store: Store, tmp_path: Path) -> AsyncIterator[tuple[Application, str]]:
    settings = webhook_settings(fake_api, tmp_path)
    app = build_application(settings, sample_store)
    async with serving(app, settings):
        yield app, f"http://127.0.0.1:{settings.port}{PATH}"


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def post_raw(port: int, headers: dict[str, str], body_chunk: bytes, chunks: int) -> tuple[int, int]:
    """POST `chunks` × `body_chunk` as one declared body; the status, and how many bytes the server took."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = [f"POST {PATH} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body_chunk) * chunks}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    sent = 0

    async def send_body() -> None:
        nonlocal sent
        try:
            for _ in range(chunks):
                writer.write(body_chunk)
                await writer.drain()
                sent += len(body_chunk)
        except (ConnectionError, OSError):
            pass  # hung up on: the point

    sending = asyncio.create_task(send_body())
    status_line = await asyncio.wait_for(reader.readline(), 60)
    await asyncio.wait_for(sending, 60)
    writer.close()
    return int(status_line.split()[1]), sent


async def test_oversize_posts_are_refused_before_their_bodies_are_read(
    webhook: tuple[Application, str], sample_store: Store
) -> None:
    app, url = webhook
    port = int(url.split(":")[2].split("/")[0])
    chunk = b"x" * MB
    declared = 48  # MB each, 48 times Telegram's largest update
    await post_raw(port, {}, b"{}", 1)  # warm up: tornado's own first-request allocations are not the bodies'
    before = peak = rss_bytes()

    async def sample_peak() -> None:
        nonlocal peak
        while True:
            peak = max(peak, rss_bytes())
            await asyncio.sleep(0.005)

    sampler = asyncio.create_task(sample_peak())
    headers = {"Content-Type": "application/json"}
    no_secret = await asyncio.gather(*(post_raw(port, headers, chunk, declared) for _ in range(4)))
    headers[SECRET_HEADER] = SECRET
    with_secret = await asyncio.gather(*(post_raw(port, headers, chunk, declared) for _ in range(4)))
    sampler.cancel()
    grown = peak - before
    print(f"RSS {before / MB:.0f} MB before 8 × {declared} MB posts, peak {peak / MB:.0f} MB (+{grown / MB:.1f} MB)")
    assert [status for status, _ in no_secret] == [403] * 4
    assert [status for status, _ in with_secret] == [413] * 4
    # The server answered and hung up long before the bodies were through; the process did not hold them.
    assert all(sent < declared * MB for _, sent in no_secret + with_secret)
    assert grown < 40 * MB
    assert services_of(app).updates_handled == 0


async def test_a_chunked_body_over_the_cap_gets_413(webhook: tuple[Application, str]) -> None:
    app, url = webhook

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b" " * (MAX_UPDATE_BYTES // 2)

    async with httpx.AsyncClient() as client:
        try:
            status = (await client.post(url, content=chunks(), headers={SECRET_HEADER: SECRET})).status_code
        except httpx.HTTPError:  # hung up on while still sending: acceptable, the body was not taken
            status = 413
    assert status == 413
    assert services_of(app).updates_handled == 0


MALFORMED = {
    "not json": b"{not json",
    "invalid utf-8": b'{"update_id": 1, "x": "\xff\xfe"}',
    "empty": b"",
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "an array": b"[1, 2]",
    "update_id a string": b'{"update_id": "7"}',
    "update_id a boolean": b'{"update_id": true}',
    "no update_id": b'{"message": {}}',
    "a message that is not one": b'{"update_id": 5, "message": "hello"}',
}


async def test_malformed_updates_with_the_secret_get_400_in_one_log_line_and_reach_no_handler(
    webhook: tuple[Application, str], fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    app, url = webhook
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient() as client:
        statuses = {
            label: (await client.post(url, content=body, headers={SECRET_HEADER: SECRET})).status_code
            for label, body in MALFORMED.items()
        }
        valid = fake_api.state.webhook_update(updates.private_message("/help", from_user=updates.user(6002)))
        accepted = await client.post(url, json=valid, headers={SECRET_HEADER: SECRET})
        await fake_api.wait_for("sendMessage")
    assert statuses == dict.fromkeys(MALFORMED, 400)
    assert accepted.status_code == 200
    assert services_of(app).updates_handled == 1
    refused = [r for r in caplog.records if "refused a malformed update" in r.getMessage()]
    assert len(refused) == len(MALFORMED)
    assert not any(r.exc_info for r in caplog.records) and not any(r.levelno >= logging.ERROR for r in caplog.records)


async def test_wrong_paths_and_methods_are_refused(webhook: tuple[Application, str]) -> None:
    _, url = webhook
    async with httpx.AsyncClient() as client:
        assert (await client.get(url, headers={SECRET_HEADER: SECRET})).status_code == 405
        assert (await client.post(url.replace("hook", "hooks"), headers={SECRET_HEADER: SECRET})).status_code == 404
        assert (await client.post(url.replace("/scobot/hook", "/scobot/hoo."))).status_code == 404


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> float:
    """Seconds until the server hangs up (reading gives EOF), failing after `seconds`."""
    started = time.monotonic()
    while await asyncio.wait_for(reader.read(1024), seconds):
        pass
    return time.monotonic() - started


async def test_slow_headers_and_slow_bodies_are_cut_off(
    fake_api: FakeBotApi, sample_store: Store, tmp_path: Path
) -> None:
    settings = webhook_settings(fake_api, tmp_path)
    app = build_application(settings, sample_store)
    async with serving(app, settings, limits=WebhookLimits(header_timeout=1.0, body_timeout=1.0)):
        # Headers a byte at a time, never finished (slowloris): cut off at the header timeout, not after an hour.
        reader, writer = await asyncio.open_connection("127.0.0.1", settings.port)
        dribble = asyncio.create_task(
            _dribble(writer, b"POST /scobot/hook HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 100)
        )
        header_cut = await closed_within(reader, 5)
        dribble.cancel()
        # Complete headers with the secret, then a body that never comes.
        reader, writer = await asyncio.open_connection("127.0.0.1", settings.port)
        writer.write(
            f"POST {PATH} HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\nContent-Length: 500\r\n\r\n{{".encode()
        )
        await writer.drain()
        body_cut = await closed_within(reader, 5)
    assert header_cut < 3 and body_cut < 3
    assert services_of(app).updates_handled == 0


async def _dribble(writer: asyncio.StreamWriter, data: bytes) -> None:
    for byte in data:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.1)


# Opens many connections and sends nothing on them, as a slowloris client does; in its own process so its
# sockets do not count against the bot's descriptors.
ATTACKER = textwrap.dedent(
    """
    import resource, socket, sys, time
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port, count = int(sys.argv[1]), int(sys.argv[2])
    held = []
    for _ in range(count):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            continue
        held.append(s)
    half = socket.create_connection(("127.0.0.1", port))
    half.sendall(b"POST /scobot/hook HTTP/1.1\\r\\nHost: x\\r\\n")  # headers never finished
    held.append(half)
    print(len(held), flush=True)
    time.sleep(float(sys.argv[3]))
    """
)


async def test_idle_connections_beyond_the_descriptor_limit_cannot_starve_the_webhook(
    fake_api: FakeBotApi, sample_store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The process may open only a few hundred descriptors, as under systemd's default of 1,024, and the
    # attacker opens more connections than that.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    in_use = len(os.listdir("/proc/self/fd"))
    limit = in_use + 300
    caplog.set_level(logging.INFO)
    settings = webhook_settings(fake_api, tmp_path)
    app = build_application(settings, sample_store)
    limits = WebhookLimits(header_timeout=1.0, body_timeout=1.0)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    try:
        async with serving(app, settings, limits=limits):
            attacker = await asyncio.create_subprocess_exec(
                sys.executable, "-c", ATTACKER, str(settings.port), str(limit * 2), "20",
                stdout=subprocess.PIPE,
            )  # fmt: skip
            assert attacker.stdout is not None
            held = int(await asyncio.wait_for(attacker.stdout.readline(), 60))
            try:
                valid = fake_api.state.webhook_update(updates.private_message("/help", from_user=updates.user(6003)))
                async with httpx.AsyncClient() as client:
                    url = f"http://127.0.0.1:{settings.port}{PATH}"
                    for _ in range(20):  # until the idle ones are timed out: about a second
                        try:
                            answer = await client.post(url, json=valid, headers={SECRET_HEADER: SECRET})
                            break
                        except httpx.TransportError:
                            await asyncio.sleep(0.5)
                    else:
                        pytest.fail("the webhook never answered while idle connections were open")
                await fake_api.wait_for("sendMessage", timeout=10)
            finally:
                attacker.kill()
                await attacker.wait()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert held > limit  # the attacker really did hold more connections than the bot may open files
    assert answer.status_code == 200
    messages = [r.getMessage() for r in caplog.records]
    assert not any("Too many open files" in m for m in messages)
    assert sum("closing new ones" in m for m in messages) <= 1  # one warning per flood, not one per connection
    assert len(messages) < 200


async def test_the_webhook_secret_stays_out_of_the_debug_log_of_scobot_run(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "BOT_TOKEN": fake_api.token,
        "BOT_API_BASE_URL": fake_api.base_url,
        "DATABASE_PATH": str(tmp_path / "scobot.db"),
        "SEEDS_DIR": str(tmp_path),
        "LOG_LEVEL": "DEBUG",
        "PTB_TIMEDELTA": "true",
        "WEBHOOK_URL": f"https://bot.example.org{PATH}",
        "WEBHOOK_SECRET": SECRET,
        "PORT": str(free_port()),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        await fake_api.wait_for("setWebhook", timeout=60)
        await fake_api.wait_for("setMyShortDescription", timeout=30)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 60)
    text = output.decode()
    assert process.returncode == 0, text
    assert "setWebhook" in text  # PTB's DEBUG line with the call's parameters was written
    assert SECRET not in text
