"""A scripted raw HTTP/1.1 server on 127.0.0.1: the answers a Bot API, or a proxy in front of it, may give.

The fake Bot API (tornado) always answers well-formed; this one lets a test write any bytes, hang up
half-way, or hold a request, and it records every request it read whole (head and body).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

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

    def url(self, path: str = "/bot123:abc/getMe") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def https_url(self, path: str = "/bot123:abc/getMe") -> str:
        return f"https://localhost:{self.port}{path}"

    def head(self, n: int) -> str:
        """The n-th request's request line and headers."""
        return self.requests[n].split(b"\r\n\r\n", 1)[0].decode("latin-1")

    def body(self, n: int) -> bytes:
        return self.requests[n].split(b"\r\n\r\n", 1)[1]


def content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def json_answer(body: bytes, status: str = "200 OK") -> bytes:
    return answer(body, "Content-Type: application/json", f"Content-Length: {len(body)}", status=status)


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
