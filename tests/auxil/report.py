"""The counts that fault, crash and hostile-input tests print, gathered into one terminal section.

`report_line("faults: sendMessage", "owed 40, delivered 40, ...")` in a test; at the end of the run
pytest shows every line under "robustness counts", with or without `-s`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

ReportLine = Callable[[str, str], None]
_LINES: list[tuple[str, str]] = []


def add_report_line(what: str, counts: str) -> None:
    """For module-scoped fixtures, which cannot ask for the function-scoped `report_line`."""
    _LINES.append((what, counts))


@pytest.fixture
def report_line() -> ReportLine:
    return add_report_line


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _LINES:
        return
    terminalreporter.section("robustness counts")
    for what, counts in _LINES:
        terminalreporter.write_line(f"{what}: {counts}")
