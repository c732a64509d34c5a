"""`run_eval` against the official scorer: the seed articles must meet their target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from bot.corpus.evaluation import EvalRow, format_table, run_eval

SHARED = Path(__file__).resolve().parents[3] / "shared"
EVAL_ROOT = SHARED / "eval"


@pytest.fixture(scope="module")
def eval_root() -> Path:
    if not (EVAL_ROOT / "score.py").is_file() or not (EVAL_ROOT / "seeds").is_dir():
        pytest.skip(f"{EVAL_ROOT} is not present")
    return EVAL_ROOT


@pytest.mark.slow
def test_seeds_meet_the_end_to_end_target(nlp: Language, eval_root: Path) -> None:
    rows = run_eval(eval_root, nlp, sets=("seeds",))
    assert [row.name for row in rows] == ["seeds"]
    scores = rows[0].scores
    assert scores["gold"] > 0
    assert scores["e2e_f1"] >= 0.95, format_table(rows)


def test_missing_sets_are_skipped_and_a_fake_set_is_scored(nlp: Language, eval_root: Path, tmp_path: Path) -> None:
    # A miniature eval root with the real scorer and one hand-written article.
    root = tmp_path / "eval"
    (root / "mini" / "articles").mkdir(parents=True)
    (root / "score.py").write_text((eval_root / "score.py").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "mini" / "articles" / "a.txt").write_text(
        " date 2024-01-02 The Andean Trade Council said that coffee exports rose by a third.\n",
        encoding="utf-8",
    )
    gold = {
        "doc": "a.txt",
        "statements": [
            {"speaker": "Andean Trade Council", "kind": "indirect", "text": "coffee exports rose by a third"}
        ],
    }
    (root / "mini" / "a.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    rows = run_eval(root, nlp, sets=("absent", "mini"))
    assert [row.name for row in rows] == ["mini"]
    assert rows[0].scores["e2e_f1"] == 1.0
    table = format_table(rows)
    assert "mini" in table and "1.000" in table


def test_format_table_has_one_line_per_set() -> None:
    scores = {
        "gold": 10,
        "predicted": 8,
        "span_precision": 1.0,
        "span_recall": 0.8,
        "span_f1": 0.889,
        "attribution_accuracy": 0.75,
        "e2e_precision": 0.75,
        "e2e_recall": 0.6,
        "e2e_f1": 0.667,
    }
    table = format_table([EvalRow("sco-dev", 3, scores), EvalRow("seeds", 2, scores)])
    lines = table.splitlines()
    assert len(lines) == 4
    assert lines[2].startswith("sco-dev") and "0.667" in lines[2]


def _mini_root(eval_root: Path, tmp_path: Path, names: tuple[str, ...]) -> Path:
    """An eval root with the real scorer and, per name, one hand-written article and its gold."""
    root = tmp_path / "eval"
    root.mkdir()
    (root / "score.py").write_text((eval_root / "score.py").read_text(encoding="utf-8"), encoding="utf-8")
    for name in names:
        (root / name / "articles").mkdir(parents=True)
        (root / name / "articles" / "a.txt").write_text(
            " date 2024-01-02 The Andean Trade Council said that coffee exports rose by a third.\n",
            encoding="utf-8",
        )
        gold = {
            "doc": "a.txt",
            "statements": [
                {"speaker": "Andean Trade Council", "kind": "indirect", "text": "coffee exports rose by a third"}
            ],
        }
        (root / name / "a.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return root


def test_every_set_with_gold_under_the_eval_dir_is_scored(nlp: Language, eval_root: Path, tmp_path: Path) -> None:
    # Sets the evaluator has never heard of by name are scored too, known ones first, the rest by name.
    root = _mini_root(eval_root, tmp_path, ("zeta-set", "sco-dev", "alpha-set"))
    (root / "notes").mkdir()  # a folder without gold is no set
    rows = run_eval(root, nlp)
    assert [row.name for row in rows] == ["sco-dev", "alpha-set", "zeta-set"]
    assert all(row.scores["e2e_f1"] == 1.0 for row in rows)


def test_a_set_without_articles_is_reported_not_scored(
    nlp: Language, eval_root: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = _mini_root(eval_root, tmp_path, ("kept",))
    (root / "orphan").mkdir()
    (root / "orphan" / "b.gold.json").write_text(json.dumps({"doc": "b.txt", "statements": []}), encoding="utf-8")
    rows = run_eval(root, nlp)
    assert [row.name for row in rows] == ["kept"]
    assert "orphan" in caplog.text
