"""HTTP side of the fake Bot API: Telegram's URL layout and wire encoding on tornado.

Kept apart from ``fake_bot_api`` so the server class reads as behaviour, not plumbing.
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Protocol

import tornado.httputil
import tornado.iostream
import tornado.web

from tests.auxil.fake_bot_api_state import ApiRequest, UploadedFile
from tests.auxil.fake_bot_api_validate import ApiError

__all__ = ["DROP", "Reply", "decode_param", "json_reply", "make_application"]

JSON = dict[str, Any]
_LOGGER = logging.getLogger(__name__)

# PTB form-encodes every value as a string, so the wire alone can't tell "42" the text from
# 42 the id; these names are numbers or booleans in the Bot API, everything else stays a str.
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "user_id",
        "max_connections",
        "until_date",
        "duration",
        "width",
        "height",
    }
)
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "allow_paid_broadcast",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "drop_pending_updates",
        "show_alert",
        "is_personal",
        "has_spoiler",
    }
)
_INT_RE = re.compile(r"-?\d+")


def decode_param(name: str, value: Any) -> Any:
    """Turn one wire value back into the Python value the bot meant to send."""
    if not isinstance(value, str):
        return value
    if value[:1] in ("{", "["):
        with suppress(ValueError):
            decoded = json.loads(value)
            if isinstance(decoded, dict | list):
                return decoded
    if name in _INT_PARAMS and _INT_RE.fullmatch(value):
        return int(value)
    if name in _BOOL_PARAMS and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


class _Server(Protocol):
    """What the handlers need from ``FakeBotApi``; a protocol keeps the import one-way."""

    token: str

    async def dispatch(self, token: str, name: str, req: ApiRequest) -> Reply | object: ...

    def download(self, file_path: str) -> bytes | None: ...


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"


DROP = object()  # close the socket without answering


def json_reply(status: int, data: JSON) -> Reply:
    return Reply(status, json.dumps(data).encode())


def read_params(request: tornado.httputil.HTTPServerRequest) -> tuple[JSON, dict[str, UploadedFile]]:
    raw: JSON = {k: v[0].decode("utf-8", "replace") for k, v in request.query_arguments.items()}
    if request.headers.get("Content-Type", "").startswith("application/json") and request.body:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError("JSON body is not an object")
        raw.update(body)
    else:
        raw.update({k: v[0].decode("utf-8", "replace") for k, v in request.body_arguments.items()})
    files = {
        name: UploadedFile(parts[0].filename, parts[0].body, parts[0].content_type)
        for name, parts in request.files.items()
    }
    return {name: decode_param(name, value) for name, value in raw.items()}, files


class _ApiHandler(tornado.web.RequestHandler):
    def initialize(self, api: _Server) -> None:
        self.api = api
        self.api_request: ApiRequest | None = None

    async def get(self, token: str, method: str) -> None:
        try:
            params, files = read_params(self.request)
        except ValueError:
            self._send(json_reply(400, ApiError(400, "Bad Request: can't parse JSON").body()))
            return
        peer = getattr(getattr(self.request.connection, "context", None), "address", None)
        self.api_request = ApiRequest(params, files, peer=peer)
        outcome = await self.api.dispatch(token, method, self.api_request)
        if isinstance(outcome, Reply) and not self.api_request.gone:
            self._send(outcome)
        else:
            self.detach().close()

    post = get

    def on_connection_close(self) -> None:
        # Wakes a held long poll so it stops waiting for a client that is no longer there.
        if self.api_request is not None:
            self.api_request.gone = True
            self.api_request.wake.set()

    def _send(self, reply: Reply) -> None:
        self.set_status(reply.status)
        self.set_header("Content-Type", reply.content_type)
        self.finish(reply.body)


_FILE_CHUNK = 256 * 1024


class _FileHandler(tornado.web.RequestHandler):
    def initialize(self, api: _Server) -> None:
        self.api = api

    async def get(self, token: str, file_path: str) -> None:
        if token != self.api.token:
            self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        content = self.api.download(file_path)
        if content is None:
            self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.set_header("Content-Length", str(len(content)))
        # In chunks, as a real server streams a file: a client may stop reading (and hang up) part-way.
        try:
            for start in range(0, len(content), _FILE_CHUNK):
                self.write(content[start : start + _FILE_CHUNK])
                await self.flush()
        except tornado.iostream.StreamClosedError:
            return
        self.finish()

    def _json(self, status: int, data: JSON) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))


class _NotFoundHandler(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))


def make_application(api: _Server) -> tornado.web.Application:
    return tornado.web.Application(
        [
            (r"/bot([^/]*)/([^/]*)/?", _ApiHandler, {"api": api}),
            (r"/file/bot([^/]*)/(.+)", _FileHandler, {"api": api}),
            (r".*", _NotFoundHandler),
        ],
        # tornado logs every 4xx/5xx as a warning; here they are the point, not news.
        log_function=lambda handler: _LOGGER.debug("%s %s", handler.get_status(), handler.request.uri),
    )
