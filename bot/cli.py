"""The `scobot` command: parse, load, eval, and running the bot. `scobot --help` lists everything."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings, SettingsError, load_settings
from bot.corpus.models import Statement
from bot.loading import LoadProgress, LoadReport, load_corpus, report_lines
from bot.logs import configure_logging

if TYPE_CHECKING:
    from bot.store import Store

DEFAULT_EVAL_DIR = Path("../shared/eval")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"scobot: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level_number, settings.secrets)
    try:
        return int(args.handler(args, settings) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scobot", description="Who said what about the Shanghai Cooperation Organization."
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="extract statements from article files or folders")
    parse.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a seed file or a folder of them")
    parse.add_argument("--json", action="store_true", help="JSON Lines on stdout, one statement a line")
    parse.set_defaults(handler=_parse)

    load = commands.add_parser("load", help="build or update the database from SEEDS_DIR")
    load.set_defaults(handler=_load)

    reload = commands.add_parser(
        "reload", help="the same as load; a running bot sees the new corpus within seconds, without a restart"
    )
    reload.set_defaults(handler=_load)

    add = commands.add_parser("add", help="fetch articles by URL into SEEDS_DIR, then load them")
    add.add_argument("urls", nargs="+", metavar="URL", help="an article's http(s) address")
    add.set_defaults(handler=_add)

    feeds = commands.add_parser(
        "feeds", help="poll every feed in SEEDS_DIR/feeds.toml once and load what is new (for cron)"
    )
    feeds.set_defaults(handler=_feeds)

    export = commands.add_parser(
        "export", help="write the statements in the database, or those /quote QUERY finds, as JSON Lines or CSV"
    )
    export.add_argument("query", nargs="*", help="only what /quote QUERY would find (default: every statement)")
    formats = export.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="JSON Lines, one statement a line (the default)")
    formats.add_argument("--csv", action="store_true", help="CSV with a header row, for spreadsheets")
    export.set_defaults(handler=_export)

    evaluate = commands.add_parser("eval", help="score extraction against the gold sets")
    evaluate.add_argument(
        "--eval-dir",
        type=Path,
        default=DEFAULT_EVAL_DIR,
        help="folder of gold sets (default: ../shared/eval)",
    )
    evaluate.set_defaults(handler=_eval)

    ask = commands.add_parser("ask", help='run one message through the bot locally, e.g. "/quote norov"')
    ask.add_argument("message", help="a command or words, as a user would send them")
    ask.set_defaults(handler=_ask)

    chat = commands.add_parser("chat", help="chat with the bot locally, without Telegram")
    chat.set_defaults(handler=_chat)

    run = commands.add_parser(
        "run", help="start the Telegram bot (polling, or a webhook with WEBHOOK_URL); without BOT_TOKEN, the local chat"
    )
    run.set_defaults(handler=_run)
    return parser


def _parse(args: argparse.Namespace, settings: Settings) -> int:
    from bot.corpus.nlp import load_nlp
    from bot.corpus.pipeline import cached_taxonomy, extract_statements
    from bot.corpus.reader import read_articles

    missing = [str(p) for p in args.paths if not p.exists() and not p.is_symlink()]
    if missing:
        print(f"scobot: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    articles, skipped = read_articles(args.paths)
    for bad in skipped:
        print(f"skipped {bad.name}: {bad.reason}", file=sys.stderr)
    taxonomy = cached_taxonomy(settings.seeds_dir / "topics.toml")
    for article, statements in extract_statements(load_nlp(settings.spacy_model), articles, taxonomy):
        if args.json:
            for statement in statements:
                print(json.dumps(statement.as_json(), ensure_ascii=False))
        else:
            _print_listing(article.name, article.date, article.outlet, statements)
    return 0


def _print_listing(name: str, published: object, outlet: str | None, statements: list[Statement]) -> None:
    header = ", ".join(str(part) for part in (published or "date unknown", outlet) if part)
    print(f"{name} ({header}): {len(statements)} statements")
    for statement in statements:
        speaker = statement.speaker or "unattributed"
        if statement.speaker_role:
            speaker += f" ({statement.speaker_role})"
        text = f"“{statement.text}”" if statement.kind == "direct" else statement.text
        print(f"  [{statement.kind}] {speaker}, {statement.cue}: {text}")
        tags = statement.topics + statement.countries
        if tags:
            print(f"      tags: {', '.join(tags)}")
    print()


def _load(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.seeds_dir.is_dir():
        print(f"scobot: SEEDS_DIR {settings.seeds_dir} is not a folder", file=sys.stderr)
        return 2
    from bot.store import DatabaseUnavailable

    try:
        report = asyncio.run(_load_into_store(settings))
    except DatabaseUnavailable as exc:
        print(f"scobot: {exc}", file=sys.stderr)
        return 1
    print("\n".join(report_lines(report, names_shown=0)))
    return 0


async def _load_into_store(settings: Settings) -> LoadReport:
    from bot.store import Store

    show = _terminal_progress if sys.stderr.isatty() else None
    async with await Store.open(settings.database_path) as store:
        report = await load_corpus(store, settings.seeds_dir, settings.spacy_model, progress=show)
    if show:
        print(file=sys.stderr)
    return report


def _terminal_progress(update: LoadProgress) -> None:
    if update.total:
        width = 30
        filled = width * update.done // update.total
        bar = "█" * filled + "·" * (width - filled)
        print(f"\r{update.stage:<9} {bar} {update.done}/{update.total}", end="", file=sys.stderr, flush=True)
    else:
        print(f"\r{update.stage}…", end="", file=sys.stderr, flush=True)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.loading.sources import MAX_URLS_PER_ADD

    if not settings.seeds_dir.is_dir():
        print(f"scobot: SEEDS_DIR {settings.seeds_dir} is not a folder", file=sys.stderr)
        return 2
    if len(args.urls) > MAX_URLS_PER_ADD:
        print(f"scobot: {len(args.urls)} URLs; one add takes up to {MAX_URLS_PER_ADD}", file=sys.stderr)
        return 2
    failed = asyncio.run(_from_the_web(settings, args.urls))
    return 1 if failed else 0


def _feeds(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.seeds_dir.is_dir():
        print(f"scobot: SEEDS_DIR {settings.seeds_dir} is not a folder", file=sys.stderr)
        return 2
    failed = asyncio.run(_from_the_web(settings, None))
    return 1 if failed else 0


async def _from_the_web(settings: Settings, urls: list[str] | None) -> bool:
    """Add `urls`, or run one feed round (None), then one load; print what happened. True if anything failed."""
    from bot.loading.adding import loaded_articles, outcome_lines
    from bot.loading.feeds import status_lines
    from bot.loading.sources import WebSources
    from bot.store import Store

    web = WebSources(
        settings.seeds_dir,
        allow_private=settings.allow_private_fetch,
        timeout=settings.fetch_timeout,
        host_interval=settings.fetch_host_interval,
    )
    async with await Store.open(settings.database_path) as store:
        try:
            if urls is not None:
                outcomes = await web.add(urls, store)
                failed = [(o.url, o.reason) for o in outcomes if o.status == "failed"]
                problems: list[str] = []
            else:
                report = await web.poller.round(store, only_due=False)
                outcomes, failed, problems = report.added, report.failed, report.problems
                print(f"feeds: {len(report.polled)} polled, {len(report.added)} added, {report.already} already there")
        finally:
            await web.close()
        added = [outcome for outcome in outcomes if outcome.status == "added"]
        if added:
            await load_corpus(store, settings.seeds_dir, settings.spacy_model)
        loaded = await loaded_articles(store, added)
    for line in outcome_lines(outcomes, loaded):
        print(line, file=sys.stderr if line.startswith("failed: ") else sys.stdout)
    if urls is None:
        for name, reason in failed:
            print(f"failed: {name}: {reason}", file=sys.stderr)
        for line in status_lines(web.poller):
            print(line)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return bool(failed or problems)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    return _with_store(settings, lambda store: _write_export(store, " ".join(args.query), args.csv))


async def _write_export(store: Store, query: str, as_csv: bool) -> int:
    from bot.search import Searcher
    from bot.search.export import csv_row, csv_writer, export_rows, json_line, query_ids

    ids: list[int] | None = None
    if query:
        found = await query_ids(Searcher(store), query)
        if found is None:
            print(f"scobot: nothing in the corpus matches {query!r}", file=sys.stderr)
            return 1
        ids = found[1]
    writer = csv_writer(sys.stdout) if as_csv else None
    async for row in export_rows(store, ids):
        if writer is not None:
            writer.writerow(csv_row(row))
        else:
            print(json_line(row))
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.corpus.evaluation import format_table, run_eval
    from bot.corpus.nlp import load_nlp

    if not (args.eval_dir / "score.py").is_file():
        print(f"scobot: no gold sets at {args.eval_dir} (expected score.py there)", file=sys.stderr)
        return 2
    print(format_table(run_eval(args.eval_dir, load_nlp(settings.spacy_model))))
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serving.local import ask

    return _with_store(settings, lambda store: ask(settings, store, args.message))


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serving.local import chat_loop

    return _with_store(settings, lambda store: chat_loop(settings, store))


def _with_store(settings: Settings, work: Callable[[Store], Awaitable[int]]) -> int:
    """`work` on the corpus, read-only; a missing, empty or unusable database is one line and status 1."""
    from bot.store import DatabaseUnavailable

    path = settings.database_path
    how_to_load = "load it with `make load` (or `.venv/bin/scobot load`), which reads SEEDS_DIR"
    if not path.is_file():
        print(f"scobot: there is no corpus at {path}: {how_to_load}", file=sys.stderr)
        return 1
    try:
        return asyncio.run(_read_store(settings, work, how_to_load))
    except DatabaseUnavailable as exc:
        print(f"scobot: {exc}", file=sys.stderr)
        return 1


async def _read_store(settings: Settings, work: Callable[[Store], Awaitable[int]], how_to_load: str) -> int:
    from bot.store import Store

    async with await Store.open(settings.database_path, query_only=True) as store:
        if not (await store.counts()).statements:
            print(f"scobot: the corpus at {settings.database_path} is empty: {how_to_load}", file=sys.stderr)
            return 1
        return await work(store)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.token:
        print("scobot: BOT_TOKEN is not set, so this is the local chat. Set BOT_TOKEN in .env for Telegram.\n")
        return _chat(args, settings)
    from bot.serving.runner import run_bot

    return run_bot(settings)


if __name__ == "__main__":
    raise SystemExit(main())
