"""What a load did, in one record, and the one way it is told: the same lines for `scobot load` and /reload."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.corpus.models import SkippedFile
from bot.store import CorpusCounts

NAMES_SHOWN = 10


@dataclass(slots=True)
class LoadReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # files that loaded but deserve a look
    before: CorpusCounts | None = None
    after: CorpusCounts | None = None
    seconds: float = 0.0
    # Seconds by stage ("scan", "parse", "apply", "reference data"), for the benchmarks and the curious.
    stages: dict[str, float] = field(default_factory=dict)


def report_lines(report: LoadReport, *, names_shown: int = NAMES_SHOWN) -> list[str]:
    """Plain text, one fact a line: the counts, then what changed by name, then what deserves a look."""
    before, after = report.before, report.after
    lines = [
        f"articles: {after.documents if after else 0} "
        f"({len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped)",
        f"statements: {before.statements if before else 0} → {after.statements if after else 0}",
        f"speakers: {before.speakers if before else 0} → {after.speakers if after else 0}",
    ]
    for label, names in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        if names and names_shown:
            more = f" and {len(names) - names_shown} more" if len(names) > names_shown else ""
            lines.append(f"{label}: {', '.join(names[:names_shown])}{more}")
    lines += [f"skipped {bad.name}: {bad.reason}" for bad in report.skipped]
    lines += [f"warning: {warning}" for warning in report.warnings]
    lines += [f"problem: {problem}" for problem in report.problems]
    lines.append(f"took {report.seconds:.1f} s")
    return lines
