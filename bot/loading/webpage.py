"""A fetched page made into an article: its text, title, date and site by trafilatura (and htmldate), as seed bytes.

A page with no article text, or not in English, is refused with the reason. A page without a date takes
the date its feed item gave, or today's, and says so in a warning: the statements are still worth having.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import htmldate
import trafilatura

from bot.corpus.models import SkippedFile
from bot.corpus.reader import MAX_ARTICLE_BYTES, parse_article
from bot.loading.fetch import Fetched

# Fewer words than this is a teaser, a paywall or a cookie banner, not an article to quote from.
MIN_ARTICLE_WORDS = 40
# English prose is about half function words; other languages written in Latin script have few of these.
_ENGLISH_WORDS = frozenset(
    "the of and to in is that for on with as was by at it from said he she has have are be this an which will "
    "its their not or were his her they we had been would also but who after than more".split()
)
ENGLISH_SHARE = 0.2
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TITLE = 300
PARAGRAPH_BREAK = "\n\n"
# A line above the article this short, not ending a sentence, is a heading, a date or a byline.
_HEADING_WORDS = 8
_SENTENCE_ENDS = (".", "!", "?", '"', "”", "»")


class PageRefused(ValueError):
    """A page that cannot be an article; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    canonical_url: str | None  # what the page itself calls its address (<link rel=canonical>, og:url)
    title: str | None
    outlet: str | None
    published: date
    paragraphs: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)

    def seed_bytes(self) -> bytes:
        """The article as a seed file: the date header, then the paragraphs split by blank lines."""
        body = PARAGRAPH_BREAK.join(self.paragraphs)
        return f" date {self.published.isoformat()} {body}\n".encode()


def looks_english(text: str) -> bool:
    words = [word.lower() for word in _WORD.findall(text)]
    if not words:
        return False
    return sum(word in _ENGLISH_WORDS for word in words) / len(words) >= ENGLISH_SHARE


def extract_page(fetched: Fetched, *, fallback_date: date | None, today: date) -> Page:
    """The article in a fetched page, or PageRefused with the reason. Costs lxml time: run it in a thread."""
    if fetched.content_type == "text/plain":
        return _plain_text_page(fetched, fallback_date=fallback_date, today=today)
    document = trafilatura.bare_extraction(
        fetched.body,
        url=fetched.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    text = getattr(document, "text", None) or ""
    title = _clean(getattr(document, "title", None))
    paragraphs = _without_heading(tuple(" ".join(line.split()) for line in text.splitlines() if line.strip()), title)
    found = _published(fetched)
    outlet = _clean(getattr(document, "sitename", None)) or _host(fetched.url)
    canonical = _clean(getattr(document, "url", None))
    return _checked(fetched.url, canonical, title, outlet, found, paragraphs, fallback_date, today)


def _plain_text_page(fetched: Fetched, *, fallback_date: date | None, today: date) -> Page:
    paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n[ \t]*\n+", fetched.text()) if p.strip())
    title = paragraphs[0][:MAX_TITLE] if paragraphs else None
    return _checked(fetched.url, None, title, _host(fetched.url), None, paragraphs, fallback_date, today)


def _checked(
    url: str,
    canonical: str | None,
    title: str | None,
    outlet: str | None,
    found: date | None,
    paragraphs: tuple[str, ...],
    fallback_date: date | None,
    today: date,
) -> Page:
    body = "\n".join(paragraphs)
    words = len(_WORD.findall(body))
    if words < MIN_ARTICLE_WORDS:
        raise PageRefused(f"no article text on the page ({words} words)")
    if not looks_english(body):
        raise PageRefused("the article is not in English")
    warnings: list[str] = []
    published = found
    if published is None:
        published = fallback_date or today
        source = "the feed item's date" if fallback_date else "today's date"
        warnings.append(f"the page gives no date; {source} ({published.isoformat()}) was used")
    page = Page(url, canonical, title[:MAX_TITLE] if title else None, outlet, published, paragraphs, warnings)
    seed = page.seed_bytes()
    if len(seed) > MAX_ARTICLE_BYTES:
        raise PageRefused(f"the article is too long ({len(seed):,} bytes; the limit is {MAX_ARTICLE_BYTES:,})")
    checked = parse_article("page.txt", seed)
    if isinstance(checked, SkippedFile):
        raise PageRefused(f"not a usable article: {checked.reason}")
    return page


def _without_heading(paragraphs: tuple[str, ...], title: str | None) -> tuple[str, ...]:
    """Drop what trafilatura keeps above the article: the headline, a "Published …" line, a byline.

    The reader looks for a wire dateline ("ASTANA, July 3. /TASS/.") at the start of the first paragraph,
    so the article must start with its first sentence.
    """
    start = 0
    while start < len(paragraphs):
        line = paragraphs[start]
        if line != title and (len(line.split()) >= _HEADING_WORDS or line.endswith(_SENTENCE_ENDS)):
            break
        start += 1
    return paragraphs[start:]


def _published(fetched: Fetched) -> date | None:
    # The original publication date (not the last update) from the page's markup: meta tags, structured
    # data, <time>. htmldate's extensive search also guesses from any date-like text, such as "© 2024" in
    # a footer, which would date an undated article 1 January; no date is better than a wrong one.
    found = htmldate.find_date(fetched.body, url=fetched.url, original_date=True, extensive_search=False)
    if not found:
        return None
    try:
        return date.fromisoformat(found)
    except ValueError:
        return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _host(url: str) -> str | None:
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None
