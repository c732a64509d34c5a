"""The SQLite store: schema, migrations, the load transaction, and every query the bot asks.

It may import the corpus (the records it stores), nothing above it, and never Telegram.

No SQL lives outside this package. The database runs in WAL mode, so a reader keeps its snapshot while a
load writes, and a load is one transaction, so readers see the old corpus or the new one, never half.

- `connection`: opening the file, the migrations (`migrations/`), and the helpers every statement uses;
- `reads`: `Store`, the open database and every query the bot asks;
- `writes`: the load transaction, file stats, membership and the taxonomy;
- `versions`: the corpus version and the log of what each version changed, for searchers.

The records a query returns are plain dataclasses in bot/records.py, exported here as well. The constants
that tune a module (VERSIONS_LOGGED, RANKED_MATCHES, ...) are not: patch them where the code reads them.
"""

from bot.corpus.members import MembershipEvent
from bot.store.connection import MIGRATIONS, SCHEMA_VERSION, DatabaseUnavailable, is_corruption
from bot.store.reads import Store
from bot.store.records import (
    CorpusChange,
    CorpusCounts,
    CorpusDelta,
    FileStat,
    KnownDocument,
    NamedCount,
    SourceParagraph,
    SourceRef,
    SpeakerNames,
    StoredStatement,
)

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "CorpusChange",
    "CorpusCounts",
    "CorpusDelta",
    "DatabaseUnavailable",
    "FileStat",
    "KnownDocument",
    "MembershipEvent",
    "NamedCount",
    "SourceParagraph",
    "SourceRef",
    "SpeakerNames",
    "Store",
    "StoredStatement",
    "is_corruption",
]
