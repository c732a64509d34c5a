"""Extraction quality through the load path: the prefilter must not cost any F1 against the gold sets."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from bot.corpus import pipeline
from bot.corpus.evaluation import GOLD_SETS, articles_dir, load_scorer
from bot.corpus.reader import read_articles


def pipeline_f1(eval_root: Path, nlp: Language, prefilter: bool) -> dict[str, float]:
    """End-to-end F1 per gold set of what `extract_statements` (the loader's path) finds."""
    scorer = load_scorer(eval_root)
    scores: dict[str, float] = {}
    for name in GOLD_SETS:
        gold_dir = eval_root / name
        folder = articles_dir(eval_root, name)
        if not gold_dir.is_dir() or not folder.is_dir() or not any(gold_dir.glob("*.gold.json")):
            continue
        articles, _ = read_articles([folder])
        found = pipeline.extract_statements(nlp, articles, prefilter=prefilter)
        pred = {a.name: [{"speaker": s.speaker, "text": s.text} for s in statements] for a, statements in found}
        scores[name] = round(scorer.score(scorer.load_gold(gold_dir), pred, 0.5, False)["e2e_f1"], 3)
    return scores
