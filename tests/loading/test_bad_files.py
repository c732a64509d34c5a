"""Bad corpus files: each is named with its reason and skipped (or loaded with a warning), and the rest load.

A real load (real model, real SQLite file) over a seeds folder that holds good articles among the kinds
of files operators really drop in by mistake.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus.nlp import DEFAULT_MODEL
from bot.corpus.reader import MAX_ARTICLE_BYTES, read_article
from bot.loading import load_corpus, report_lines
from bot.store import Store
from tests.auxil.report import ReportLine

GOOD = {
    "good-lee.txt": " date 2024-03-01 \n\nForeign Minister Ann Lee said that the bloc will grow next year.\n",
    "good-chen.txt": " date 2024-03-02 \n\nAmbassador Bo Chen said that trade with Kazakhstan doubled.\n",
}
# name -> (how to make it, the words its skip reason must contain)
BAD: dict[str, str] = {
    "binary.txt": "binary data",
    "latin1.txt": "not valid UTF-8",
    "empty.txt": "empty",
    "blank-lines.txt": "empty",
    "huge.txt": "too large",
    "impossible-date.txt": "impossible date 2024-02-30",
    "month-13.txt": "impossible date 2024-13-01",
    "not-a-date.txt": "is not YYYY-MM-DD",
    "link-outside.txt": "symbolic links are not followed",
    "link-inside.txt": "symbolic links are not followed",
}
WARNED = {
    "no-date.txt": "no date header; loaded with the date unknown",
    "only-quotes.txt": "only quotations, with nobody named as saying them",
}


def make_bad_files(seeds: Path, outside: Path) -> None:
    (seeds / "binary.txt").write_bytes(bytes(range(256)) * 8)
    latin1 = " date 2024-03-03 \n\nMinister José Pérez said that it grew.\n".encode("latin-1")
    (seeds / "latin1.txt").write_bytes(latin1)
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "blank-lines.txt").write_text(" date 2024-03-04 \n\n   \n\t\n\n")
    # 50 MB of real text, not a sparse file: the size check must come before reading, or this would parse.
    sentence = b"Minister Dee Park said that the summit will be in June. "
    with (seeds / "huge.txt").open("wb") as handle:
        handle.write(b" date 2024-03-05 \n\n")
        for _ in range(50 * 1024 * 1024 // len(sentence) + 1):
            handle.write(sentence)
    (seeds / "impossible-date.txt").write_text(" date 2024-02-30 \n\nMinister Ed Fox said that talks went well.\n")
    (seeds / "month-13.txt").write_text(" date 2024-13-01 \n\nMinister Ed Fox said that talks went well.\n")
    (seeds / "not-a-date.txt").write_text(" date yesterday \n\nMinister Ed Fox said that talks went well.\n")
    secret = outside / "secret.txt"
    secret.write_text(" date 2024-03-06 \n\nMinister Outside Person said that this file is private.\n")
    (seeds / "link-outside.txt").symlink_to(secret)
    (seeds / "link-inside.txt").symlink_to(seeds / "good-lee.txt")
    # A folder link to outside SEEDS_DIR: nothing under it is an article of this corpus.
    (seeds / "elsewhere").symlink_to(outside, target_is_directory=True)
    (seeds / "no-date.txt").write_text("Minister Gu Han said that the railway will open in May.\n")
    (seeds / "only-quotes.txt").write_text(
        ' date 2024-03-07 \n\n"We will grow stronger together."\n\n“Trade between our countries has doubled.”\n'
    )


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name, text in GOOD.items():
        (folder / name).write_text(text)
    outside = tmp_path / "outside"
    outside.mkdir()
    make_bad_files(folder, outside)
    return folder


async def test_every_bad_file_is_named_and_skipped_while_the_rest_load(
    store: Store, seeds: Path, report_line: ReportLine
) -> None:
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    skipped = {s.name: s.reason for s in report.skipped}
    assert set(skipped) == set(BAD)
    for name, reason in BAD.items():
        assert reason in skipped[name], (name, skipped[name])
    huge = (seeds / "huge.txt").stat().st_size
    assert huge > 50 * 1024 * 1024 and f"{huge:,} bytes; the limit is {MAX_ARTICLE_BYTES:,}" in skipped["huge.txt"]

    # Good files, the file without a date and the quotations-only file all load; the last two are named.
    assert sorted(report.added) == sorted([*GOOD, *WARNED])
    assert report.warnings == [f"{name}: {warning}" for name, warning in sorted(WARNED.items())]
    speakers = {s.name for s in await store.speaker_names()}
    assert {"Ann Lee", "Bo Chen", "Gu Han"} <= speakers
    assert "Outside Person" not in speakers  # neither the file link nor the folder link was followed
    assert await store.integrity_check() == "ok"

    # The operator sees every name and reason in the printed report.
    printed = "\n".join(report_lines(report))
    for name in [*BAD, *WARNED]:
        assert name in printed
    assert printed.count("warning: ") == len(WARNED)

    # A second load reads the bad files again and still skips them; nothing good is parsed twice.
    again = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert {s.name for s in again.skipped} == set(BAD) and not again.added and not again.changed
    assert again.before == again.after
    report_line(
        "bad files",
        f"files {len(GOOD) + len(BAD) + len(WARNED)}, skipped {len(report.skipped)}, "
        f"loaded with a warning {len(report.warnings)}, statements {report.after.statements if report.after else 0}",
    )


def test_a_dangling_symlink_is_named_not_raised(tmp_path: Path) -> None:
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    result = read_article(tmp_path / "dangling.txt")
    assert getattr(result, "reason", "") == "symbolic links are not followed"
