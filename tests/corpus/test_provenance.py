"""SEEDS_DIR/sources.csv: operators' edits survive, bad rows are named and left out, no file is no sources."""

from __future__ import annotations

from pathlib import Path

from bot.corpus.provenance import SOURCES_FILE, Source, add_source, read_sources


def test_no_file_is_no_sources(tmp_path: Path) -> None:
    assert read_sources(tmp_path / SOURCES_FILE) == ([], [])


def test_rows_are_read_and_bad_ones_named(tmp_path: Path) -> None:
    path = tmp_path / SOURCES_FILE
    path.write_text(
        "file,url,title,outlet,fetched\n"
        "a.txt,https://example.org/a,Title A,Example Wire,2026-12-01T10:00:00+00:00\n"
        "b.txt,,Title B,,\n"
        "c.txt,javascript:alert(1),C,,\n"
        "a.txt,https://example.org/again,,,\n"
        "d.txt,https://example.org/d,,,\n"
    )
    sources, problems = read_sources(path)
    assert sources == [
        Source("a.txt", "https://example.org/a", "Title A", "Example Wire", "2026-12-01T10:00:00+00:00"),
        Source("d.txt", "https://example.org/d"),
    ]
    assert problems == [
        "sources.csv line 3: needs both a file and a url",
        "sources.csv line 4: url 'javascript:alert(1)' is not an http(s) address",
        "sources.csv line 5: a.txt is listed twice; the first row counts",
    ]


def test_a_file_without_the_header_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / SOURCES_FILE
    path.write_text("a.txt,https://example.org/a\n")
    assert read_sources(path) == ([], ["sources.csv: the header must name the columns file,url,title,outlet,fetched"])


def test_adding_keeps_every_other_row_and_replaces_its_own(tmp_path: Path) -> None:
    path = tmp_path / SOURCES_FILE
    add_source(path, Source("a.txt", "https://example.org/a", 'A "quoted", title', None, None))
    add_source(path, Source("b.txt", "https://example.org/b", "B", "Wire", "2026-12-01T10:00:00+00:00"))
    add_source(path, Source("a.txt", "https://example.org/a2", "A again"))
    sources, problems = read_sources(path)
    assert problems == []
    assert [(s.file, s.url, s.title) for s in sources] == [
        ("b.txt", "https://example.org/b", "B"),
        ("a.txt", "https://example.org/a2", "A again"),
    ]
    assert not list(tmp_path.glob(".*partial"))
