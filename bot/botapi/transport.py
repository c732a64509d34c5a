"""The bot's HTTP client for Bot API calls: keep-alive HTTP/1.1 on asyncio streams, one write per request.

PTB's default client is httpx. Profiled under 2,000 concurrent /quote updates, httpx, httpcore and anyio
took ~60% of the bot's event loop: several layers of async context managers per request, two socket
writes (headers, then body), a reader re-armed on every read, and a connection pool whose bookkeeping
walks every connection (and, per idle one, every connection again, with a getpeername and a select) each
time a request starts or ends. A small pool makes that cheap, but the pool also bounds how many requests
are in flight, and against the real Bot API, a network round trip away, that bound is the throughput.

Every Bot API method is a POST of JSON parameters answered with JSON, and that is all this client does
itself; uploads and file downloads (rare: an admin's document) go to PTB's `HTTPXRequest` unchanged.
Idle connections are kept last-in-first-out, so a quiet bot holds one or two warm ones however large
the pool may grow, and taking or returning one costs the same whatever its size.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from ssl import SSLContext
from urllib.parse import urlsplit

import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# Seconds an idle connection is kept for reuse; httpx's default, well inside the Bot API's own keep-alive.
KEEPALIVE_SECONDS = 5.0
# A response head (status line and headers) larger than this is not a Bot API answer.
MAX_HEAD_BYTES = 64 * 1024
_NO_BODY = frozenset({204, 304})


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a URL goes: the connection it needs and the request line's parts."""

    scheme: str
    host: str
    port: int
    host_header: str
    path: str

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port


@lru_cache(maxsize=256)  # a bot calls a few dozen method URLs, each thousands of times
def _target(url: str) -> _Target:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NetworkError(f"not an http(s) URL: {parts.scheme}://{parts.hostname}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(parts.scheme, parts.hostname, port, parts.netloc.rpartition("@")[2], path)


class _Connection:
    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def reusable(self, now: float) -> bool:
        # at_eof: the server closed it while idle (a FIN is read even when nobody waits for data).
        return now - self.idle_since < KEEPALIVE_SECONDS and not self.writer.is_closing() and not self.reader.at_eof()

    def close(self) -> None:
        self.writer.close()


class BotApiRequest(BaseRequest):
    """A `telegram.request.BaseRequest` for JSON Bot API calls over a pool of keep-alive connections.

    `connections` bounds the requests in flight; a request waits up to `pool_timeout` for a free one.
    https is verified against `ssl_context`, by default the certificates PTB's own httpx client trusts.
    The timeouts mean what they mean for `HTTPXRequest`, and so do the errors: `TimedOut` for a
    timeout, `NetworkError` for anything else that kept an answer from arriving.
    """

    def __init__(
        self,
        *,
        connections: int = 32,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        ssl_context: SSLContext | None = None,
    ) -> None:
        if connections < 1:
            raise ValueError("connections must be at least 1")
        self._connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._slots: asyncio.Semaphore | None = None
        self._idle: dict[tuple[str, str, int], deque[_Connection]] = {}
        self._ssl = ssl_context
        # Uploads and downloads: rare, and multipart and streaming are httpx's strengths, not this class's.
        self._files = HTTPXRequest(
            connection_pool_size=2,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            httpx_kwargs={"verify": ssl_context} if ssl_context is not None else None,
        )
        self._head = (
            f"User-Agent: {self.USER_AGENT}\r\nAccept: application/json\r\nAccept-Encoding: identity\r\n"
            "Content-Type: application/json\r\n"
        )

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        # Made here rather than in __init__: connections and waiters belong to the loop that runs the bot.
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._connections)
        await self._files.initialize()

    async def shutdown(self) -> None:
        for idle in self._idle.values():
            while idle:
                idle.pop().close()
        self._slots = None
        await self._files.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if method != "POST" or (request_data is not None and request_data.contains_files):
            return await self._files.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        slots = self._slots
        if slots is None:
            raise RuntimeError("this BotApiRequest is not initialized")
        target = _target(url)
        # One JSON document; PTB's json_payload would encode nested values (keyboards) twice, as strings.
        body = json.dumps(request_data.parameters).encode() if request_data is not None else b""
        head = (
            f"POST {target.path} HTTP/1.1\r\nHost: {target.host_header}\r\n{self._head}"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("ascii")
        try:
            async with asyncio.timeout(_given(pool_timeout, self._pool_timeout)):
                await slots.acquire()
        except TimeoutError:
            raise TimedOut("Pool timeout: all connections to the Bot API are busy; the request was not sent") from None
        try:
            connection = await self._connection(target, _given(connect_timeout, self._connect_timeout))
            try:
                status, payload, keep = await self._exchange(
                    connection,
                    head + body,
                    _given(write_timeout, self._write_timeout),
                    _given(read_timeout, self._read_timeout),
                )
            except BaseException:
                # Cancelled or failed half-way: what is left on the wire would be read as the next answer.
                connection.close()
                raise
            if keep:
                self._keep(target, connection)
            else:
                connection.close()
            return status, payload
        except TimeoutError:
            raise TimedOut from None
        except (OSError, EOFError, ValueError, asyncio.LimitOverrunError) as exc:
            # EOFError covers IncompleteReadError: the server hung up before the whole answer arrived.
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            slots.release()

    def _keep(self, target: _Target, connection: _Connection) -> None:
        now = connection.idle_since = time.monotonic()
        idle = self._idle.setdefault(target.origin, deque())
        # Last in, first out leaves the oldest at the bottom, unused in quiet times: expire them here.
        while idle and not idle[0].reusable(now):
            idle.popleft().close()
        idle.append(connection)

    async def _connection(self, target: _Target, connect_timeout: float | None) -> _Connection:
        idle = self._idle.get(target.origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()  # the most recently used: the one least likely to have been closed
            if connection.reusable(now):
                return connection
            connection.close()
        ssl: SSLContext | None = None
        if target.scheme == "https":
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()  # the same certificates PTB's httpx client trusts
            ssl = self._ssl
        async with asyncio.timeout(connect_timeout):
            reader, writer = await asyncio.open_connection(
                target.host, target.port, ssl=ssl, server_hostname=target.host if ssl else None, limit=MAX_HEAD_BYTES
            )
        return _Connection(reader, writer)

    @staticmethod
    async def _exchange(
        connection: _Connection, request: bytes, write_timeout: float | None, read_timeout: float | None
    ) -> tuple[int, bytes, bool]:
        """Send one request and read its answer: (status, body, whether the connection can be reused)."""
        reader, writer = connection.reader, connection.writer
        writer.write(request)
        async with asyncio.timeout(write_timeout):
            await writer.drain()
        async with asyncio.timeout(read_timeout):
            while True:
                version, status, headers = _parse_head(await reader.readuntil(b"\r\n\r\n"))
                if status >= 200:
                    break  # 1xx are interim answers; the real one follows
            keep = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
            if headers.get("content-encoding", "identity").lower() != "identity":
                raise ValueError(f"unasked-for Content-Encoding {headers['content-encoding']}")
            if status in _NO_BODY:
                return status, b"", keep
            if "chunked" in headers.get("transfer-encoding", "").lower():
                return status, await _read_chunked(reader), keep
            length = headers.get("content-length")
            if length is not None:
                return status, await reader.readexactly(int(length)), keep
            return status, await reader.read(), False  # the body ends where the connection does


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _parse_head(head: bytes) -> tuple[str, int, dict[str, str]]:
    status_line, *lines = head.decode("latin-1").split("\r\n")
    version, status, *_ = status_line.split(" ", 2)
    if not version.startswith("HTTP/1."):
        raise ValueError(f"not an HTTP/1 answer: {status_line[:40]!r}")
    headers: dict[str, str] = {}
    for line in lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return version, int(status), headers


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, unused
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        if await reader.readexactly(2) != b"\r\n":
            raise ValueError("malformed chunked body")
