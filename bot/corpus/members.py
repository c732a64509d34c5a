"""Who belongs to the SCO, and since when: the operator-edited `members.csv` and the roster built from it.

One row per status a country held: `country,iso2,status,since,until,source[,note]`. A change of status
(observer → member) closes one row with `until` and opens the next on the same date; the row in force has
an empty `until`. `since` is the day the status was granted: the summit decision, or the signing of the
memorandum where that is what granted it. Every row cites a public `source`.

At the Tianjin summit (2025-09-01) observers and dialogue partners were merged into one "SCO partner"
status; the file keeps the status each country was granted and says so in the note.

Blank lines and lines starting with "#" are ignored, so operators can leave comments.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, cast

from bot.corpus.countries import country_code, country_name

MembershipStatus = Literal["member", "observer", "dialogue_partner"]
STATUSES: tuple[MembershipStatus, ...] = ("member", "observer", "dialogue_partner")

REQUIRED_COLUMNS = ("country", "iso2", "status", "since", "until", "source")
OPTIONAL_COLUMNS = ("note",)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"https?://[^\s/]+\.[^\s/]+\S*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MembershipEvent:
    """A status a country held in the SCO from `since` until the day before `until` (None: still holds)."""

    country: str
    iso2: str
    status: MembershipStatus
    since: date
    until: date | None
    source: str
    note: str = ""

    def holds_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day < self.until)


def load_members(path: Path) -> tuple[list[MembershipEvent], list[str]]:
    """Read the membership file. Bad rows are skipped and each problem names the file and line."""
    label = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return [], [f"{label}: unreadable ({exc.strerror or exc})"]
    except UnicodeDecodeError as exc:
        return [], [f"{label}: not valid UTF-8 (byte {exc.start})"]
    return parse_members(text.splitlines(keepends=True), label)


def parse_members(lines: Iterable[str], label: str = "members.csv") -> tuple[list[MembershipEvent], list[str]]:
    """Parse the lines of a membership file; see `load_members`."""
    # Comment lines become blank lines, so the reader's line count still matches the file's.
    reader = csv.reader("\n" if line.lstrip().startswith("#") else line for line in lines)
    problems: list[str] = []
    columns: dict[str, int] | None = None
    records: list[tuple[int, MembershipEvent]] = []
    previous_end = 0
    for row in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns = _read_header(row, f"{label}:{line}", problems)
            if columns is None:
                return [], problems
            continue
        event = _parse_row(row, columns, f"{label}:{line}", problems)
        if event is not None:
            records.append((line, event))
    if columns is None:
        problems.append(f"{label}: empty (no header row)")
    problems.extend(_overlaps(records, label))
    return [event for _, event in records], problems


def current_status(
    events: Iterable[MembershipEvent], on: date | None = None
) -> dict[str, tuple[MembershipStatus, date]]:
    """Country → (status, since) for the statuses in force on `on` (today by default).

    Ordered for a roster: members first, then observers, then dialogue partners, each by seniority.
    """
    day = on or date.today()
    in_force: dict[str, MembershipEvent] = {}
    for event in events:
        if event.holds_on(day):
            held = in_force.get(event.country)
            if held is None or event.since > held.since:
                in_force[event.country] = event
    ordered = sorted(in_force.values(), key=lambda e: (STATUSES.index(e.status), e.since, e.country))
    return {event.country: (event.status, event.since) for event in ordered}


def _read_header(row: list[str], where: str, problems: list[str]) -> dict[str, int] | None:
    names = [cell.strip().lower() for cell in row]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(f"{where}: header lacks column(s) {', '.join(missing)}; expected {','.join(REQUIRED_COLUMNS)}")
        return None
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    for name in names:
        if name and name not in known:
            problems.append(f"{where}: unknown column {name!r} (ignored)")
    return {name: index for index, name in enumerate(names) if name in known}


def _parse_row(row: list[str], columns: dict[str, int], where: str, problems: list[str]) -> MembershipEvent | None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    found: list[str] = []
    iso2 = cell("iso2").upper()
    written_country = cell("country")
    country = country_name(iso2) if iso2 else None
    if not iso2:
        found.append("missing iso2 code")
    elif country is None:
        found.append(f"unknown iso2 code {iso2!r}")
    if not written_country:
        found.append("missing country")
    elif country is not None and country_code(written_country) != iso2:
        found.append(f"country {written_country!r} does not match iso2 {iso2!r} ({country})")

    status = cell("status").lower()
    if not status:
        found.append("missing status")
    elif status not in STATUSES:
        found.append(f"unknown status {cell('status')!r} (expected {', '.join(STATUSES)})")

    since = _parse_date(cell("since"), "since", found, required=True)
    until = _parse_date(cell("until"), "until", found, required=False)
    if since is not None and until is not None and until <= since:
        found.append(f"until {until.isoformat()} is not after since {since.isoformat()}")

    source = cell("source")
    if not source:
        found.append("missing source")
    elif not _URL.fullmatch(source):
        found.append(f"source {source!r} is not an http(s) URL")

    if found or country is None or since is None:
        problems.extend(f"{where}: {problem}" for problem in found)
        return None
    return MembershipEvent(
        country=country,
        iso2=iso2,
        status=cast(MembershipStatus, status),
        since=since,
        until=until,
        source=source,
        note=cell("note"),
    )


def _parse_date(value: str, column: str, found: list[str], *, required: bool) -> date | None:
    if not value:
        if required:
            found.append(f"missing {column} date")
        return None
    if not _ISO_DATE.fullmatch(value):
        found.append(f"bad {column} date {value!r} (expected YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        found.append(f"impossible {column} date {value!r}")
        return None


def _overlaps(records: list[tuple[int, MembershipEvent]], label: str) -> list[str]:
    """A country can hold one status at a time; two rows in force on the same day are a mistake."""
    problems: list[str] = []
    by_country: dict[str, list[tuple[int, MembershipEvent]]] = {}
    for record in records:
        by_country.setdefault(record[1].iso2, []).append(record)
    for rows in by_country.values():
        rows.sort(key=lambda record: record[1].since)
        for (first_line, first), (line, event) in itertools.pairwise(rows):
            if first.until is None or first.until > event.since:
                problems.append(
                    f"{label}:{line}: {event.country} {event.status} from {event.since.isoformat()} "
                    f"overlaps line {first_line} ({first.status} from {first.since.isoformat()})"
                )
    return problems
