"""The bot's HTTP client for the Bot API: a `telegram.request.BaseRequest` on an aiohttp session.

One `aiohttp.ClientSession` with a `TCPConnector` pool carries every call. Its size bounds the calls in
flight; against the real Bot API, a network round trip away, that bound is the throughput.

Proxies come from the environment with urllib's (and curl's) rules: `HTTPS_PROXY`, `HTTP_PROXY`, then
`ALL_PROXY` for a scheme without its own, and `NO_PROXY` exempts hosts; http:// proxies only, as aiohttp
speaks no SOCKS. They are read once, when the request starts: aiohttp's own `trust_env=True` reads the
environment and `~/.netrc` again on every call, which measured about half a millisecond of CPU per call.

PTB's timeouts map onto aiohttp's:
- `pool_timeout`: the wait for a free connection, on a semaphore of the pool's size (aiohttp's own wait
  for one is part of its `connect` timeout and cannot be bounded apart);
- `connect_timeout` → `connect` and `sock_connect`;
- `read_timeout` → `sock_read`: the longest pause while reading the answer, counted from the moment the
  request has been written;
- `write_timeout`: aiohttp has no per-write timeout. A JSON call's body goes to the socket in one write,
  so it can only matter for uploads, whose whole exchange is bounded by the sum of the four instead.

Errors are PTB's own, as `HTTPXRequest` raises them: `TimedOut` for a timeout and `NetworkError` for
anything else that kept an answer from arriving. A timeout before anything was written (no connection
free in the pool, or none could be opened) is `TimedOutBeforeSending`, a `TimedOut`, so that the retry
policy can tell a call that surely did not reach Telegram from one that may have.

An answer's body is read up to `max_body_bytes` (16 MB by default): a Bot API answer is a few KB, a full
getUpdates batch at most a few MB, and a file download (the Bot API serves files up to 20 MB) gets its
own cap. A larger body is refused with `NetworkError` as soon as its Content-Length, or the bytes read
so far, pass the cap: it is never held in memory whole.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import ssl
import urllib.request
from urllib.parse import urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)

# A Bot API answer is small; a getUpdates batch of 100 updates is at most a few MB.
MAX_BODY_BYTES = 16 * 1024 * 1024
# The Bot API serves files up to 20 MB; a self-hosted one has no cap, so this is the bot's own.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# Seconds an upload may take to write, as PTB's HTTPXRequest allows by default (media_write_timeout).
MEDIA_WRITE_SECONDS = 20.0
_READ_CHUNK_BYTES = 64 * 1024


class TimedOutBeforeSending(TimedOut):
    """A timeout before any byte of the request was written: Telegram surely did not act on it."""


class BodyTooLarge(NetworkError):
    """The answer's body is larger than the cap; it was not read."""


class AiohttpRequest(BaseRequest):
    """Bot API calls over a pool of at most `connections` keep-alive connections.

    The timeouts mean what they mean for `HTTPXRequest` (see the module docstring for how each maps onto
    aiohttp). `ssl_context` verifies https; by default, aiohttp's (the system's certificates).
    """

    def __init__(
        self,
        *,
        connections: int = 32,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = MEDIA_WRITE_SECONDS,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_download_bytes: int = MAX_DOWNLOAD_BYTES,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if connections < 1:
            raise ValueError("connections must be at least 1")
        self._connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._max_body_bytes = max_body_bytes
        self._max_download_bytes = max_download_bytes
        self._ssl: ssl.SSLContext | bool = True if ssl_context is None else ssl_context
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self._proxies: dict[str, str] = {}  # scheme → proxy URL, from the environment
        # Remembered per URL: a bot calls a few dozen method URLs, thousands of times each.
        self._proxy_for = functools.lru_cache(maxsize=256)(self._lookup_proxy)
        self._headers = {"User-Agent": self.USER_AGENT, "Accept": "application/json"}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        # Made here rather than in __init__: the session and its connections belong to the running loop.
        if self._session is None or self._session.closed:
            self._slots = asyncio.Semaphore(self._connections)
            connector = aiohttp.TCPConnector(limit=self._connections, ssl=self._ssl)
            self._proxies = proxies_from_environment()
            self._proxy_for.cache_clear()
            self._session = aiohttp.ClientSession(connector=connector, headers=self._headers)

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
            self._slots = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session, slots = self._session, self._slots
        if session is None or slots is None:
            raise RuntimeError("this AiohttpRequest is not initialized")
        uploads = request_data is not None and request_data.contains_files
        read = _seconds(read_timeout, self._read_timeout)
        connect = _seconds(connect_timeout, self._connect_timeout)
        pool = _seconds(pool_timeout, self._pool_timeout)
        total = None
        if uploads:
            write = _seconds(write_timeout, self._media_write_timeout)
            total = _sum_or_none(pool, connect, write, read)
        timeout = aiohttp.ClientTimeout(total=total, connect=connect, sock_connect=connect, sock_read=read)
        body: bytes | aiohttp.FormData | None = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            if uploads:
                body = _form(request_data)
            else:
                # One JSON document: nested values (keyboards) stay objects, and it is one cheap encode.
                body = json.dumps(request_data.parameters).encode()
                headers = {"Content-Type": "application/json"}
        cap = self._max_body_bytes if method == "POST" else self._max_download_bytes
        if slots.locked():  # only a wait needs a timer
            try:
                async with asyncio.timeout(pool):
                    await slots.acquire()
            except TimeoutError:
                raise TimedOutBeforeSending(
                    "Pool timeout: all connections to the Bot API are busy; the request was not sent"
                ) from None
        else:
            await slots.acquire()
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=self._proxy_for(url)
            ) as response:
                return response.status, await _read_capped(response, cap)
        except aiohttp.ConnectionTimeoutError as exc:
            raise TimedOutBeforeSending("Connect timeout: the request was not sent to the Bot API") from exc
        except TimeoutError as exc:  # aiohttp's SocketTimeoutError and the total timeout alike
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        finally:
            slots.release()

    def _lookup_proxy(self, url: str) -> str | None:
        target = urlsplit(url)
        proxy = self._proxies.get(target.scheme)
        if proxy is None or urllib.request.proxy_bypass(target.hostname or ""):
            return None
        return proxy


async def _read_capped(response: aiohttp.ClientResponse, cap: int) -> bytes:
    declared = response.content_length
    if declared is not None and declared > cap:
        response.close()  # drops the connection: the rest of the body is never read
        raise BodyTooLarge(f"the Bot API's answer is {declared:,} bytes, over the {cap:,}-byte cap")
    body = bytearray()
    while chunk := await response.content.read(_READ_CHUNK_BYTES):
        body += chunk
        if len(body) > cap:
            response.close()
            raise BodyTooLarge(f"the Bot API's answer passed the {cap:,}-byte cap; the rest was not read")
    return bytes(body)


def _form(request_data: RequestData) -> aiohttp.FormData:
    """multipart/form-data as the Bot API expects uploads: each parameter JSON-encoded, then the files."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


def _seconds(given: object, default: float | None) -> float | None:
    """A timeout PTB passed, or this request's default where it passed `DEFAULT_NONE`."""
    if given is None or isinstance(given, int | float):
        return given
    return default


def _sum_or_none(*parts: float | None) -> float | None:
    return None if any(part is None for part in parts) else sum(part for part in parts if part is not None)


def proxies_from_environment() -> dict[str, str]:
    """scheme → proxy URL for http and https: `HTTP(S)_PROXY`, else `ALL_PROXY`; http:// proxies only."""
    found = urllib.request.getproxies()
    proxies: dict[str, str] = {}
    for scheme in ("http", "https"):
        proxy = found.get(scheme) or found.get("all")
        if proxy is None:
            continue
        if urlsplit(proxy).scheme != "http":
            logger.warning("the %s proxy is ignored: aiohttp speaks only to http:// proxies", urlsplit(proxy).scheme)
            continue
        proxies[scheme] = proxy
    return proxies
