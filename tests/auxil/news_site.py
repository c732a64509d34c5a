"""A fake news site on 127.0.0.1, owned by the test: article pages, feeds, and every way a fetch goes wrong.

The articles are invented for these tests (people, quotes and all) and look like real news pages: a
navigation bar, ads, a byline, the date in meta tags and in the text, then the article with its quotes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from html import escape

from aiohttp import web

SITE_NAME = "Steppe Herald"
BIG_BODY_BYTES = 50 * 1024 * 1024
SLOW_SECONDS = 5.0


@dataclass(frozen=True)
class Story:
    path: str
    title: str
    published: str  # YYYY-MM-DD, or "" for a page that gives no date
    paragraphs: tuple[str, ...]
    summary: str = ""
    canonical: bool = True


SUMMIT = Story(
    "/news/2024/07/sco-ministers-astana.html",
    "SCO ministers agree on a transport corridor in Astana",
    "2024-07-03",
    (
        "ASTANA, July 3. /Steppe Herald/. Foreign ministers of the Shanghai Cooperation Organization met in "
        "Astana on Wednesday to prepare the summit and agreed on a new transport corridor across the region.",
        '"The corridor will cut the time our goods spend on the road by half, and every member state will '
        'gain from it," Deputy Foreign Minister Aruzhan Temirova said at the opening session.',
        "Temirova added that the first trains would run before the end of next year, and that the "
        "organization would publish the route in the autumn.",
        "Trade envoy Farid Nazarov said that the bloc had never been closer to a common customs window for "
        "its members and its partners in the region.",
    ),
    summary="The SCO agreed on a transport corridor.",
)
WATER = Story(
    "/news/2024/07/sco-water-forum.html",
    "SCO water forum opens in Dushanbe",
    "2024-07-05",
    (
        "DUSHANBE, July 5. /Steppe Herald/. A water forum of the Shanghai Cooperation Organization opened in "
        "Dushanbe on Friday with delegations from every member state and several dialogue partners.",
        '"Glaciers are our common bank account, and we are spending it too fast," Environment Minister '
        "Zarina Ashurova told the delegates at the first session of the forum.",
        "Ashurova said that the countries of the region would share their river data every month from "
        "next year, and that a joint fund for dams was under discussion.",
    ),
    summary="Shanghai Cooperation Organization members discuss rivers and glaciers.",
)
RAIL = Story(
    "/news/2024/07/sco-rail-deal.html",
    "Rail operators of the SCO sign a timetable deal",
    "2024-07-06",
    (
        "TASHKENT, July 6. /Steppe Herald/. Rail operators from SCO member states signed a timetable deal in "
        "Tashkent on Saturday, the first of its kind for the organization and its members.",
        '"Passengers will change trains once instead of four times between the Caspian and the Pacific," '
        "railway chief Timur Rakhimov said after the signing ceremony in the capital.",
        "Rakhimov said that tickets for the joint routes would go on sale in the spring of next year.",
    ),
    summary="A rail deal for the SCO.",
)
FOOTBALL = Story(
    "/news/2024/07/cup-final.html",
    "Astana wins the regional football cup",
    "2024-07-04",
    (
        "ASTANA, July 4. /Steppe Herald/. The home team won the regional football cup on Thursday night in "
        "front of a full stadium, with the winning goal in the last minute of extra time.",
        '"We never stopped believing, not for one second of the match," the captain Daulet Abenov said '
        "after the game, holding the trophy high above his head for the fans.",
    ),
    summary="Football in Astana.",
)
UNDATED = Story(
    "/news/undated.html",
    "SCO envoys meet on trade rules",
    "",
    (
        "Envoys of the Shanghai Cooperation Organization met to discuss common trade rules for the region "
        "and for the partners who have asked to join the organization in the coming years.",
        '"We want one set of rules for the whole region, written together," envoy Lena Arslanova said at the '
        "end of the meeting, which lasted for most of the day.",
    ),
    canonical=False,
)
RUSSIAN = Story(
    "/news/russian.html",
    "Встреча министров ШОС",
    "2024-07-02",
    (
        "Министры иностранных дел государств ШОС встретились в Астане в среду, чтобы подготовить саммит "
        "организации и обсудить новый транспортный коридор через весь регион.",
        "«Коридор сократит время в пути вдвое, и каждая страна выиграет от этого», — сказала заместитель "
        "министра на открытии сессии, добавив, что первые поезда пойдут до конца следующего года.",
    ),
)
STORIES = (SUMMIT, WATER, RAIL, FOOTBALL, UNDATED, RUSSIAN)
# The summit again, at another address with no canonical link: only its content says it is the same.
MIRROR_PATH = "/mirror/ministers.html"


def news_page(story: Story, base_url: str, *, canonical: bool | None = None) -> str:
    """A page as news sites serve them: the article buried in navigation, ads, a byline and a footer."""
    canonical = story.canonical if canonical is None else canonical
    meta = [
        f'<meta property="og:site_name" content="{SITE_NAME}">',
        f'<meta property="og:title" content="{escape(story.title)}">',
    ]
    if story.published:
        meta += [
            f'<meta property="article:published_time" content="{story.published}T09:30:00+05:00">',
            f'<meta name="date" content="{story.published}">',
        ]
    if canonical:
        meta.append(f'<link rel="canonical" href="{base_url}{story.path}">')
    dateline = f'<p class="date">Published {story.published}</p>' if story.published else ""
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(story.title)} | {SITE_NAME}</title>
{chr(10).join(meta)}
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe for 1 dollar a week</a></li></ul></nav></header>
<div class="ad">ADVERTISEMENT: Cheap flights to Astana, book now and save forty percent on your trip!</div>
<main><article>
<h1>{escape(story.title)}</h1>
<div class="byline">By Marat Seitkali, staff correspondent</div>
{dateline}
{paragraphs}
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Ten recipes for plov</a></li>
<li><a href="/b">Weather for the week</a></li></ul></aside>
</main>
<div class="ad">ADVERTISEMENT: New phones at half price this week only.</div>
<footer><p>© 2024 {SITE_NAME}. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p></footer>
</body></html>"""


def rss_feed(base_url: str, stories: tuple[Story, ...]) -> str:
    items = "\n".join(
        f"<item><title>{escape(s.title)}</title><link>{base_url}{s.path}?utm_source=rss&amp;utm_medium=feed</link>"
        f"<description>{escape(s.summary)}</description><pubDate>{_rfc822(s.published)}</pubDate></item>"
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{SITE_NAME}</title><link>{base_url}/</link><description>News</description>
{items}
</channel></rss>"""


def atom_feed(base_url: str, stories: tuple[Story, ...]) -> str:
    entries = "\n".join(
        f'<entry><title>{escape(s.title)}</title><link href="{base_url}{s.path}"/><id>{base_url}{s.path}</id>'
        f"<updated>{s.published or '2024-07-07'}T08:00:00Z</updated><summary>{escape(s.summary)}</summary></entry>"
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{SITE_NAME}</title><id>{base_url}/</id>
<updated>2024-07-07T08:00:00Z</updated>
{entries}
</feed>"""


def _rfc822(day: str) -> str:
    from datetime import date

    value = date.fromisoformat(day or "2024-07-07")
    return value.strftime("%a, %d %b %Y 08:00:00 +0000")


@dataclass
class NewsSite:
    base_url: str
    hits: dict[str, int] = field(default_factory=dict)
    user_agents: set[str] = field(default_factory=set)
    # What the feeds list; tests change it between rounds.
    rss_stories: tuple[Story, ...] = (SUMMIT, WATER, FOOTBALL)
    atom_stories: tuple[Story, ...] = (RAIL,)
    failing_feed_status: int = 500

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def _app(site: NewsSite) -> web.Application:
    routes = web.RouteTableDef()

    def html(text: str, content_type: str = "text/html") -> web.Response:
        return web.Response(text=text, content_type=content_type, charset="utf-8")

    @web.middleware
    async def count(request: web.Request, handler):  # type: ignore[no-untyped-def]
        site.hits[request.path] = site.hits.get(request.path, 0) + 1
        site.user_agents.add(request.headers.get("User-Agent", ""))
        return await handler(request)

    for story in STORIES:

        async def page(request: web.Request, story: Story = story) -> web.Response:
            return html(news_page(story, site.base_url))

        routes.get(story.path)(page)

    @routes.get(MIRROR_PATH)
    async def mirror(request: web.Request) -> web.Response:
        return html(news_page(SUMMIT, site.base_url, canonical=False))

    @routes.get("/rss.xml")
    async def rss(request: web.Request) -> web.Response:
        return html(rss_feed(site.base_url, site.rss_stories), "application/rss+xml")

    @routes.get("/atom.xml")
    async def atom(request: web.Request) -> web.Response:
        return html(atom_feed(site.base_url, site.atom_stories), "application/atom+xml")

    @routes.get("/broken-feed.xml")
    async def broken_feed(request: web.Request) -> web.Response:
        return web.Response(status=site.failing_feed_status, text="feed generator crashed")

    @routes.get("/plain.txt")
    async def plain(request: web.Request) -> web.Response:
        return html("\n\n".join(WATER.paragraphs), "text/plain")

    @routes.get("/server-error.html")
    async def server_error(request: web.Request) -> web.Response:
        return web.Response(status=500, text="Internal Server Error")

    @routes.get("/slow.html")
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(SLOW_SECONDS)
        return html(news_page(SUMMIT, site.base_url))

    @routes.get("/loop")
    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    @routes.get("/to-metadata")
    async def to_metadata(request: web.Request) -> web.Response:
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    @routes.get("/to-localhost")
    async def to_localhost(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://localhost:{request.url.port}{SUMMIT.path}")

    @routes.get("/to-file")
    async def to_file(request: web.Request) -> web.Response:
        raise web.HTTPFound("file:///etc/passwd")

    @routes.get("/huge.html")
    async def huge(request: web.Request) -> web.StreamResponse:
        # Streamed a chunk at a time with no Content-Length: the server never holds the 50 MB either.
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"<p>" + b"padding " * 8000 + b"</p>\n"
        sent = 0
        try:
            while sent < BIG_BODY_BYTES:
                await response.write(chunk)
                sent += len(chunk)
            await response.write_eof()
        except (ConnectionResetError, ConnectionError):
            pass  # the client stopped reading at its cap, as it should
        return response

    @routes.get("/report.pdf")
    async def pdf(request: web.Request) -> web.Response:
        return web.Response(
            body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf"
        )

    @routes.get("/garbage.html")
    async def garbage(request: web.Request) -> web.Response:
        # Bytes that claim to be HTML and are not: a broken server or a truncated gzip.
        noise = bytes((i * 97 + 13) % 256 for i in range(20_000))
        return web.Response(body=noise, content_type="text/html")

    @routes.get("/empty.html")
    async def empty(request: web.Request) -> web.Response:
        return html(
            '<html><head><title>Home</title></head><body><nav><a href="/">Home</a> <a href="/world">World</a>'
            "</nav><div class='ad'>ADVERTISEMENT</div><footer>© 2024</footer></body></html>"
        )

    app = web.Application(middlewares=[count])
    app.add_routes(routes)
    return app


@asynccontextmanager
async def running_news_site() -> AsyncIterator[NewsSite]:
    site = NewsSite("")
    runner = web.AppRunner(_app(site), shutdown_timeout=0.5)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = runner.addresses[0][1]
    site.base_url = f"http://127.0.0.1:{port}"
    try:
        yield site
    finally:
        await runner.cleanup()


@contextmanager
def news_site_in_thread() -> Iterator[NewsSite]:
    """The site on its own event loop in a thread, for code that runs `asyncio.run` itself (the CLI)."""
    loop = asyncio.new_event_loop()
    ready: concurrent.futures.Future[NewsSite] = concurrent.futures.Future()
    stop = asyncio.Event()

    async def serve() -> None:
        async with running_news_site() as site:
            ready.set_result(site)
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    try:
        yield ready.result(timeout=10)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        loop.close()
