"""Well-known SCO figures: the operator-edited `people.csv` that anchors identity and other scripts' names.

One row per person: `name,aliases,roles,source`.
- `name`: the canonical name, as the bot shows it;
- `aliases`: other spellings and scripts, separated by `|` ("Sergei Lavrov|Сергей Лавров|拉夫罗夫");
- `roles`: `|`-separated `title@since/until` with ISO dates, `until` empty while the role is held
  ("Minister of Foreign Affairs of Russia@2004-03-09/");
- `source`: a public page about the person (an http(s) URL), as members.csv cites one per row.

Any name of a row, met as a speaker, is that person: a load resolves it to the canonical name, and search
finds the person by every alias. Bad rows are skipped and each problem names the file and line; blank
lines and lines starting with "#" are ignored.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

COLUMNS = ("name", "aliases", "roles", "source")
_URL = re.compile(r"https?://[^\s/]+\.[^\s/]+\S*", re.IGNORECASE)
_ROLE = re.compile(r"(?P<title>[^@]+)@(?P<since>\d{4}-\d{2}-\d{2})/(?P<until>\d{4}-\d{2}-\d{2})?")


@dataclass(frozen=True, slots=True)
class Role:
    title: str
    since: date
    until: date | None


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    aliases: tuple[str, ...]
    roles: tuple[Role, ...]
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def load_people(path: Path) -> tuple[list[Person], list[str]]:
    """Read the people file: the good rows, and one problem per bad row or unreadable file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return [], [f"{path.name}: unreadable ({exc.strerror or exc})"]
    except UnicodeDecodeError as exc:
        return [], [f"{path.name}: not valid UTF-8 (byte {exc.start})"]
    return parse_people(text.splitlines(keepends=True), path.name)


def parse_people(lines: Iterable[str], label: str = "people.csv") -> tuple[list[Person], list[str]]:
    # Comment lines become blank lines, so the reader's line count still matches the file's.
    reader = csv.reader("\n" if line.lstrip().startswith("#") else line for line in lines)
    people: list[Person] = []
    problems: list[str] = []
    header_seen = False
    owner: dict[str, str] = {}
    previous_end = 0
    for row in reader:
        line, previous_end = previous_end + 1, reader.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            if tuple(cells) != COLUMNS:
                return [], [f"{label}:{line}: the header must be {','.join(COLUMNS)}"]
            continue
        person, problem = _person(cells)
        if person is not None:
            clash = next((n for n in person.names if owner.get(n.casefold(), person.name) != person.name), None)
            if clash is not None:
                person, problem = None, f"{clash!r} is already a name of {owner[clash.casefold()]}"
        if person is None:
            problems.append(f"{label}:{line}: {problem}")
            continue
        owner.update({name.casefold(): person.name for name in person.names})
        people.append(person)
    return people, problems


def _person(cells: list[str]) -> tuple[Person | None, str]:
    if len(cells) != len(COLUMNS):
        return None, f"expected {len(COLUMNS)} columns ({','.join(COLUMNS)}), found {len(cells)}"
    name, aliases, roles, source = cells
    if not name:
        return None, "the name is empty"
    if not _URL.fullmatch(source):
        return None, f"the source must be an http(s) URL, not {source!r}"
    parsed: list[Role] = []
    for written in filter(None, (part.strip() for part in roles.split("|"))):
        match = _ROLE.fullmatch(written)
        if match is None:
            return None, f"a role must be title@YYYY-MM-DD/[YYYY-MM-DD], not {written!r}"
        try:
            since = date.fromisoformat(match["since"])
            until = date.fromisoformat(match["until"]) if match["until"] else None
        except ValueError as exc:
            return None, f"role {written!r}: {exc}"
        if until is not None and until < since:
            return None, f"role {written!r} ends before it starts"
        parsed.append(Role(match["title"].strip(), since, until))
    names = tuple(dict.fromkeys(a.strip() for a in aliases.split("|") if a.strip() and a.strip() != name))
    return Person(name, names, tuple(parsed), source), ""
