"""The corpus, or one selection of it, as rows for analysts: JSON Lines or CSV, with the same fields.

The fields are a stable interface (the README lists them, and ../shared/eval/score_identity.py reads them):
`doc` is the first source's file name and `sources` every article that reports the statement; `url` and
`title` are the first source's address and headline where `sources.csv` knows them, else null.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Iterable
from typing import TextIO

from bot.search.keys import SelectionKey
from bot.search.searcher import Searcher
from bot.store import Store, StoredStatement

FIELDS = (
    "id",
    "doc",
    "sources",
    "date",
    "outlet",
    "speaker",
    "speaker_id",
    "speaker_role",
    "kind",
    "cue",
    "text",
    "topics",
    "countries",
    "url",
    "title",
)
_PAGE = 2000
# A list in one CSV cell: "; " never occurs inside a file, topic or country name.
_CELL_LIST_SEPARATOR = "; "


def export_record(statement: StoredStatement) -> dict[str, object]:
    sources = list(statement.sources) or [statement.doc]
    return {
        "id": statement.id,
        "doc": sources[0],
        "sources": sources,
        "date": statement.date.isoformat() if statement.date else None,
        "outlet": statement.outlet,
        "speaker": statement.speaker,
        "speaker_id": statement.speaker_id,
        "speaker_role": statement.speaker_role,
        "kind": statement.kind,
        "cue": statement.cue,
        "text": statement.text,
        "topics": list(statement.topics),
        "countries": list(statement.countries),
        # Where the first source came from (SEEDS_DIR/sources.csv); None for plain seed files.
        "url": statement.url,
        "title": statement.title,
    }


async def export_rows(store: Store, ids: Iterable[int] | None = None) -> AsyncIterator[dict[str, object]]:
    """Every statement in id order, or those of `ids` in their order, a page at a time."""
    if ids is None:
        after = 0
        while page := await store.statement_page(after, _PAGE):
            for statement in page:
                yield export_record(statement)
            after = page[-1].id
        return
    wanted = list(ids)
    for start in range(0, len(wanted), _PAGE):
        for statement in await store.statements(wanted[start : start + _PAGE]):
            yield export_record(statement)


async def query_ids(searcher: Searcher, query: str) -> tuple[SelectionKey, list[int]] | None:
    """What `/quote QUERY` finds: its selection key and every statement id, or None when nothing matches."""
    await searcher.refresh()
    found = await searcher.find(query)
    if found.key is None or not found.ids:
        return None
    return found.key, await searcher.all_ids(found.key)


def json_line(row: dict[str, object]) -> str:
    return json.dumps(row, ensure_ascii=False)


def csv_writer(stream: TextIO) -> csv.DictWriter[str]:
    writer = csv.DictWriter(stream, fieldnames=FIELDS)
    writer.writeheader()
    return writer


def csv_row(row: dict[str, object]) -> dict[str, object]:
    """Lists flattened into one cell; spreadsheets have no lists."""
    return {
        name: _CELL_LIST_SEPARATOR.join(map(str, value)) if isinstance(value, list) else value
        for name, value in row.items()
    }


async def csv_bytes(store: Store, ids: Iterable[int]) -> bytes:
    """A selection as one CSV document (UTF-8 with a byte-order mark, so spreadsheets read the scripts right)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    async for row in export_rows(store, ids):
        writer.writerow(csv_row(row))
    return buffer.getvalue().encode("utf-8-sig")
