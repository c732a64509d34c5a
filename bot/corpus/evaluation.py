"""`scobot eval`: run the extractor over each gold set and score it with the official scorer.

The scorer lives with the gold data (`eval_root/score.py`) and is imported from there, so the figures
here are the figures anyone gets by piping predictions into it by hand.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from spacy.language import Language

from bot.corpus.attribution import extract_attributions
from bot.corpus.reader import read_articles

# The project's own seed articles sit at the repository root; the other sets carry their articles.
SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
# The order of the table: these first when present, then every other set under the eval dir by name.
KNOWN_ORDER: tuple[str, ...] = ("seeds", "sco-dev", "sco-dev2", "polnear-dev")
# The names `bench.quality` iterates; `gold_sets` finds every set actually present.
GOLD_SETS = KNOWN_ORDER
OVERLAP = 0.5

log = logging.getLogger(__name__)


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
    """A set's own `articles/` folder; the seed set, which has none, reads the project's seeds."""
    own = eval_root / name / "articles"
    return SEEDS_DIR if name == "seeds" and not own.is_dir() else own


def gold_sets(eval_root: Path) -> tuple[str, ...]:
    """Every folder under `eval_root` that holds `*.gold.json`: the known sets first, then the rest by name."""
    found = {p.name for p in eval_root.iterdir() if p.is_dir() and any(p.glob("*.gold.json"))}
    known = [name for name in KNOWN_ORDER if name in found]
    return (*known, *sorted(found - set(known)))


def predict(nlp: Language, folder: Path) -> tuple[int, dict[str, list[dict[str, object]]]]:
    """Predictions in the scorer's shape: article name → [{"speaker", "text"}]."""
    articles, _skipped = read_articles([folder])
    pred: dict[str, list[dict[str, object]]] = {}
    pairs = ((article.text, article.name) for article in articles)
    for doc, name in nlp.pipe(pairs, as_tuples=True, batch_size=32):
        pred[name] = [{"speaker": a.speaker, "text": a.text} for a in extract_attributions(doc)]
    return len(articles), pred


def run_eval(eval_root: Path, nlp: Language, sets: tuple[str, ...] | None = None) -> list[EvalRow]:
    """Score the named gold sets, or every one under `eval_root` (`gold_sets`); a named set that does not
    exist is skipped, and a set whose articles are missing is skipped with a warning."""
    scorer = load_scorer(eval_root)
    rows: list[EvalRow] = []
    for name in gold_sets(eval_root) if sets is None else sets:
        gold_dir = eval_root / name
        folder = articles_dir(eval_root, name)
        if not gold_dir.is_dir() or not any(gold_dir.glob("*.gold.json")):
            continue
        if not folder.is_dir():
            log.warning("eval: set %s has gold statements but no articles at %s; not scored", name, folder)
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
