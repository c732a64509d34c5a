"""The fake Bot API in a process of its own, driven over a pipe: for measuring the bot alone.

The real Bot API runs on another machine, so a benchmark that serves it from the bot's own event loop
charges the bot for the server's work. Here the server (the same ``FakeBotApi``, over real HTTP on
127.0.0.1) runs in a child process; the parent pushes updates and reads what the server saw through
JSON lines on the child's stdin and stdout::

    async with fake_bot_api_process() as server:
        server.push_updates([updates.private_message("/start")])
        await server.wait_until_answered("sendMessage", 1, timeout=5)
        calls = await server.calls("sendMessage")

``CallRecord.time`` is ``time.monotonic()`` in the child: on Linux the same clock as the parent's.
Tests keep using ``running_fake_bot_api``: one event loop is easier to reason about in a test.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tests.auxil.fake_bot_api import DEFAULT_TOKEN, FakeBotApi, base_file_url, base_url, running_fake_bot_api

__all__ = ["CallRecord", "RemoteFakeBotApi", "fake_bot_api_process"]

JSON = dict[str, Any]
ROOT = Path(__file__).resolve().parents[2]
_START_SECONDS = 30.0
# One answer is one line, and a list of thousands of calls is a long one.
_LINE_LIMIT = 1 << 28


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What a benchmark needs of one answered call (``Call`` itself holds request state)."""

    method: str
    time: float
    status: int
    chat_id: Any
    text: str | None


class RemoteFakeBotApi:
    """The parent's handle on the child's ``FakeBotApi``; commands are answered one at a time, in order."""

    def __init__(self, process: asyncio.subprocess.Process, token: str, port: int) -> None:
        self.token = token
        self.port = port
        self._process = process
        self._lock = asyncio.Lock()

    @property
    def base_url(self) -> str:
        return base_url(self.port)

    @property
    def base_file_url(self) -> str:
        return base_file_url(self.port)

    def push_updates(self, batch: list[JSON]) -> None:
        """Queue updates for getUpdates, as ``FakeBotApi.push_update`` does for each."""
        # Unanswered, so a paced sender never waits for the child.
        self._send(["push", batch])

    async def enable_flood_limit(self) -> None:
        await self._ask("flood")

    async def wait_until_answered(self, method: str, count: int, timeout: float) -> int:  # noqa: ASYNC109
        """Wait until ``count`` calls to ``method`` were answered 200, or ``timeout``; the number answered."""
        return int(await self._ask("wait", method, count, timeout))

    async def cpu_seconds(self) -> float:
        """CPU time the server's process has used so far: what serving the bot cost, kept apart from the bot."""
        return float(await self._ask("cpu"))

    async def calls(self, method: str, *, include_failed: bool = False) -> list[CallRecord]:
        """Answered calls to ``method`` in arrival order, only the successful ones unless ``include_failed``."""
        return [CallRecord(**record) for record in await self._ask("calls", method, include_failed)]

    def _send(self, command: list[Any]) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(command).encode() + b"\n")

    async def _ask(self, *command: Any) -> Any:
        assert self._process.stdout is not None
        async with self._lock:
            self._send(list(command))
            line = await self._process.stdout.readline()
        if not line:
            raise RuntimeError("the fake Bot API process exited")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the fake Bot API process failed: {answer['error']}")
        return answer["value"]


@asynccontextmanager
async def fake_bot_api_process(*, token: str = DEFAULT_TOKEN, seed: int = 0) -> AsyncIterator[RemoteFakeBotApi]:
    """A fake Bot API serving on 127.0.0.1 from a child process for the duration of the block."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        token,
        str(seed),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=_LINE_LIMIT,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        async with asyncio.timeout(_START_SECONDS):
            ready = await process.stdout.readline()
        if not ready:
            raise RuntimeError("the fake Bot API process did not start")
        yield RemoteFakeBotApi(process, token, int(json.loads(ready)["port"]))
    finally:
        # Closing stdin is the child's signal to shut its server down.
        with suppress(ConnectionError):
            process.stdin.close()
        try:
            async with asyncio.timeout(10):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()


async def _serve(token: str, seed: int) -> None:
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader(limit=_LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    async with running_fake_bot_api(token=token, seed=seed) as server:
        _answer({"port": server.port})
        while line := await commands.readline():
            name, *args = json.loads(line)
            if name == "push":
                for update in args[0]:
                    server.push_update(update)
                continue
            try:
                _answer({"value": await _command(server, name, *args)})
            except Exception as exc:  # told to the parent, which raises it, rather than lost in the child
                _answer({"error": repr(exc)})


def _answer(answer: JSON) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


async def _command(server: FakeBotApi, name: str, *args: Any) -> Any:
    if name == "flood":
        server.faults.enable_flood_limit()
        return None
    if name == "cpu":
        return time.process_time()
    if name == "wait":
        return await server.wait_until_answered(*args)
    if name == "calls":
        method, include_failed = args
        return [
            asdict(CallRecord(c.method, c.time, c.status or 0, c.params.get("chat_id"), c.params.get("text")))
            for c in server.calls_to(method, include_failed=include_failed)
        ]
    raise ValueError(f"unknown command {name!r}")


if __name__ == "__main__":
    asyncio.run(_serve(sys.argv[1], int(sys.argv[2])))
