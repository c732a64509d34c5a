"""Loads against a real SQLite file and the real model: incremental, atomic, and forgiving of bad files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.corpus.nlp import DEFAULT_MODEL
from bot.loading import LoadProgress, load_corpus, scanning
from bot.loading import load as loading
from bot.store import Store


def write(folder: Path, name: str, speaker: str, claim: str) -> None:
    (folder / name).write_text(f" date 2024-01-0{len(name) % 9 + 1} {speaker} said that {claim}.\n")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    write(folder, "a.txt", "Foreign Minister Ann Lee", "the bloc will grow next year")
    write(folder, "b.txt", "Ambassador Bo Chen", "trade with Kazakhstan doubled")
    return folder


async def speakers(store: Store) -> set[str]:
    return {s.name for s in await store.speaker_names()}


async def test_a_first_load_then_changes_are_applied_incrementally(store: Store, seeds: Path) -> None:
    updates: list[LoadProgress] = []
    first = await load_corpus(store, seeds, DEFAULT_MODEL, progress=updates.append)
    assert (first.added, first.changed, first.removed) == (["a.txt", "b.txt"], [], [])
    assert await speakers(store) == {"Ann Lee", "Bo Chen"}
    assert [u.stage for u in updates] == ["scanning", "parsing", "parsing", "swapping"]

    write(seeds, "b.txt", "Ambassador Cy Dunn", "energy prices will fall")
    (seeds / "a.txt").unlink()
    write(seeds, "c.txt", "Minister Ed Fox", "security talks went well")
    (seeds / "bad.txt").write_bytes(b"\xff\xfe\xfa")
    second = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert (second.added, second.changed, second.removed, second.unchanged) == (["c.txt"], ["b.txt"], ["a.txt"], [])
    assert [s.name for s in second.skipped] == ["bad.txt"]
    assert await speakers(store) == {"Cy Dunn", "Ed Fox"}
    assert second.before and second.after and second.before.statements == second.after.statements == 2

    third = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert third.unchanged == ["b.txt", "c.txt"] and not third.added and not third.changed


async def test_two_outlets_files_of_the_same_name_are_two_documents(store: Store, seeds: Path) -> None:
    for outlet, speaker in (("tass", "Foreign Minister Di Gao"), ("xinhua", "Ambassador Ed Fox")):
        (seeds / outlet).mkdir()
        write(seeds / outlet, "2024-07-04.txt", speaker, "the summit went well")
    first = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert sorted(first.added) == ["a.txt", "b.txt", "tass/2024-07-04.txt", "xinhua/2024-07-04.txt"]
    assert (await store.counts()).documents == 4
    # Each load used to swap one for the other; now nothing changes until a file does.
    again = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert not again.added and not again.changed and not again.removed
    assert len(again.unchanged) == 4
    assert await speakers(store) == {"Ann Lee", "Bo Chen", "Di Gao", "Ed Fox"}
    (seeds / "xinhua" / "2024-07-04.txt").unlink()
    third = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert third.removed == ["xinhua/2024-07-04.txt"]
    assert await speakers(store) == {"Ann Lee", "Bo Chen", "Di Gao"}


async def test_a_load_that_fails_midway_leaves_the_old_corpus(
    store: Store, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await load_corpus(store, seeds, DEFAULT_MODEL)
    version = await store.corpus_version()
    write(seeds, "b.txt", "Ambassador Cy Dunn", "energy prices will fall")

    def broken_parse(*args: object) -> object:
        raise RuntimeError("the parser died")

    monkeypatch.setattr(loading, "parse_batch", broken_parse)
    with pytest.raises(RuntimeError, match="the parser died"):
        await load_corpus(store, seeds, DEFAULT_MODEL)
    assert await speakers(store) == {"Ann Lee", "Bo Chen"}
    assert await store.corpus_version() == version
    assert await store.integrity_check() == "ok"


async def test_reference_files_load_and_an_invalid_row_keeps_the_old_data(store: Store, seeds: Path) -> None:
    (seeds / "members.csv").write_text(
        "country,iso2,status,since,until,source\nChina,CN,member,2001-06-15,,https://example.org/a\n"
    )
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert report.problems == []
    assert [e.country for e in await store.membership()] == ["China"]
    (seeds / "members.csv").write_text(
        "country,iso2,status,since,until,source\nIndia,IN,memebr,2017-06-09,,https://example.org/b\n"
    )
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert len(report.problems) == 1 and report.problems[0].startswith("members.csv:2:")
    assert [e.country for e in await store.membership()] == ["China"]


async def test_a_changed_taxonomy_retags_every_statement(store: Store, seeds: Path) -> None:
    (seeds / "topics.toml").write_text('[[topic]]\nname = "Growth"\nkeywords = ["grow"]\n')
    await load_corpus(store, seeds, DEFAULT_MODEL)
    assert [(t.name, t.count) for t in await store.topic_counts()] == [("Growth", 1)]
    (seeds / "topics.toml").write_text('[[topic]]\nname = "Trade"\nkeywords = ["trade"]\n')
    await load_corpus(store, seeds, DEFAULT_MODEL)
    assert [(t.name, t.count) for t in await store.topic_counts()] == [("Trade", 1)]


async def test_files_already_loaded_are_only_hashed_not_read_again(
    store: Store, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await load_corpus(store, seeds, DEFAULT_MODEL)
    read: list[str] = []
    original = scanning.read_article

    def counting(path: Path, name: str | None = None) -> object:
        read.append(path.name)
        return original(path, name)

    monkeypatch.setattr(scanning, "read_article", counting)
    write(seeds, "b.txt", "Ambassador Bo Chen", "trade with Kazakhstan tripled")
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert (report.unchanged, report.changed) == (["a.txt"], ["b.txt"])
    assert read == ["b.txt"]


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files each load hashes; files count as settled (not racy) the moment they are written."""
    monkeypatch.setattr(scanning, "RACY_NS", 0)
    names: list[str] = []
    original = scanning._same_bytes

    def counting(path: Path, digest: str) -> bool:
        names.append(path.name)
        return original(path, digest)

    monkeypatch.setattr(scanning, "_same_bytes", counting)
    return names


async def test_only_files_whose_stat_moved_are_hashed_and_a_touched_file_stays_unchanged(
    store: Store, seeds: Path, hashed: list[str]
) -> None:
    await load_corpus(store, seeds, DEFAULT_MODEL)
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert (report.unchanged, hashed) == (["a.txt", "b.txt"], [])

    write(seeds, "b.txt", "Ambassador Bo Chen", "trade with Kazakhstan tripled")
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert (report.changed, hashed) == (["b.txt"], ["b.txt"])

    hashed.clear()
    os.utime(seeds / "a.txt")  # touched, not changed: the hash says so, and the new stat is recorded
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert (report.unchanged, report.changed, hashed) == (["a.txt", "b.txt"], [], ["a.txt"])
    hashed.clear()
    await load_corpus(store, seeds, DEFAULT_MODEL)
    assert hashed == []


async def test_new_bytes_behind_the_same_size_and_mtime_are_still_seen(
    store: Store, seeds: Path, hashed: list[str]
) -> None:
    await load_corpus(store, seeds, DEFAULT_MODEL)
    path = seeds / "b.txt"
    before = path.stat()
    path.write_text(path.read_text().replace("doubled", "tripled"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or `rsync -t` leave a file
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert report.changed == ["b.txt"]


async def test_a_file_written_moments_before_a_load_is_hashed_again_by_the_next(store: Store, seeds: Path) -> None:
    # Within the timestamp granularity it could change again after being hashed, leaving its stat as it was.
    await load_corpus(store, seeds, DEFAULT_MODEL)
    assert {file for _, file in (await store.known_documents()).values()} == {None}
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert report.unchanged == ["a.txt", "b.txt"]


async def test_a_failed_load_records_no_file_stats(
    store: Store, seeds: Path, hashed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await load_corpus(store, seeds, DEFAULT_MODEL)
    write(seeds, "b.txt", "Ambassador Cy Dunn", "energy prices will fall")
    recorded = (await store.known_documents())["b.txt"][1]

    def broken_parse(*args: object) -> object:
        raise RuntimeError("the parser died")

    with monkeypatch.context() as patch, pytest.raises(RuntimeError):
        patch.setattr(loading, "parse_batch", broken_parse)
        await load_corpus(store, seeds, DEFAULT_MODEL)
    assert (await store.known_documents())["b.txt"][1] == recorded
    report = await load_corpus(store, seeds, DEFAULT_MODEL)
    assert report.changed == ["b.txt"]
