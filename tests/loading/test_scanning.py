"""The scan's one-walk listing finds exactly the files the reader's `iter_article_paths` finds, in its order."""

from __future__ import annotations

import os
from pathlib import Path

from bot.corpus.reader import iter_article_paths
from bot.loading.scanning import article_files


def test_the_walk_lists_what_iter_article_paths_lists_in_the_same_order(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "nested" / "deeper").mkdir(parents=True)
    (seeds / "a-folder.txt").mkdir()  # a folder with an article's name: searched, not listed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "outside.txt").write_text("x")
    for name in ("b.txt", "a.txt", "A.txt", ".hidden.txt", "notes.TXT", "readme.md", "a-folder.txt/inner.txt"):
        (seeds / name).write_text("x")
    for name in ("nested/z.txt", "nested/deeper/a.txt", "nested.txt"):
        (seeds / name).write_text("x")
    (seeds / "link.txt").symlink_to(elsewhere / "outside.txt")
    (seeds / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (seeds / "linked-folder").symlink_to(elsewhere, target_is_directory=True)  # never followed
    (seeds / "folder-link.txt").symlink_to(elsewhere, target_is_directory=True)

    listed = list(article_files(seeds))
    assert [Path(path) for _, path, _ in listed] == list(iter_article_paths([seeds]))
    # Each is named by its path inside the folder, so files of one name in two folders are two documents.
    assert [name for name, _, _ in listed] == [p.relative_to(seeds).as_posix() for p in iter_article_paths([seeds])]
    by_name = {Path(path).relative_to(seeds).as_posix(): status for _, path, status in listed}
    assert by_name["link.txt"] is None and by_name["broken.txt"] is None  # links are never stat'ed
    status = by_name["nested/z.txt"]
    real = os.stat(seeds / "nested" / "z.txt")
    assert status == (1, real.st_mtime_ns, real.st_ctime_ns)


def test_a_missing_folder_is_listed_as_the_reader_lists_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert [Path(path) for _, path, _ in article_files(missing)] == list(iter_article_paths([missing]))
