"""The webhook server: a small tornado app that checks each call before reading it, and feeds the application.

PTB's `Updater.start_webhook` builds a tornado server that reads the whole body (up to 100 MB) before it
looks at the secret header, keeps a half-sent request open for an hour, accepts connections until the
process runs out of file descriptors, and answers malformed JSON with 500. Its parts live in PTB's
private `telegram.ext._utils`, so rather than patch them this module is its own server, modelled on PTB's
customwebhookbot example: it puts each update on `application.update_queue`, where polling puts them.

Per call, in order: the path (404), the method (405), the secret header (403), the declared size (413),
all before one byte of the body is read; then the body is streamed with a cap (413), parsed (400 for
anything that is not one JSON update) and queued (200).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import resource
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import tornado.httpserver
import tornado.iostream
import tornado.web
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A Telegram update is a few kilobytes; the largest (a long message with entities and a reply) stays far
# below this. Anything bigger is not from Telegram.
MAX_UPDATE_BYTES = 1024 * 1024
# Seconds a connection may take to send its request headers (and may sit idle between requests), and to
# send its body. Telegram and a reverse proxy send a whole update in milliseconds.
HEADER_TIMEOUT_SECONDS = 10.0
BODY_TIMEOUT_SECONDS = 10.0
# Connections served at once. Telegram opens at most `TELEGRAM_CONNECTIONS`; the rest is headroom for a
# proxy's keep-alive pool. Never more than half the descriptors the process may open: past the cap a
# connection is closed at once, so accepting never fails with "Too many open files".
MAX_CONNECTIONS = 256
TELEGRAM_CONNECTIONS = 40
STOP_WAIT_SECONDS = 5.0
# How often (seconds) the "connection cap reached" warning may be logged while a flood lasts.
CAP_WARNING_INTERVAL = 60.0


@dataclass(frozen=True, slots=True)
class WebhookLimits:
    max_update_bytes: int = MAX_UPDATE_BYTES
    header_timeout: float = HEADER_TIMEOUT_SECONDS
    body_timeout: float = BODY_TIMEOUT_SECONDS
    max_connections: int = MAX_CONNECTIONS

    def connection_cap(self) -> int:
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            return self.max_connections
        return max(1, min(self.max_connections, soft // 2))


class MalformedUpdate(ValueError):
    """A body that is not one Telegram update; the message says why, for one log line."""


def parse_update(body: bytes) -> dict[str, Any]:
    """The update a webhook body holds, or MalformedUpdate."""
    if not body:
        raise MalformedUpdate("empty body")
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedUpdate("the body is not UTF-8") from None
    except RecursionError:
        raise MalformedUpdate("the JSON is nested too deeply") from None
    except ValueError as exc:
        raise MalformedUpdate(f"the body is not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise MalformedUpdate(f"expected a JSON object, got {type(data).__name__}")
    update_id = data.get("update_id")
    if type(update_id) is not int:  # bool is an int to isinstance
        raise MalformedUpdate("update_id is missing or not an integer")
    return data


class _CappedHTTPServer(tornado.httpserver.HTTPServer):
    """Closes a connection at once when `cap` are open, instead of accepting until descriptors run out."""

    def initialize(self, *args: Any, connection_cap: int = MAX_CONNECTIONS, **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self.connection_cap = connection_cap
        self.open_connections = 0
        self.refused_connections = 0
        self._warned_at = -CAP_WARNING_INTERVAL

    def handle_stream(self, stream: tornado.iostream.IOStream, address: tuple[Any, ...]) -> None:
        if self.open_connections >= self.connection_cap:
            self.refused_connections += 1
            now = time.monotonic()
            if now - self._warned_at >= CAP_WARNING_INTERVAL:
                self._warned_at = now
                logger.warning(
                    "webhook: %d connections are open, the cap; closing new ones (%d so far)",
                    self.open_connections,
                    self.refused_connections,
                )
            stream.close()
            return
        self.open_connections += 1
        super().handle_stream(stream, address)

    def on_close(self, server_conn: object) -> None:
        self.open_connections -= 1
        super().on_close(server_conn)


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """One webhook call. Streaming the body means `prepare` runs before any of it is read."""

    def initialize(self, receiver: WebhookServer) -> None:
        self.receiver = receiver
        self.chunks: list[bytes] = []
        self.received = 0
        self.answered = False

    def prepare(self) -> None:
        if self.request.method != "POST":
            self._refuse(405)
            return
        sent = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode(), self.receiver.secret.encode()):
            self._refuse(403)
            return
        declared = self.request.headers.get("Content-Length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.receiver.limits.max_update_bytes):
            self._refuse(413)

    def data_received(self, chunk: bytes) -> None:
        if self.answered:
            return
        self.received += len(chunk)
        if self.received > self.receiver.limits.max_update_bytes:  # chunked: no Content-Length to check first
            self.chunks.clear()
            self._refuse(413)
            return
        self.chunks.append(chunk)

    async def post(self) -> None:
        if self.answered:
            return
        try:
            data = parse_update(b"".join(self.chunks))
            update = Update.de_json(data, self.receiver.application.bot)
        except MalformedUpdate as exc:
            self._bad_request(str(exc))
            return
        except Exception as exc:  # any object PTB cannot read as an Update is the sender's fault
            self._bad_request(f"not a Telegram update ({type(exc).__name__})")
            return
        await self.receiver.application.update_queue.put(update)
        self.answered = True
        self.finish()

    def _bad_request(self, reason: str) -> None:
        logger.warning("webhook: refused a malformed update from %s: %s", self.request.remote_ip, reason)
        self._refuse(400)

    def _refuse(self, status: int) -> None:
        # Finished before the body is read, tornado closes the connection once this answer is sent: the only
        # way not to read a body the client is still sending.
        self.answered = True
        self.set_status(status)
        self.finish()

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        logger.error("webhook: handling a call failed: %s", value, exc_info=(typ, value, tb))


class _NotFound(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Connection", "close")
        self.finish()


class WebhookServer:
    """Serves `path` on `listen:port` for `application`, until `stop`."""

    def __init__(self, application: Application, path: str, secret: str, limits: WebhookLimits | None = None) -> None:
        self.application = application
        self.path = "/" + path.lstrip("/")
        self.secret = secret
        self.limits = limits or WebhookLimits()
        app = tornado.web.Application(
            [(re.escape(self.path), _UpdateHandler, {"receiver": self}), (r".*", _NotFound)],
            # tornado logs every 4xx as a warning: an attacker's 403s would be a log flood.
            log_function=lambda handler: logger.debug("webhook: %s %s", handler.get_status(), handler.request.uri),
        )
        self.http = _CappedHTTPServer(
            app,
            idle_connection_timeout=self.limits.header_timeout,
            body_timeout=self.limits.body_timeout,
            # The handler enforces the cap itself, so it can answer 413; tornado's own check only hangs up.
            max_body_size=2**40,
            connection_cap=self.limits.connection_cap(),
        )

    @property
    def open_connections(self) -> int:
        return self.http.open_connections

    async def start(self, listen: str, port: int) -> None:
        self.http.listen(port, address=listen)

    async def stop(self) -> None:
        self.http.stop()
        # A call still being answered gets a moment; a client that holds its connection open does not hold
        # up shutting down.
        with suppress(TimeoutError):
            await asyncio.wait_for(self.http.close_all_connections(), timeout=STOP_WAIT_SECONDS)
