"""Where articles came from: `SEEDS_DIR/sources.csv`, one row per article added from the web.

The columns are `file,url,title,outlet,fetched`: the seed file's path inside `SEEDS_DIR` (the document's
name, `x.txt` or `tass/x.txt`), the article's address (tracking
parameters dropped), its title and site as the page gave them, and when it was fetched (ISO 8601, UTC).
Operators may edit the file like `members.csv`; a seed file without a row simply has no known source, as
every hand-written one. A row that cannot be used is reported by its line and left out, never fatal.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from pathlib import Path

SOURCES_FILE = "sources.csv"
COLUMNS = ("file", "url", "title", "outlet", "fetched")


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    url: str
    title: str | None = None
    outlet: str | None = None
    fetched: str | None = None


def read_sources(path: Path) -> tuple[list[Source], list[str]]:
    """The rows of a sources file, and a problem line for each row left out; no file is no rows."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path.name}: unreadable ({exc})"]
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in ("file", "url") if column not in (reader.fieldnames or ())]
    if missing:
        return [], [f"{path.name}: the header must name the columns {','.join(COLUMNS)}"]
    sources: list[Source] = []
    problems: list[str] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        name = (row.get("file") or "").strip()
        url = (row.get("url") or "").strip()
        if not name or not url:
            problems.append(f"{path.name} line {line}: needs both a file and a url")
        elif not url.startswith(("http://", "https://")):
            problems.append(f"{path.name} line {line}: url {url[:80]!r} is not an http(s) address")
        elif name in seen:
            problems.append(f"{path.name} line {line}: {name} is listed twice; the first row counts")
        else:
            seen.add(name)
            sources.append(Source(name, url, *(_blank_is_none(row.get(column)) for column in COLUMNS[2:])))
    return sources, problems


@contextmanager
def sources_lock(path: Path) -> Iterator[None]:
    """Hold the sources file for a read-check-write, against other processes too (the bot and a cron job)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def add_source(path: Path, source: Source) -> None:
    """Add (or replace) the row for `source.file`, keeping every other row as the operator left it.

    Callers that check the file before adding hold `sources_lock` around both.
    """
    kept: list[list[str]] = []
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        header, body = (rows[0], rows[1:]) if rows else (list(COLUMNS), [])
        if tuple(header[: len(COLUMNS)]) != COLUMNS:
            raise ValueError(f"{path.name} has columns {','.join(header)}; expected {','.join(COLUMNS)}")
        kept = [row for row in body if row and row[0] != source.file]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(kept)
    writer.writerow(["" if value is None else value for value in astuple(source)])
    # Written beside and moved over: a crash mid-write never leaves operators a half file.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    temporary.replace(path)


def _blank_is_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
