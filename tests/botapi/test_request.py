"""The bot's HTTP client (`bot.botapi.request.AiohttpRequest`) over real sockets on 127.0.0.1.

Against the fake Bot API through a real `telegram.Bot`: JSON calls, keep-alive, the pool bound, and
uploads and downloads. Against a scripted raw HTTP server the test owns: error answers, timeouts (and
which of them happened before anything was sent), a hang-up, an oversize body refused unread, a proxy
from the environment, and https verification.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData

from bot.botapi.request import AiohttpRequest, BodyTooLarge, TimedOutBeforeSending
from tests.auxil.fake_bot_api import FakeBotApi
from tests.auxil.raw_http import answer, json_answer, raw_server

CHAT = 4242
OK_BODY = json.dumps({"ok": True, "result": True}).encode()
PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy"]


@pytest.fixture(autouse=True)
def _no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    # The client trusts the environment: a proxy set on the machine would carry these tests elsewhere.
    for name in [*PROXY_VARIABLES, "no_proxy"]:
        monkeypatch.delenv(name, raising=False)


@asynccontextmanager
async def bot_on(server: FakeBotApi, request: AiohttpRequest) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.base_url, base_file_url=server.base_file_url, request=request) as bot:
        yield bot


@asynccontextmanager
async def client(**options: object) -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(**options)  # type: ignore[arg-type]
    async with request:
        yield request


async def post(request: AiohttpRequest, url: str) -> object:
    return await request.post(url, RequestData())


async def hold(reader: asyncio.StreamReader) -> None:
    """Never answer; return when the client hangs up."""
    await reader.read()


# -- against the fake Bot API ---------------------------------------------------------------------------


async def test_replies_share_one_kept_alive_connection(fake_api: FakeBotApi) -> None:
    async with bot_on(fake_api, AiohttpRequest(connections=4)) as bot:
        for n in range(10):
            await bot.send_message(CHAT, f"reply {n}")
    sent = fake_api.calls_to("sendMessage")
    assert [c.params["text"] for c in sent] == [f"reply {n}" for n in range(10)]
    assert len({c.peer for c in sent}) == 1


async def test_the_pool_bounds_the_requests_in_flight(fake_api: FakeBotApi) -> None:
    async with bot_on(fake_api, AiohttpRequest(connections=3, pool_timeout=30)) as bot:
        await asyncio.gather(*(bot.send_message(CHAT, f"reply {n}") for n in range(30)))
    sent = fake_api.calls_to("sendMessage")
    assert sorted(c.params["text"] for c in sent) == sorted(f"reply {n}" for n in range(30))
    assert 1 <= len({c.peer for c in sent}) <= 3


async def test_keyboards_and_any_script_arrive_as_json(fake_api: FakeBotApi) -> None:
    keyboard = {"inline_keyboard": [[{"text": "▶", "callback_data": "q|k|1"}]]}
    async with bot_on(fake_api, AiohttpRequest()) as bot:
        message = await bot.send_message(CHAT, "Норов · 习近平 <b>bold</b>", parse_mode="HTML", reply_markup=keyboard)
    (call,) = fake_api.calls_to("sendMessage")
    assert call.params["text"] == "Норов · 习近平 <b>bold</b>"
    assert call.params["reply_markup"] == keyboard
    assert message.text == "Норов · 习近平 bold"


async def test_a_csv_upload_is_multipart_and_a_download_comes_back(fake_api: FakeBotApi) -> None:
    content = "speaker,text\nVladimir Norov,“Hello.”\n".encode()
    async with bot_on(fake_api, AiohttpRequest()) as bot:
        upload = InputFile(content, filename="statements.csv")
        message = await bot.send_document(CHAT, document=upload, caption="<b>42</b> statements", parse_mode="HTML")
        assert message.document is not None and message.document.file_name == "statements.csv"
        telegram_file = await bot.get_file(message.document.file_id)
        assert bytes(await telegram_file.download_as_bytearray()) == content
    (call,) = fake_api.calls_to("sendDocument")
    assert call.files["document"].body == content
    assert call.files["document"].filename == "statements.csv"
    assert call.params["caption"] == "<b>42</b> statements"
    assert int(call.params["chat_id"]) == CHAT


# -- against a scripted raw server ----------------------------------------------------------------------


async def test_a_json_answer_is_read_and_the_request_says_what_it_is() -> None:
    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(json_answer(OK_BODY))

    async with raw_server(script) as server, client() as request:
        assert await post(request, server.url()) is True
        assert await post(request, server.url()) is True
    assert server.connections == 1
    head = server.head(0)
    assert head.startswith("POST /bot123:abc/getMe HTTP/1.1")
    assert f"Host: 127.0.0.1:{server.port}" in head
    assert "User-Agent: python-telegram-bot" in head


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        ("400 Bad Request", {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, BadRequest,
         "Chat not found"),
        ("403 Forbidden", {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
         Forbidden, "bot was blocked"),
        ("429 Too Many Requests", {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
         "parameters": {"retry_after": 3}}, RetryAfter, "Flood control"),
        ("500 Internal Server Error", {"ok": False, "error_code": 500, "description": "Internal Server Error"},
         NetworkError, "Internal Server Error"),
    ],
)  # fmt: skip
async def test_error_answers_are_the_bot_apis_errors(status: str, body: dict, error: type, text: str) -> None:
    encoded = json.dumps(body).encode()

    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(json_answer(encoded, status=status))

    async with raw_server(script) as server, client() as request:
        with pytest.raises(error, match=text):
            await post(request, server.url())
        assert await request.do_request(server.url(), "POST") == (int(status[:3]), encoded)
    assert server.connections == 1  # an error answer leaves the connection usable


async def test_a_bad_gateway_page_is_a_network_error() -> None:
    page = b"<html><center><h1>502 Bad Gateway</h1></center></html>"

    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(page, "Content-Type: text/html", f"Content-Length: {len(page)}", status="502 Bad Gateway"))

    async with raw_server(script) as server, client() as request:
        with pytest.raises(NetworkError, match="Bad Gateway") as caught:
            await post(request, server.url())
    assert not isinstance(caught.value, TimedOut)


async def test_no_answer_within_the_read_timeout_is_timed_out_after_sending() -> None:
    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await hold(reader)

    async with raw_server(script) as server, client(read_timeout=0.3) as request:
        started = time.monotonic()
        with pytest.raises(TimedOut) as caught:
            await post(request, server.url())
        assert 0.25 < time.monotonic() - started < 3
    assert not isinstance(caught.value, TimedOutBeforeSending), "the request was written: it may have landed"
    assert len(server.requests) == 1


async def test_a_full_pool_is_timed_out_before_sending() -> None:
    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(1.0)
        writer.write(json_answer(OK_BODY))

    async with raw_server(script) as server, client(connections=1, pool_timeout=0.2) as request:
        first = asyncio.create_task(post(request, server.url()))
        await server.received.wait()
        with pytest.raises(TimedOutBeforeSending, match="not sent"):
            await post(request, server.url())
        assert await first is True
    assert len(server.requests) == 1, "the request that timed out waiting for a connection never left"


async def test_an_unreachable_server_is_a_network_error() -> None:
    async with raw_server(lambda n, reader, writer: hold(reader)) as server:
        port = server.port  # a port nobody listens on once the server is gone
    async with client(connect_timeout=1.0) as request:
        with pytest.raises(NetworkError, match="Cannot connect") as caught:
            await post(request, f"http://127.0.0.1:{port}/bot123:abc/getMe")
    assert not isinstance(caught.value, TimedOut)


@pytest.mark.parametrize("sent", [b"", b'{"ok": tr'], ids=["before-the-answer", "mid-answer"])
async def test_a_dropped_connection_is_a_network_error(sent: bytes) -> None:
    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if sent:
            writer.write(answer(sent, f"Content-Length: {len(OK_BODY)}"))
        writer.close()

    async with raw_server(script) as server, client() as request:
        with pytest.raises(NetworkError) as caught:
            await post(request, server.url())
    assert not isinstance(caught.value, TimedOut)


async def test_a_body_declared_over_the_cap_is_refused_unread() -> None:
    declared = 1_000_000_000

    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b'{"ok": true, "result": [', f"Content-Length: {declared}"))
        await hold(reader)  # the rest never comes: a client that waited for it would hang

    async with raw_server(script) as server, client(read_timeout=10.0) as request:
        started = time.monotonic()
        with pytest.raises(BodyTooLarge, match="1,000,000,000 bytes"):
            await post(request, server.url())
        assert time.monotonic() - started < 5


async def test_a_body_streaming_past_the_cap_is_cut_off_at_the_cap() -> None:
    cap, chunk = 256 * 1024, b"x" * 16 * 1024
    written = 0

    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal written
        writer.write(answer(b"", "Transfer-Encoding: chunked"))
        try:
            for _ in range(4096):  # 64 MB, unless the client hangs up first
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
                written += len(chunk)
        except ConnectionError:
            pass

    async with raw_server(script) as server, client(max_body_bytes=cap) as request:
        with pytest.raises(BodyTooLarge, match="262,144-byte cap"):
            await post(request, server.url())
    assert written < 64 * cap, f"the server got {written:,} bytes out before the client hung up"


async def test_file_downloads_have_their_own_cap() -> None:
    body = b"x" * 5000

    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(body, f"Content-Length: {len(body)}"))

    async with raw_server(script) as server:
        async with client(max_body_bytes=1000, max_download_bytes=10_000) as request:
            assert await request.retrieve(server.url("/file/bot123:abc/documents/a.txt")) == body
        async with client(max_download_bytes=1000) as request:
            with pytest.raises(BodyTooLarge):
                await request.retrieve(server.url("/file/bot123:abc/documents/a.txt"))


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY"])
async def test_a_proxy_from_the_environment_carries_the_calls(variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The Bot API's host does not resolve: an answer can only come from the proxy.
    async def proxy_script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(json_answer(OK_BODY))

    async with raw_server(proxy_script) as proxy:
        monkeypatch.setenv(variable, f"http://127.0.0.1:{proxy.port}")
        async with client() as request:
            assert await post(request, "http://api.telegram.invalid/bot123:abc/getMe") is True
    assert proxy.head(0).startswith("POST http://api.telegram.invalid/bot123:abc/getMe HTTP/1.1")


async def test_no_proxy_exempts_a_host(monkeypatch: pytest.MonkeyPatch) -> None:
    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(json_answer(OK_BODY))

    async with raw_server(script) as proxy, raw_server(script) as bot_api:
        monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with client() as request:
            assert await post(request, bot_api.url()) is True
    assert proxy.requests == [] and len(bot_api.requests) == 1


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, made by the openssl command line."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a certificate with")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
    command += " -addext subjectAltName=DNS:localhost"
    subprocess.run([*command.split(), "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


async def test_https_is_verified_and_kept_alive(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(json_answer(OK_BODY))

    async with raw_server(script, tls) as server:
        async with client(ssl_context=ssl.create_default_context(cafile=cert)) as request:
            assert await post(request, server.https_url()) is True
            assert await post(request, server.https_url()) is True
        assert server.connections == 1
        async with client() as request:  # the usual trust store has never heard of this certificate
            with pytest.raises(NetworkError, match="CERTIFICATE_VERIFY_FAILED"):
                await post(request, server.https_url())
