"""A fake Telegram Bot API server on 127.0.0.1 that tests own and drive over real HTTP.

Tests point a real ``telegram.Bot`` / PTB ``Application`` at it::

    async with running_fake_bot_api() as server:
        bot = Bot(server.token, base_url=server.base_url, base_file_url=server.base_file_url)
        server.push_update(updates.private_message("/start"))
        call = await server.wait_for("sendMessage")

It runs on tornado inside the test's own event loop, so there are no threads to race with and
``push_update`` can be called straight from the test. Method behaviour lives in
``fake_bot_api_methods`` (on state from ``fake_bot_api_state``), the wire format in
``fake_bot_api_http``; this module records calls, injects faults and exposes the test API.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import tornado.httpserver
import tornado.netutil

from tests.auxil.fake_bot_api_faults import FaultKind, FaultRule, Faults
from tests.auxil.fake_bot_api_http import DROP, Reply, json_reply, make_application
from tests.auxil.fake_bot_api_methods import BotApi
from tests.auxil.fake_bot_api_state import ApiRequest, UploadedFile
from tests.auxil.fake_bot_api_validate import ApiError, ClientGone
from tests.auxil.updates import DEFAULT_BOT_ID, DEFAULT_BOT_USERNAME

__all__ = [
    "DEFAULT_TOKEN",
    "BotUser",
    "Call",
    "FakeBotApi",
    "FaultKind",
    "Faults",
    "running_fake_bot_api",
]

JSON = dict[str, Any]
_LOGGER = logging.getLogger(__name__)

DEFAULT_TOKEN = f"{DEFAULT_BOT_ID}:AAFakeTokenForTests_0123456789abcdefgh"
# What nginx in front of the Bot API answers when the backend is down: HTML, not JSON.
_BAD_GATEWAY_BODY = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class BotUser:
    id: int
    username: str
    first_name: str

    def as_dict(self) -> JSON:
        """The ``User`` that ``getMe`` returns."""
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }


@dataclass
class Call:
    """One API request as the server saw it.

    ``status`` is None while the request is in flight, the HTTP status once answered, and 0 when
    no HTTP answer was sent (dropped or delayed connection, or a client that hung up).
    ``time`` is ``time.monotonic()`` at arrival, for measuring a bot's retry spacing.
    ``peer`` is the client's ``(host, port)``: calls over one kept-alive connection share it.
    """

    method: str
    params: JSON
    time: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int | None = None
    result: Any = None
    error: str | None = None
    fault: FaultKind | None = None
    peer: tuple[str, int] | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


def base_url(port: int) -> str:
    """What the bot's `base_url` setting is for a fake Bot API on `port` (PTB appends the token)."""
    return f"http://127.0.0.1:{port}/bot"


def base_file_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/file/bot"


class FakeBotApi:
    """The fake server. Create with :func:`running_fake_bot_api`, which starts and stops it."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = "Scobot Test",
        strict_chats: bool = False,
        seed: int = 0,
    ) -> None:
        self.token = token
        self.bot_user = BotUser(int(token.split(":", 1)[0]), bot_username, bot_first_name)
        self.state = BotApi(self.bot_user.as_dict(), strict_chats=strict_chats)
        self.faults = Faults(seed)
        self.calls: list[Call] = []
        # Answered-200 calls by lower-cased method: counting `calls` each time is quadratic over a benchmark.
        self.answered: Counter[str] = Counter()
        self.port = 0
        self._consumed: set[int] = set()
        self._call_listeners: set[asyncio.Event] = set()
        self._inflight: set[ApiRequest] = set()
        self._idle = asyncio.Event()
        self._server: tornado.httpserver.HTTPServer | None = None

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        app = make_application(self)
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)

    async def close(self) -> None:
        """Stop listening, answer held requests (long polls get ``[]``), close connections."""
        if self._server is None:
            return
        self._server.stop()
        self.state.release_all()
        for req in self._inflight:
            req.wake.set()
        if self._inflight:
            self._idle.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), 2.0)
        await self._server.close_all_connections()
        self._server = None

    # -- addresses ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return base_url(self.port)

    @property
    def base_file_url(self) -> str:
        return base_file_url(self.port)

    # -- test API -------------------------------------------------------------------------

    def push_update(self, update: JSON) -> JSON:
        """Queue an update for getUpdates; returns it with the ``update_id`` it was given."""
        return self.state.push_update(update)

    def webhook_update(self, update: JSON) -> JSON:
        """Number and remember an update that a test delivers to a webhook itself (queries become answerable)."""
        return self.state.webhook_update(update)

    def register_file(self, file_id: str, content: bytes, file_name: str, mime_type: str | None = None) -> JSON:
        """Make ``file_id`` downloadable; returns a ``Document`` dict for ``updates.document``."""
        return self.state.register_file(file_id, content, file_name, mime_type)

    @property
    def messages(self) -> dict[tuple[int, int], JSON]:
        """Current state of every known message by ``(chat_id, message_id)``; edits apply here."""
        return self.state.messages

    def message(self, chat_id: int, message_id: int) -> JSON:
        return self.state.messages[(chat_id, message_id)]

    def buttons(self, chat_id: int, message_id: int) -> list[list[JSON]]:
        """The inline keyboard currently on a message (``[]`` when it has none)."""
        markup = self.message(chat_id, message_id).get("reply_markup") or {}
        return markup.get("inline_keyboard", [])

    def sent_messages(self, chat_id: int | None = None) -> list[JSON]:
        """Messages the bot delivered, in order, in their current (possibly edited) state."""
        return [self.state.messages[key] for key in self.state.sent if chat_id is None or key[0] == chat_id]

    def calls_to(self, method: str, *, include_failed: bool = False) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method.lower() == method.lower() and c.status is not None and (include_failed or c.ok)
        ]

    async def wait_until_answered(self, method: str, count: int, timeout: float) -> int:  # noqa: ASYNC109
        """Wait until ``count`` calls to ``method`` were answered 200, or ``timeout``; the number answered."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        key = method.lower()
        while self.answered[key] < count and (remaining := deadline - loop.time()) > 0:
            await self._next_answer(remaining)
        return self.answered[key]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        # A per-call deadline reads better in tests than wrapping every wait in asyncio.timeout.
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        include_failed: bool = False,
    ) -> Call:
        """The oldest answered call to ``method`` not returned before, waiting for one if needed.

        Failed calls (non-200) only match with ``include_failed``, so by default this waits for
        the call that actually took effect.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index, call in enumerate(self.calls):
                if (
                    index not in self._consumed
                    and call.status is not None
                    and call.method.lower() == method.lower()
                    and (include_failed or call.ok)
                    and (predicate is None or predicate(call))
                ):
                    self._consumed.add(index)
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = ", ".join(f"{c.method}:{c.status}" for c in self.calls[-20:])
                raise TimeoutError(f"no matching {method} call within {timeout}s; last calls: [{seen}]")
            await self._next_answer(remaining)

    async def _next_answer(self, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until the server answers another call, or ``timeout`` seconds pass."""
        listener = asyncio.Event()
        self._call_listeners.add(listener)
        try:
            await asyncio.wait_for(listener.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            self._call_listeners.discard(listener)

    # -- request handling -----------------------------------------------------------------

    def download(self, file_path: str) -> bytes | None:
        stored = self.state.files_by_path.get(file_path)
        return None if stored is None else stored.content

    def _notify(self) -> None:
        for listener in self._call_listeners:
            listener.set()

    async def dispatch(self, token: str, name: str, req: ApiRequest) -> Reply | object:
        found = self.state.method(name)
        call = Call(found[0] if found else name, req.params, time.monotonic(), req.files, peer=req.peer)
        self.calls.append(call)
        self._inflight.add(req)
        try:
            outcome = await self._answer(token, found, call, req)
        finally:
            self._inflight.discard(req)
            if not self._inflight:
                self._idle.set()
        if isinstance(outcome, Reply):
            call.status = outcome.status
            if call.ok:
                self.answered[call.method.lower()] += 1
        else:
            call.status = 0
        self._notify()
        return outcome

    async def _answer(
        self,
        token: str,
        found: tuple[str, Callable[[ApiRequest], Any]] | None,
        call: Call,
        req: ApiRequest,
    ) -> Reply | object:
        # Telegram checks the token before it looks at the method.
        if token != self.token:
            return self._error(call, ApiError(401, "Unauthorized"))
        if found is None:
            return self._error(call, ApiError(404, "Not Found: method not found"))
        rule = self.faults.pick(call.method, req.params)
        if rule is not None:
            return await self._inject(call, rule, req)
        retry_after = self.faults.flood_retry_after(call.method, req.params)
        if retry_after is not None:
            call.fault = FaultKind.FLOOD
            self.faults.count(call.method, FaultKind.FLOOD)
            return self._error(call, _too_many_requests(retry_after))
        try:
            result = await found[1](req)
        except ApiError as exc:
            return self._error(call, exc)
        except ClientGone:
            call.error = "client closed the connection"
            return DROP
        except Exception as exc:
            # A bug in the fake itself: answer like Telegram's 500 but leave a traceback behind.
            _LOGGER.exception("fake Bot API failed in %s", call.method)
            return self._error(call, ApiError(500, f"Internal Server Error: {exc!r}"))
        self.faults.note_delivered(call.method, req.params)
        call.result = copy.deepcopy(result)
        return json_reply(200, {"ok": True, "result": result})

    @staticmethod
    def _error(call: Call, exc: ApiError) -> Reply:
        call.error = exc.description
        return json_reply(exc.status, exc.body())

    async def _inject(self, call: Call, rule: FaultRule, req: ApiRequest) -> Reply | object:
        call.fault = rule.kind
        self.faults.count(call.method, rule.kind)
        if rule.kind is FaultKind.RETRY_AFTER:
            return self._error(call, _too_many_requests(rule.retry_after))
        if rule.kind is FaultKind.SERVER_ERROR:
            return self._error(call, ApiError(500, "Internal Server Error"))
        if rule.kind is FaultKind.BLOCKED:
            return self._error(call, ApiError(403, "Forbidden: bot was blocked by the user"))
        if rule.kind is FaultKind.BAD_GATEWAY:
            call.error = "502 Bad Gateway"
            return Reply(502, _BAD_GATEWAY_BODY, "text/html")
        if rule.kind is FaultKind.DELAY:
            # Held until the client gives up, the delay ends, or the server closes; never answered.
            with suppress(TimeoutError):
                await asyncio.wait_for(req.wake.wait(), rule.delay)
        call.error = f"connection dropped ({rule.kind})"
        return DROP


def _too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


@asynccontextmanager
async def running_fake_bot_api(
    *,
    token: str = DEFAULT_TOKEN,
    bot_username: str = DEFAULT_BOT_USERNAME,
    strict_chats: bool = False,
    seed: int = 0,
) -> AsyncIterator[FakeBotApi]:
    """Start a fake Bot API on an ephemeral port for the duration of the block.

    Use as a pytest fixture::

        @pytest.fixture
        async def fake_api() -> AsyncIterator[FakeBotApi]:
            async with running_fake_bot_api() as server:
                yield server
    """
    server = FakeBotApi(token=token, bot_username=bot_username, strict_chats=strict_chats, seed=seed)
    await server.start()
    try:
        yield server
    finally:
        await server.close()
