"""Fetching over real HTTP from a news site the test owns: every fault is refused by name and reason."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import pytest

from bot.loading import fetch as fetching
from bot.loading.fetch import MAX_PAGE_BYTES, USER_AGENT, Fetcher, FetchError, HostPacer, is_public_address
from tests.auxil.news_site import SUMMIT, NewsSite

LOOPBACK = ipaddress.ip_address("127.0.0.1")


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(allow_private=True, timeout=1.0, host_interval=0) as opened:
        yield opened


async def refusal(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        await fetcher.get(url)
    return str(caught.value)


async def test_a_page_comes_back_with_its_type_and_charset(fetcher: Fetcher, site: NewsSite) -> None:
    page = await fetcher.get(site.url(SUMMIT.path))
    assert page.content_type == "text/html" and page.charset == "utf-8"
    assert "Aruzhan Temirova" in page.text()


async def test_the_user_agent_names_scobot(fetcher: Fetcher, site: NewsSite) -> None:
    await fetcher.get(site.url(SUMMIT.path))
    await refusal(fetcher, site.url("/loop"))  # every hop of a redirect says who is asking
    assert site.user_agents == {USER_AGENT} and USER_AGENT.startswith("scobot/")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing.html", "the server answered 404 Not Found"),
        ("/server-error.html", "the server answered 500 Internal Server Error"),
        ("/loop", "more than 5 redirects"),
        ("/report.pdf", "application/pdf is not a page scobot reads"),
        ("/to-file", "only http and https URLs can be fetched, not file"),
        ("/huge.html", f"too large (over {MAX_PAGE_BYTES:,} bytes)"),
    ],
)
async def test_faults_are_refused_with_their_reason(fetcher: Fetcher, site: NewsSite, path: str, reason: str) -> None:
    assert reason in await refusal(fetcher, site.url(path))


async def test_a_redirect_loop_stops_after_five_redirects(fetcher: Fetcher, site: NewsSite) -> None:
    await refusal(fetcher, site.url("/loop"))
    assert site.hits["/loop"] == fetching.MAX_REDIRECTS + 1


async def test_a_slow_page_times_out(site: NewsSite) -> None:
    async with Fetcher(allow_private=True, timeout=0.3, host_interval=0) as fetcher:
        assert "timed out after 0.3 s" in await refusal(fetcher, site.url("/slow.html"))


async def test_file_urls_and_other_schemes_are_refused(fetcher: Fetcher) -> None:
    assert "only http and https" in await refusal(fetcher, "file:///etc/passwd")
    assert "only http and https" in await refusal(fetcher, "ftp://example.org/a.txt")


async def test_private_addresses_are_refused_unless_allowed(site: NewsSite) -> None:
    async with Fetcher(allow_private=False, host_interval=0) as fetcher:
        for url in ("http://10.1.2.3/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/"):
            assert "is a private or local address" in await refusal(fetcher, url)
        # By name: the check is on what DNS answers, and nothing is fetched.
        by_name = site.url(SUMMIT.path).replace("127.0.0.1", "localhost")
        assert "localhost resolves to a private or local address" in await refusal(fetcher, by_name)
        assert "127.0.0.1 is a private or local address" in await refusal(fetcher, site.url(SUMMIT.path))
    assert SUMMIT.path not in site.hits


async def test_a_redirect_to_a_private_address_is_refused_after_the_redirect(site: NewsSite) -> None:
    # ALLOW_PRIVATE_FETCH is off, and only the test's own server counts as public: the first hop is
    # fetched, and the redirect it answers with is checked before anything is sent there.
    def public_or_this_site(address: fetching.IPAddress) -> bool:
        return address == LOOPBACK or is_public_address(address)

    async with Fetcher(allowed=public_or_this_site, host_interval=0) as fetcher:
        reason = await refusal(fetcher, site.url("/to-metadata"))
    assert reason == "refused: 169.254.169.254 is a private or local address"
    assert site.hits["/to-metadata"] == 1


def test_what_counts_as_public() -> None:
    public = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]
    private = ["10.0.0.1", "172.16.5.4", "192.168.1.1", "127.0.0.1", "169.254.169.254", "::1", "fe80::1", "fc00::1"]
    private += ["::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1", "224.0.0.1"]
    assert all(is_public_address(ipaddress.ip_address(a)) for a in public)
    assert not any(is_public_address(ipaddress.ip_address(a)) for a in private)


async def test_requests_to_one_host_are_paced() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    pacer = HostPacer(2.0, clock=lambda: now[0], sleep=sleep)
    await pacer.wait("news.example")
    await pacer.wait("other.example")  # another host does not wait
    await pacer.wait("news.example")
    await pacer.wait("news.example")
    assert slept == [2.0, 4.0]
    now[0] += 10
    await pacer.wait("news.example")
    assert slept == [2.0, 4.0]
