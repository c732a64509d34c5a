"""`scobot eval`: run the extractor over each gold set and score it with the official scorer.

The scorer lives with the gold data (`eval_root/score.py`) and is imported from there, so the figures
here are the figures anyone gets by piping predictions into it by hand.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from spacy.language import Language

from bot.corpus.attribution import extract_attributions
from bot.corpus.reader import read_articles

# The project's own seed articles sit at the repository root; the other sets carry their articles.
SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
GOLD_SETS: tuple[str, ...] = ("seeds", "sco-dev", "polnear-dev")
OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class EvalRow:
    name: str
    articles: int
    scores: dict[str, float]


def load_scorer(eval_root: Path) -> ModuleType:
    """Import `eval_root/score.py` as a module without putting the gold folder on sys.path."""
    path = eval_root / "score.py"
    spec = importlib.util.spec_from_file_location("scobot_gold_scorer", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def articles_dir(eval_root: Path, name: str) -> Path:
    return SEEDS_DIR if name == "seeds" else eval_root / name / "articles"


def predict(nlp: Language, folder: Path) -> tuple[int, dict[str, list[dict[str, object]]]]:
    """Predictions in the scorer's shape: article name → [{"speaker", "text"}]."""
    articles, _skipped = read_articles([folder])
    pred: dict[str, list[dict[str, object]]] = {}
    pairs = ((article.text, article.name) for article in articles)
    for doc, name in nlp.pipe(pairs, as_tuples=True, batch_size=32):
        pred[name] = [{"speaker": a.speaker, "text": a.text} for a in extract_attributions(doc)]
    return len(articles), pred


def run_eval(eval_root: Path, nlp: Language, sets: tuple[str, ...] = GOLD_SETS) -> list[EvalRow]:
    """Score every gold set under `eval_root` that exists; a missing set is skipped, not an error."""
    scorer = load_scorer(eval_root)
    rows: list[EvalRow] = []
    for name in sets:
        gold_dir = eval_root / name
        folder = articles_dir(eval_root, name)
        if not gold_dir.is_dir() or not any(gold_dir.glob("*.gold.json")) or not folder.is_dir():
            continue
        gold = scorer.load_gold(gold_dir)
        count, pred = predict(nlp, folder)
        scores = scorer.score(gold, pred, OVERLAP, False)
        rows.append(EvalRow(name, count, scores))
    return rows


def format_table(rows: list[EvalRow]) -> str:
    """One line per set: span P/R/F1, attribution accuracy, end-to-end P/R/F1."""
    header = (
        f"{'set':<12} {'docs':>4} {'gold':>5} {'pred':>5}  {'span P':>6} {'span R':>6} {'span F1':>7}"
        f"  {'attr':>5}  {'e2e P':>6} {'e2e R':>6} {'e2e F1':>6}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        s = row.scores
        lines.append(
            f"{row.name:<12} {row.articles:>4} {int(s['gold']):>5} {int(s['predicted']):>5}"
            f"  {s['span_precision']:>6.3f} {s['span_recall']:>6.3f} {s['span_f1']:>7.3f}"
            f"  {s['attribution_accuracy']:>5.3f}"
            f"  {s['e2e_precision']:>6.3f} {s['e2e_recall']:>6.3f} {s['e2e_f1']:>6.3f}"
        )
    return "\n".join(lines)
