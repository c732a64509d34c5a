"""spaCy stays out of the bot's process: only the parse workers (and the CLI's parse and eval) load it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def test_the_bot_process_never_imports_spacy() -> None:
    script = "import sys, bot.app, bot.serving.runner, bot.cli, bot.loading; print('spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
