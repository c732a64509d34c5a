"""The SQLite store: schema, migrations, the load transaction, and every query the bot asks.

No SQL lives outside this package. The database runs in WAL mode, so a reader keeps its snapshot while a
load writes, and a load is one transaction, so readers see the old corpus or the new one, never half.

- `connection`: opening the file, migrations (bot/migrations/), and the helpers every statement uses;
- `database`: `Store`, the open database and the queries the bot asks;
- `writes`: the load transaction, file stats, membership and the taxonomy;
- `versions`: the corpus version and the log of what each version changed, for searchers.

The records a query returns are plain dataclasses in bot/records.py, exported here as well. The constants
that tune a module (VERSIONS_LOGGED, RANKED_MATCHES, ...) are not: patch them where the code reads them.
"""

from bot.records import (
    CorpusChange,
    CorpusCounts,
    CorpusDelta,
    FileStat,
    KnownDocument,
    NamedCount,
    SourceParagraph,
    SpeakerNames,
    StoredStatement,
)
from bot.store.connection import MIGRATIONS, SCHEMA_VERSION
from bot.store.database import Store

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "CorpusChange",
    "CorpusCounts",
    "CorpusDelta",
    "FileStat",
    "KnownDocument",
    "NamedCount",
    "SourceParagraph",
    "SpeakerNames",
    "Store",
    "StoredStatement",
]
