"""The bot's own HTTP client (`bot.botapi.transport.BotApiRequest`) over real sockets.

Against the fake Bot API through a real `telegram.Bot`: connections are kept alive and shared, the pool
bounds what is in flight, and uploads still work. Against a scripted raw HTTP server: the answers a
Bot API or the proxy in front of it may give (chunked, `Connection: close`, no length, a hang-up, an
idle connection closed by the server) and a request cancelled half-way.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import RequestData

from bot.botapi.transport import BotApiRequest
from tests.auxil.fake_bot_api import FakeBotApi, FaultKind

CHAT = 4242
OK_BODY = json.dumps({"ok": True, "result": True}).encode()


@asynccontextmanager
async def bot_on(server: FakeBotApi, request: BotApiRequest) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.base_url, base_file_url=server.base_file_url, request=request) as bot:
        yield bot


async def test_replies_share_one_kept_alive_connection(fake_api: FakeBotApi) -> None:
    async with bot_on(fake_api, BotApiRequest(connections=4)) as bot:
        for n in range(10):
            await bot.send_message(CHAT, f"reply {n}")
    sent = fake_api.calls_to("sendMessage")
    assert [c.params["text"] for c in sent] == [f"reply {n}" for n in range(10)]
    assert len({c.peer for c in sent}) == 1


async def test_the_pool_bounds_the_requests_in_flight(fake_api: FakeBotApi) -> None:
    async with bot_on(fake_api, BotApiRequest(connections=3, pool_timeout=30)) as bot:
        await asyncio.gather(*(bot.send_message(CHAT, f"reply {n}") for n in range(30)))
    sent = fake_api.calls_to("sendMessage")
    assert sorted(c.params["text"] for c in sent) == sorted(f"reply {n}" for n in range(30))
    assert 1 <= len({c.peer for c in sent}) <= 3


async def test_keyboards_arrive_as_json_objects(fake_api: FakeBotApi) -> None:
    keyboard = {"inline_keyboard": [[{"text": "▶", "callback_data": "q|k|1"}]]}
    async with bot_on(fake_api, BotApiRequest()) as bot:
        await bot.send_message(CHAT, "Норов · 习近平 <b>bold</b>", parse_mode="HTML", reply_markup=keyboard)
    (call,) = fake_api.calls_to("sendMessage")
    assert call.params["text"] == "Норов · 习近平 <b>bold</b>"
    assert call.params["reply_markup"] == keyboard
    assert fake_api.sent_messages(CHAT)[0]["entities"] == [{"type": "bold", "offset": 12, "length": 4}]


async def test_a_request_waits_for_a_free_connection_no_longer_than_the_pool_timeout(fake_api: FakeBotApi) -> None:
    fake_api.faults.fail_next("sendMessage", FaultKind.DELAY, delay=30)
    async with bot_on(fake_api, BotApiRequest(connections=1, read_timeout=30)) as bot:
        held = asyncio.create_task(bot.send_message(CHAT, "held"))
        for _ in range(500):  # until the server holds it
            if any(c.method == "sendMessage" for c in fake_api.calls):
                break
            await asyncio.sleep(0.01)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.send_message(CHAT, "queued", pool_timeout=0.2)
        held.cancel()
        with pytest.raises(asyncio.CancelledError):
            await held
        # The cancelled request's connection is not reused: what it still owes would be read as an answer.
        await bot.send_message(CHAT, "after")
    assert [c.params["text"] for c in fake_api.calls if c.method == "sendMessage"] == ["held", "after"]


async def test_a_read_timeout_is_timed_out_and_the_retry_gets_through(fake_api: FakeBotApi) -> None:
    fake_api.faults.fail_next("sendMessage", FaultKind.DELAY, delay=30)
    async with bot_on(fake_api, BotApiRequest(read_timeout=0.3)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "slow")
        await bot.send_message(CHAT, "again")
    assert [c.params["text"] for c in fake_api.calls_to("sendMessage")] == ["again"]


async def test_a_dropped_connection_is_a_network_error(fake_api: FakeBotApi) -> None:
    fake_api.faults.fail_next("sendMessage", FaultKind.DROP)
    async with bot_on(fake_api, BotApiRequest()) as bot:
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "dropped")
        await bot.send_message(CHAT, "again")
    assert [c.params["text"] for c in fake_api.calls_to("sendMessage")] == ["again"]


async def test_uploads_and_downloads_go_through(fake_api: FakeBotApi) -> None:
    content = "Tashkent, 12 May. The Secretary General said: “Hello.”\n".encode()
    async with bot_on(fake_api, BotApiRequest()) as bot:
        message = await bot.send_document(CHAT, document=content, filename="article.txt")
        assert message.document is not None
        telegram_file = await bot.get_file(message.document.file_id)
        assert bytes(await telegram_file.download_as_bytearray()) == content
    (call,) = fake_api.calls_to("sendDocument")
    assert call.files["document"].body == content


# -- a scripted raw server: answers the fake Bot API (tornado) never gives --------------------------------

Script = Callable[[int, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawServer:
    """Reads each request whole; `script(n, …)` writes the answer to the n-th request (counting from 0)."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[bytes] = []
        self.received = asyncio.Event()
        self.handlers: set[asyncio.Task[None]] = set()
        self.connections = 0
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self.handlers.add(task)
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                self.requests.append(head + await reader.readexactly(content_length(head)))
                self.received.set()
                await self.script(len(self.requests) - 1, reader, writer)
                if writer.is_closing():
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot123:abc/getMe"

    @property
    def https_url(self) -> str:
        return f"https://localhost:{self.port}/bot123:abc/getMe"


def content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


@asynccontextmanager
async def raw_server(script: Script, tls: ssl.SSLContext | None = None) -> AsyncIterator[RawServer]:
    server = RawServer(script)
    listening = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=tls)
    server.port = listening.sockets[0].getsockname()[1]
    async with listening:
        yield server
        # Each handler ends when its client hangs up; one cancelled instead is logged by asyncio as an error.
        if server.handlers:
            await asyncio.wait(server.handlers, timeout=5)


@asynccontextmanager
async def client(**options: object) -> AsyncIterator[BotApiRequest]:
    request = BotApiRequest(**options)  # type: ignore[arg-type]
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


def answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def post(request: BotApiRequest, url: str) -> object:
    return await request.post(url, RequestData())


async def test_a_chunked_answer_is_read_whole() -> None:
    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (OK_BODY[:5], OK_BODY[5:]))
        writer.write(answer(chunks + b"0\r\n\r\n", "Transfer-Encoding: chunked"))

    async with raw_server(script) as server, client() as request:
        assert await post(request, server.url) is True
        assert await post(request, server.url) is True
    assert server.connections == 1
    head = server.requests[0].split(b"\r\n\r\n")[0].decode()
    assert "POST /bot123:abc/getMe HTTP/1.1" in head
    assert f"Host: 127.0.0.1:{server.port}" in head
    assert "Content-Type: application/json" in head


async def test_connection_close_and_an_answer_without_a_length_end_the_connection() -> None:
    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if n == 0:
            writer.write(answer(OK_BODY, "Connection: close", f"Content-Length: {len(OK_BODY)}"))
        else:
            writer.write(answer(OK_BODY))  # the body is all that comes before the server hangs up
        writer.close()

    async with raw_server(script) as server, client() as request:
        assert await post(request, server.url) is True
        assert await post(request, server.url) is True
    assert server.connections == 2


async def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(OK_BODY, f"Content-Length: {len(OK_BODY)}"))
        await writer.drain()
        writer.close()  # without saying so: a keep-alive the server ended while the client was idle

    async with raw_server(script) as server, client() as request:
        assert await post(request, server.url) is True
        await asyncio.sleep(0.2)  # the server's FIN reaches the idle connection
        assert await post(request, server.url) is True
    assert server.connections == 2


async def test_a_hang_up_mid_answer_is_a_network_error() -> None:
    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(OK_BODY[:5], f"Content-Length: {len(OK_BODY)}"))
        writer.close()

    async with raw_server(script) as server, client() as request:
        with pytest.raises(NetworkError):
            await post(request, server.url)


async def test_an_error_answer_is_the_bot_apis_error() -> None:
    body = json.dumps({"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}).encode()

    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(body, f"Content-Length: {len(body)}", status="400 Bad Request"))

    async with raw_server(script) as server, client() as request:
        with pytest.raises(BadRequest, match="Chat not found"):
            await post(request, server.url)
        assert await request.do_request(server.url, "POST") == (400, body)
    assert server.connections == 1  # an error answer leaves the connection usable


async def test_a_cancelled_request_never_hands_its_late_answer_to_the_next() -> None:
    answered = asyncio.Event()

    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = json.dumps({"ok": True, "result": n}).encode()
        if n == 0:
            await answered.wait()  # answered only after the client gave up on it
        writer.write(answer(body, f"Content-Length: {len(body)}"))
        await writer.drain()

    async with raw_server(script) as server, client(connections=1) as request:
        first = asyncio.create_task(post(request, server.url))
        await server.received.wait()
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        answered.set()
        assert await post(request, server.url) == 1


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, made by the openssl command line."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a certificate with")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
    command += " -addext subjectAltName=DNS:localhost"
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_https_is_verified_and_kept_alive(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    async def script(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(OK_BODY, f"Content-Length: {len(OK_BODY)}"))

    async with raw_server(script, tls) as server:
        async with client(ssl_context=ssl.create_default_context(cafile=cert)) as request:
            assert await post(request, server.https_url) is True
            assert await post(request, server.https_url) is True
        assert server.connections == 1
        async with client() as request:  # the usual trust store has never heard of this certificate
            with pytest.raises(NetworkError, match="CERTIFICATE_VERIFY_FAILED"):
                await post(request, server.https_url)
