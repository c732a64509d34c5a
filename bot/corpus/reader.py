"""Seed files in, `Article`s out: the header, the dateline, the paragraphs and a content hash.

A seed file starts with ` date YYYY-MM-DD ` and then the article text, with paragraphs split by blank
lines. Operators also drop in imperfect files, so the reader is forgiving where it can be (BOM, CRLF, a
missing header) and names the file and the reason where it cannot (binary, undecodable, empty, huge, an
impossible date, a symbolic link). What it forgives but an operator should know of (no date header, only
quotations with nobody named as saying them) comes back from `article_warnings`, for the load report.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from bot.corpus.models import Article, SkippedFile

ARTICLE_SUFFIX = ".txt"
# A news article is tens of kilobytes; anything this large is a mistake, not an article.
MAX_ARTICLE_BYTES = 2_000_000

_HEADER = re.compile(r"^\s*date\s+(\S+)[ \t]*", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
# A paragraph that is one quotation and nothing else: no words outside the marks say who speaks.
_ONLY_QUOTATION = re.compile(r"[\"“«„‘'].*[\"”»“'’][.,;:!?…]*")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_CAPS_PLACE = r"[A-Z][A-Z'.-]+(?:\s+[A-Z][A-Z'.-]+){0,3}"
_TITLE_PLACE = r"[A-Z][a-z]+(?:\s[A-Z][a-z]+)?"
# Words that open a first paragraph with a colon and are no place.
_LABELS = "Note|Update|Updated|Editor|Summary|Watch|Read|Also|Photo|Source|Breaking|Exclusive|Opinion|Analysis"
# "Kabul [Afghanistan]": a place in ordinary case is only trusted with its bracketed country.
_PLACE = rf"(?P<place>{_CAPS_PLACE}|[A-Z][a-z]+(?=\s*\[))"
# Datelines as wire services write them; each names the place and, where it can, the outlet.
_DATELINES = (
    # BEIJING, December 21. /TASS/.   DONGUZ TRAINING GROUND /Orenburg Region/, September 23. /TASS/.
    re.compile(rf"^{_PLACE}(?:\s*/[^/]+/)?,[^/]{{0,40}}?\s*/(?P<outlet>[^/]{{2,40}})/\.?\s+"),
    # ASTANA. KAZINFORM -
    re.compile(rf"^{_PLACE}\.\s+(?P<outlet>[A-Z][A-Za-z]+)\s+[-—–]\s+"),
    # ASTANA, May 21 (Xinhua) --   Kabul [Afghanistan] September 17 (ANI):   ULAANBAATAR (UrduPoint News / ...)
    re.compile(rf"^{_PLACE}(?:\s*\[[^\]]+\])?,?(?:[^()]{{0,40}}?)\s*\((?P<outlet>[^()]{{2,60}})\)\s*(?:--|—|–|:|-)\s*"),
    re.compile(rf"^{_PLACE}\s*\((?P<outlet>[^()]{{2,60}})\)\s+"),
    # ASTANA, Kazakhstan, March 4.   ASTANA —
    re.compile(rf"^{_PLACE}(?:,\s+[A-Z][a-z]+)?,\s+{_MONTH}\s+\d{{1,2}}\.\s+"),
    re.compile(rf"^{_PLACE}\s+[—–-]{{1,2}}\s+"),
    # MOSCOW. KAZINFORM The regular meeting …
    re.compile(rf"^{_PLACE}\.\s+(?P<outlet>[A-Z]{{3,}})\s+(?=[A-Z])"),
    # Baku, July 16, AZERTAC   Tashkent, 3 May, UzA.
    re.compile(
        rf"^(?P<place>{_CAPS_PLACE}|{_TITLE_PLACE}),\s+(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH}),?\s+"
        rf"(?P<outlet>[A-Z][A-Za-z]*[A-Z][A-Za-z]*)\s*(?:[.:]|--|[—–-])?\s+"
    ),
    # 5 July 2005 (RFE/RL) --
    re.compile(rf"^\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\s*\((?P<outlet>[^()]{{2,60}})\)\s*(?:--|—|–|:|-)\s*"),
    # NEW DELHI: …   Qingdao: …
    re.compile(rf"^(?P<place>{_CAPS_PLACE}|(?!(?:{_LABELS})\b){_TITLE_PLACE}):\s+(?=[A-Z])"),
)
_REPORTER = re.compile(
    r"^According to (?:an? |the )?(?P<outlet>[A-Z][\w ]{1,40}?) (?:reporter|correspondent)s? in "
    r"(?P<place>[A-Z][\w]+(?: [A-Z][\w]+)?)"
)


def read_article(path: Path, name: str | None = None) -> Article | SkippedFile:
    """Read one seed file; a file that cannot be an article comes back as `SkippedFile` with a reason.

    `name` identifies the article (a load passes its path inside SEEDS_DIR); by default, the file name.
    """
    name = name or path.name
    try:
        if path.is_symlink():
            return SkippedFile(name, "symbolic links are not followed")
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            return SkippedFile(name, f"too large ({size:,} bytes; the limit is {MAX_ARTICLE_BYTES:,})")
        raw = path.read_bytes()
    except OSError as exc:
        return SkippedFile(name, f"unreadable ({exc.strerror or exc})")
    return parse_article(name, raw)


def parse_article(name: str, raw: bytes) -> Article | SkippedFile:
    """Turn a seed file's bytes into an article, or say why they are not one."""
    if b"\x00" in raw:
        return SkippedFile(name, "binary data (NUL bytes), not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return SkippedFile(name, f"not valid UTF-8 (byte {exc.start})")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")

    published: date | None = None
    header = _HEADER.match(text)
    if header:
        value = header.group(1)
        if not _ISO_DATE.fullmatch(value):
            return SkippedFile(name, f"date header {value!r} is not YYYY-MM-DD")
        try:
            published = date.fromisoformat(value)
        except ValueError:
            return SkippedFile(name, f"impossible date {value}")
        text = text[header.end() :]

    paragraphs = [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text)]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        return SkippedFile(name, "empty: no article text")

    place, outlet, paragraphs[0] = split_dateline(paragraphs[0])
    if not paragraphs[0]:
        paragraphs.pop(0)
    if outlet is None:
        place, outlet = _reporter_credit(paragraphs[0] if paragraphs else "", place)
    if not paragraphs:
        return SkippedFile(name, "empty: only a dateline")
    return Article(
        name=name,
        date=published,
        place=place,
        outlet=outlet,
        paragraphs=tuple(paragraphs),
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def article_warnings(article: Article) -> list[str]:
    """What is odd about an article that still loads; each warning names the file."""
    warnings: list[str] = []
    if article.date is None:
        warnings.append(f"{article.name}: no date header; loaded with the date unknown")
    if all(_ONLY_QUOTATION.fullmatch(p) for p in article.paragraphs):
        warnings.append(f"{article.name}: only quotations, with nobody named as saying them")
    return warnings


def split_dateline(paragraph: str) -> tuple[str | None, str | None, str]:
    """Take a wire dateline ("BEIJING, December 21. /TASS/.") off the first paragraph.

    Returns the place, the outlet and the paragraph without the dateline; when there is no dateline the
    paragraph comes back as it was.
    """
    for pattern in _DATELINES:
        match = pattern.match(paragraph)
        if match is None:
            continue
        groups = {key: value for key, value in match.groupdict().items() if value}
        place = _tidy_place(groups.get("place", "")) or None
        outlet = groups.get("outlet")
        if outlet:
            outlet = _tidy_outlet(outlet)
        return place, outlet, paragraph[match.end() :]
    return None, None, paragraph


def _reporter_credit(paragraph: str, place: str | None) -> tuple[str | None, str | None]:
    """ "According to Tehran Times reporter in Beijing, …" credits the outlet without a dateline."""
    match = _REPORTER.match(paragraph)
    if match is None:
        return place, None
    return place or match.group("place"), match.group("outlet")


def _tidy_place(place: str) -> str:
    return place.strip().title() if place.isupper() else place.strip()


def _tidy_outlet(outlet: str) -> str:
    # "UrduPoint News / Sputnik - 03rd December, 2019": the credit is the part before any date.
    outlet = re.split(r"\s+-\s+|,", outlet)[0].strip()
    return outlet.title() if outlet.isupper() and len(outlet) > 5 else outlet


def iter_article_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """The article files under each path (a file, or a folder searched recursively), in name order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob(f"*{ARTICLE_SUFFIX}") if p.is_file() or p.is_symlink())
        else:
            yield path


def read_articles(paths: Iterable[Path]) -> tuple[list[Article], list[SkippedFile]]:
    """Read every article under `paths`; one bad file never stops the rest."""
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    for path in iter_article_paths(paths):
        result = read_article(path)
        if isinstance(result, Article):
            articles.append(result)
        else:
            skipped.append(result)
    return articles, skipped
