"""`make bench` / `python -m bench [--quick]`: every figure of docs/BENCHMARKS.md, measured in one run.

Quick mode (`--quick` or BENCH_QUICK=1) loads the 2,000-article Tehran Times subset and measures queries
at 10k and 100k statements; the full mode loads all 33,684 articles and adds 1M statements. Generated seed
folders and databases live in BENCH_CACHE (default: the system temp dir), never in the repository.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import corpora, report
from bench.stats import machine

# PTB 22 warns on every integer time period unless told to use timedeltas, as the tests do.
os.environ.setdefault("PTB_TIMEDELTA", "true")

QUICK_SCALES = (10_000, 100_000)
FULL_SCALES = (10_000, 100_000, 1_000_000)
NAIVE_QUERIES = 100
# spaCy over the whole corpus takes about an hour on one core; a tenth of it, spread evenly, gives its rate.
FULL_ANCHOR_EVERY = 10


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1")
    parser.add_argument(
        "--anchor-every",
        type=int,
        default=int(os.environ.get("BENCH_ANCHOR_EVERY", str(FULL_ANCHOR_EVERY))),
        help="time spaCy's nlp.pipe on every Nth article of the whole corpus and scale by characters "
        f"(default {FULL_ANCHOR_EVERY}; the 2,000-article subset's anchor always times every article)",
    )
    parser.add_argument(
        "--reuse-loads",
        action="store_true",
        help="take load figures already in bench/out/ instead of loading again (marked in the report)",
    )
    parser.add_argument("--only", nargs="*", default=None, help="sections: load quality query bot memory reload")
    return parser.parse_args(argv)


def _subprocess(module: str, *args: object) -> dict[str, object]:
    env = os.environ | {"PYTHONPATH": str(corpora.ROOT), "PTB_TIMEDELTA": "true"}
    done = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=corpora.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _load_pair(name: str, seeds: Path, every: int, reuse: bool) -> dict[str, object]:
    """spaCy's nlp.pipe and the real load on the same articles, back to back, each in its own process."""
    out = corpora.ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    saved = out / f"load-{name}.json"
    if reuse and saved.is_file():
        return json.loads(saved.read_text()) | {"reused": True}
    database = corpora.cache_dir() / f"{name}.db"
    print(f"[bench] load {name}: spaCy nlp.pipe anchor", file=sys.stderr)
    anchor = _subprocess("bench.load_run", "anchor", seeds, every)
    print(f"[bench] load {name}: scobot load", file=sys.stderr)
    load = _subprocess("bench.load_run", "load", seeds, database)
    result = {"anchor": anchor, "load": load, "database": str(database), "measured": machine()["date"]}
    saved.write_text(json.dumps(result, indent=2))
    return result


def _database_of(result: dict[str, object], name: str, seeds: Path) -> Path:
    database = Path(str(result.get("database") or corpora.cache_dir() / f"{name}.db"))
    if not database.is_file():
        _subprocess("bench.load_run", "load", seeds, database)
    return database


async def _scaled(base_db: Path, seeds: Path, scales: tuple[int, ...]) -> dict[int, Path]:
    from bench.scaled import scaled_store
    from bot.corpus.reader import read_articles
    from bot.store import Store

    articles, _ = read_articles([seeds])
    by_name = {a.name: a for a in articles}
    paths: dict[int, Path] = {}
    async with await Store.open(base_db) as reference:
        for total in scales:
            print(f"[bench] building the {total:,}-statement store", file=sys.stderr)
            path, seconds = await scaled_store(
                corpora.cache_dir() / f"{base_db.stem}-{total}.db", base_db, by_name, total, reference
            )
            if seconds:
                print(f"[bench]   built in {seconds:.0f} s ({total / seconds:,.0f} statements/s)", file=sys.stderr)
            paths[total] = path
    return paths


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    sections = set(args.only or ["load", "quality", "query", "bot", "memory", "reload"])
    results: dict[str, object] = {"machine": machine(), "mode": "quick" if args.quick else "full"}
    started = time.perf_counter()
    big = corpora.tehran_times_seeds(args.quick)
    big_name = "tehran-times-2000" if args.quick else "tehran-times-all"
    loads: dict[str, object] = {}
    if "load" in sections:
        loads["seeds"] = _load_pair("seeds", corpora.SEEDS, 1, False)
        if big is not None:
            if not args.quick:
                # The subset's anchor is timed on every article, so its ratio is exact even when the whole
                # corpus's anchor is sampled.
                subset = corpora.tehran_times_seeds(quick=True)
                assert subset is not None
                loads["tehran-times-2000"] = _load_pair("tehran-times-2000", subset, 1, args.reuse_loads)
            every = 1 if args.quick else args.anchor_every
            loads[big_name] = _load_pair(big_name, big, every, args.reuse_loads)
        else:
            loads[big_name] = {"skipped": f"{corpora.TEHRAN_TIMES} is not present"}
    results["load"] = loads
    if "quality" in sections and (corpora.SHARED / "eval" / "score.py").is_file():
        from bench.quality import pipeline_f1
        from bot.corpus.nlp import load_nlp

        print("[bench] extraction quality through the load path", file=sys.stderr)
        nlp = load_nlp()
        root = corpora.SHARED / "eval"
        results["quality"] = {"prefilter": pipeline_f1(root, nlp, True), "full_parse": pipeline_f1(root, nlp, False)}
    seeds = big if big is not None else corpora.SEEDS
    name = big_name if big is not None else "seeds"
    base = _database_of(loads.get(name, {}), name, seeds)  # type: ignore[arg-type]
    scales = QUICK_SCALES if args.quick else FULL_SCALES
    stores = asyncio.run(_scaled(base, seeds, scales)) if sections & {"query", "bot", "memory", "reload"} else {}
    if "query" in sections:
        results["query"] = {}
        for total, path in stores.items():
            print(f"[bench] queries at {total:,} statements", file=sys.stderr)
            naive = NAIVE_QUERIES if total < 1_000_000 else NAIVE_QUERIES // 3  # a second each at 1M
            results["query"][str(total)] = _subprocess("bench.query", path, seeds, naive)  # type: ignore[index]
    middle = stores[100_000] if 100_000 in stores else next(iter(stores.values()), base)
    if "bot" in sections:
        from bench.bot import flood, throughput

        print("[bench] the bot over HTTP: throughput and latency, then a flood", file=sys.stderr)
        work = corpora.cache_dir() / "bot"
        work.mkdir(exist_ok=True)
        results["bot"] = {
            "statements": 100_000 if 100_000 in stores else None,
            "throughput": asyncio.run(throughput(middle, seeds, work, burst=2000, paced=1000, rate=100.0)),
            "flood": asyncio.run(flood(middle, seeds, work, replies=2000, chats=50)),
        }
    if "memory" in sections:
        print("[bench] the bot's memory", file=sys.stderr)
        results["memory"] = {str(n): _subprocess("bench.bot_process", path, seeds) for n, path in stores.items()}
    if "reload" in sections and stores:
        from bench.reload import incremental

        largest = max(stores)
        print(f"[bench] incremental reload at {largest:,} statements", file=sys.stderr)
        results["reload"] = asyncio.run(incremental(stores[largest], seeds, corpora.cache_dir() / "reload"))
    results["seconds"] = time.perf_counter() - started
    previous = corpora.ROOT / "docs" / "benchmarks.json"
    if args.only and previous.is_file():
        # A partial run replaces its own sections and keeps the rest of the last full report.
        kept = json.loads(previous.read_text(encoding="utf-8"))
        took = results["seconds"]
        results = kept | {k: v for k, v in results.items() if k in sections}
        results.setdefault("partial_reruns", []).append(
            {"sections": sorted(sections), "machine": machine(), "seconds": took}
        )
    report.write(results, corpora.ROOT / "docs")
    took = time.perf_counter() - started
    print(f"[bench] done in {took:.0f} s: docs/BENCHMARKS.md, docs/benchmarks.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
