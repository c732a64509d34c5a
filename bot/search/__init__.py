"""Search: what people type, matched to speakers, topics, countries, years and words.

Owns the in-memory match lists (`index`, `match_lists`), the `Searcher` that turns a query into a selection
of statement ids, and the selection key (`keys`) that names a selection in callback data. It reads the store
and the corpus's reference data (country names); it never imports Telegram, handlers or loading.
"""

from bot.search.index import Match, Resolution, SearchIndex
from bot.search.keys import SelectionKey
from bot.search.match_lists import Target, TargetKind
from bot.search.searcher import Found, Searcher, target_key

__all__ = [
    "Found",
    "Match",
    "Resolution",
    "SearchIndex",
    "Searcher",
    "SelectionKey",
    "Target",
    "TargetKind",
    "target_key",
]
