"""Loading: scan `SEEDS_DIR`, parse what changed, swap it into the store; reloads and operators' uploads.

It may import search (to refresh the index after a reload), the store and the corpus; never Telegram or
handlers. What a load did is one `LoadReport`, told the same way by the command line and /reload.
"""

from bot.loading.load import LoadProgress, ProgressCallback, load_corpus, worker_pool
from bot.loading.reload import ReloadBusyError, Reloader
from bot.loading.report import LoadReport, report_lines

__all__ = [
    "LoadProgress",
    "LoadReport",
    "ProgressCallback",
    "ReloadBusyError",
    "Reloader",
    "load_corpus",
    "report_lines",
    "worker_pool",
]
