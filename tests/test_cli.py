"""The `scobot` command line: the JSON contract of `parse`, and `load`'s summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import PROJECT_ROOT, SEEDS_DIR

JSON_FIELDS = {"doc", "date", "speaker", "speaker_role", "kind", "cue", "text", "topics", "countries"}
ARTICLE = (
    " date 2024-07-04 ASTANA, July 4. /Example Wire/. The bloc will admit a new member this year, "
    "Foreign Minister Ann Lee said on Thursday.\n\n"
    '"We are ready for more trade with Kazakhstan," she added.\n'
)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text(ARTICLE)
    (seeds / "broken.txt").write_bytes(b"\x00\x01\x02 not text")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "data" / "scobot.db"))
    return tmp_path


def test_parse_json_is_one_statement_per_line_with_the_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEEDS_DIR), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) >= 10
    for row in rows:
        assert set(row) == JSON_FIELDS
        assert row["kind"] in {"direct", "indirect", "mixed"}
        assert isinstance(row["topics"], list) and isinstance(row["countries"], list)
        assert row["date"] in {"2021-12-21", "2023-05-23"}
    assert {"Vladimir Norov", "Zhang Haizhou"} <= {row["speaker"] for row in rows}


def test_parse_names_skipped_files_on_stderr(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "seeds", "--json"]) == 0
    out, err = capsys.readouterr()
    assert err.strip() == "skipped broken.txt: binary data (NUL bytes), not text"
    assert all(json.loads(line)["doc"] == "good.txt" for line in out.splitlines())


def test_parse_listing_is_readable(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "seeds/good.txt"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("good.txt (2024-07-04, Example Wire): ")
    assert "Ann Lee" in out


def test_parse_of_a_missing_path_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "no/such/folder"]) == 2
    assert "no such file or folder: no/such/folder" in capsys.readouterr().err


def test_load_builds_the_database_and_summarises(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load"]) == 0
    out = capsys.readouterr().out
    assert "articles: 1 (1 added, 0 changed, 0 removed, 0 unchanged, 1 skipped)" in out
    assert "skipped broken.txt: binary data (NUL bytes), not text" in out
    assert (workspace / "data" / "scobot.db").is_file()
    assert main(["load"]) == 0
    assert "(0 added, 0 changed, 0 removed, 1 unchanged, 1 skipped)" in capsys.readouterr().out


def test_an_invalid_setting_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADMIN_IDS", "alice")
    assert main(["load"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("scobot: invalid setting ADMIN_IDS:") and err.count("\n") == 1


def test_help_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        check=True,
    )
    for command in ("parse", "load", "eval", "ask", "chat", "run"):
        assert command in done.stdout


EXPORT_FIELDS = {
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
}


def test_export_writes_every_statement_with_the_contract_fields(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load"]) == 0
    capsys.readouterr()
    assert main(["export", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert set(row) == EXPORT_FIELDS
        assert row["doc"] == "good.txt" and row["sources"] == ["good.txt"]
        assert row["speaker"] == "Ann Lee" and isinstance(row["speaker_id"], int)
        assert row["date"] == "2024-07-04" and row["outlet"] == "Example Wire"
        assert row["url"] is None and row["title"] is None  # a plain seed file: no sources.csv row
    assert rows[1]["countries"] == ["Kazakhstan"]


def test_export_csv_and_a_query_export_what_quote_finds(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    assert main(["load"]) == 0
    capsys.readouterr()
    assert main(["export", "--csv", "kazakhstan"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["text"] for row in rows] == ["We are ready for more trade with Kazakhstan"]
    assert set(rows[0]) == EXPORT_FIELDS and rows[0]["sources"] == "good.txt"
    assert main(["export", "zanzibar"]) == 1
    assert "nothing in the corpus matches 'zanzibar'" in capsys.readouterr().err


def test_export_without_a_database_says_how_to_build_one(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export"]) == 1
    assert "scobot load" in capsys.readouterr().err
