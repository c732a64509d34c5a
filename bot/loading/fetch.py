"""Fetching what admins and feeds point at, politely and safely: the one way scobot reads the web.

The bot fetches URLs other people chose, so every request is held to the same rules:
- only `http:` and `https:`; at most MAX_REDIRECTS redirects, each followed by hand and checked again;
- no private, loopback, link-local or otherwise non-global address unless `allow_private` (ALLOW_PRIVATE_FETCH)
  says so, checked on the addresses DNS gave, which are the ones the connection then uses (so a name that
  resolves to 10.0.0.1, or one that changes its answer between a check and the connect, gets nowhere);
- a clear User-Agent, one request per host every `host_interval` seconds, a timeout on every step;
- only the content types the caller accepts, and a size cap enforced while the body streams in.

No proxy from the environment is used: a proxy resolves names itself, which would skip the address check.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

USER_AGENT = "scobot/0.1 (collects public statements about the SCO from news articles; one request per host at a time)"
MAX_REDIRECTS = 5
# The reader's own limit is 2 MB of text; a page's markup around that text is allowed as much again and more.
MAX_PAGE_BYTES = 5_000_000
MAX_FEED_BYTES = 5_000_000
DEFAULT_TIMEOUT_SECONDS = 20.0
DEFAULT_HOST_INTERVAL_SECONDS = 2.0
PAGE_TYPES = ("text/html", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "text/plain",
)
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A fetch that failed; the message is the reason, fit to show an operator."""


class BlockedAddressError(OSError):
    """A host whose every address is private, loopback or link-local (raised inside aiohttp's connector)."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # where the body came from, after redirects
    content_type: str
    charset: str | None
    body: bytes

    def text(self) -> str:
        return self.body.decode(self.charset or "utf-8", errors="replace")


def is_public_address(address: IPAddress) -> bool:
    """True for an address on the public internet; an IPv4 address inside IPv6 is judged as itself."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def address_policy(allow_private: bool) -> Callable[[IPAddress], bool]:
    """The addresses a fetch may connect to: public ones, or (ALLOW_PRIVATE_FETCH, for tests and intranets) any."""
    return (lambda address: True) if allow_private else is_public_address


class _CheckedResolver(AbstractResolver):
    """The system resolver, keeping only the addresses the policy allows; none left is a refusal."""

    def __init__(self, allowed: Callable[[IPAddress], bool]) -> None:
        self._allowed = allowed
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        kept = [result for result in found if self._allowed(ipaddress.ip_address(result["host"].split("%")[0]))]
        if not kept:
            addresses = ", ".join(sorted({result["host"] for result in found}))
            raise BlockedAddressError(f"{host} resolves to a private or local address ({addresses})")
        return kept

    async def close(self) -> None:
        await self._inner.close()


class HostPacer:
    """At most one request start per host every `interval` seconds: each caller reserves the next slot."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}

    async def wait(self, host: str) -> None:
        now = self._clock()
        start = max(now, self._next.get(host, now))
        # Reserved before sleeping, with no await in between, so concurrent callers queue one slot apart.
        self._next[host] = start + self.interval
        if start > now:
            await self._sleep(start - now)


class Fetcher:
    """One HTTP client for pages and feeds; open it inside the event loop that uses it, and `close()` it."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        host_interval: float = DEFAULT_HOST_INTERVAL_SECONDS,
        allowed: Callable[[IPAddress], bool] | None = None,
    ) -> None:
        self._allowed = allowed or address_policy(allow_private)
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=timeout, sock_read=timeout)
        self.pacer = HostPacer(host_interval)

    def _client(self) -> aiohttp.ClientSession:
        # A session per fetch: fetches are minutes apart and to many hosts, so kept connections would
        # only idle, and nothing is left open for an owner to forget to close.
        connector = aiohttp.TCPConnector(resolver=_CheckedResolver(self._allowed), limit=4)
        return aiohttp.ClientSession(
            connector=connector, timeout=self._timeout, headers={"User-Agent": USER_AGENT}, trust_env=False
        )

    async def close(self) -> None:
        """Nothing stays open between fetches; kept so owners can treat the fetcher as a resource."""

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def get(self, url: str, *, accept: Collection[str] = PAGE_TYPES, max_bytes: int = MAX_PAGE_BYTES) -> Fetched:
        """The body at `url`, or FetchError with the reason; redirects are followed and each one checked."""
        async with self._client() as session:
            return await self._follow(session, url, accept, max_bytes)

    async def _follow(
        self, session: aiohttp.ClientSession, url: str, accept: Collection[str], max_bytes: int
    ) -> Fetched:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_url(current)
            await self.pacer.wait(urlsplit(current).hostname or "")
            try:
                async with session.get(
                    current, allow_redirects=False, headers={"Accept": ", ".join(accept) + ", */*;q=0.1"}
                ) as response:
                    if response.status in _REDIRECTS:
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchError(f"redirect {response.status} without a Location")
                        current = urljoin(current, location)
                        continue
                    return await self._read(response, current, accept, max_bytes)
            except FetchError:
                raise
            except aiohttp.ClientConnectorError as exc:
                if isinstance(exc.os_error, BlockedAddressError):
                    raise FetchError(f"refused: {exc.os_error}") from None
                raise FetchError(f"could not connect to {urlsplit(current).netloc}: {exc.os_error}") from None
            except TimeoutError:
                raise FetchError(f"timed out after {self._timeout.total:g} s") from None
            except (aiohttp.ClientError, ValueError) as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}") from None
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"only http and https URLs can be fetched, not {parts.scheme or 'this'}: {url[:100]}")
        host = parts.hostname
        if not host:
            raise FetchError(f"no host in {url[:100]}")
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return  # a name: the resolver checks the addresses it gives
        # aiohttp connects to an address literal without asking the resolver, so it is checked here.
        if not self._allowed(literal):
            raise FetchError(f"refused: {host} is a private or local address")

    async def _read(
        self, response: aiohttp.ClientResponse, url: str, accept: Collection[str], max_bytes: int
    ) -> Fetched:
        if response.status >= 400:
            raise FetchError(f"the server answered {response.status} {response.reason or ''}".rstrip())
        if response.status != 200:
            raise FetchError(f"unexpected answer {response.status} {response.reason or ''}".rstrip())
        content_type = response.content_type
        if content_type not in accept:
            raise FetchError(f"{content_type} is not a page scobot reads (only {', '.join(accept)})")
        declared = response.content_length
        if declared is not None and declared > max_bytes:
            raise FetchError(f"too large ({declared:,} bytes; the limit is {max_bytes:,})")
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > max_bytes:
                # Stop reading: the rest of a huge body is never downloaded, let alone held.
                response.close()
                raise FetchError(f"too large (over {max_bytes:,} bytes)")
        return Fetched(url, content_type, response.charset, bytes(body))
