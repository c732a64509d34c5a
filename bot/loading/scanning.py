"""Which article files changed since the last load: every file is stat'ed, and hashed only if its stat moved.

The content hash stays the truth of "changed": a file whose size and times are those recorded when its
bytes were last hashed is taken as unchanged without reading it; any other file is hashed, and a touched
file with the same bytes is still unchanged. Hashing the 33,664 files of a big corpus costs seconds;
stat'ing them costs a few hundred milliseconds.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.corpus.models import Article, SkippedFile
from bot.corpus.reader import ARTICLE_SUFFIX, article_warnings, iter_article_paths, read_article
from bot.store import FileStat, KnownDocument

# A file changed this recently (or dated in the future) may change again within the same timestamp tick
# after it was hashed, leaving its stat as recorded: its stat is not recorded, so the next load hashes it.
# Two seconds covers the coarsest timestamps in use (FAT) and small clock differences on network mounts.
RACY_NS = 2_000_000_000


@dataclass(slots=True)
class Scan:
    to_parse: list[Article] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    # The stats to record once the load is in, by document name: files newly hashed or parsed.
    files: dict[str, FileStat] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return [warning for article in self.to_parse for warning in article_warnings(article)]


def scan(seeds_dir: Path, known: dict[str, KnownDocument]) -> Scan:
    """Sort the article files under `seeds_dir` into unchanged, to parse, and skipped."""
    trusted_before = time.time_ns() - RACY_NS
    found = Scan()
    for name, location, current in article_files(seeds_dir):
        digest, recorded = known.get(name, (None, None))
        if current is not None and recorded == current:
            found.unchanged.append(name)
            continue
        # The stat is taken before the bytes are read: if they change in between, the next load sees a
        # newer stat than the one recorded and hashes the file again.
        path = Path(location)
        if digest is not None and _same_bytes(path, digest):
            found.unchanged.append(name)
        else:
            result = read_article(path, name)
            if isinstance(result, SkippedFile):
                found.skipped.append(result)
                continue
            if result.content_hash == digest:
                found.unchanged.append(name)
            else:
                found.to_parse.append(result)
        if current is not None and max(current[1:]) < trusted_before:  # settled: see RACY_NS
            found.files[name] = current
    return found


def article_files(seeds_dir: Path) -> Iterator[tuple[str, str, FileStat | None]]:
    """The files `iter_article_paths([seeds_dir])` gives, in its order: each one's name, path and stat.

    A document's name is its path inside `seeds_dir` ("tass/2024-07-04.txt"), so two outlets' files of
    the same name in different folders are two documents; a file at the top is named by its file name.

    The stat is None for a symbolic link (never read as an article). One walk of `os.listdir` and
    `os.lstat`, making no object that outlives its file, costs a fraction of `Path.rglob`, `Path.is_file`
    and sorting `Path`s, which is most of a scan once few files need hashing.
    """
    if seeds_dir.is_dir():
        yield from _walk(str(seeds_dir), "")
    else:
        yield from ((path.name, str(path), None) for path in iter_article_paths([seeds_dir]))


def _walk(folder: str, inside: str) -> Iterator[tuple[str, str, FileStat | None]]:
    # `Path`s compare part by part, so in their sorted order each folder's entries come by name, and a
    # subfolder's files where the subfolder's name falls: sorting each folder as it is walked is enough.
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return  # as rglob does: a folder that cannot be listed holds no articles
    prefix = os.path.join(folder, "")
    for name in names:
        path = prefix + name
        try:
            status = os.lstat(path)
        except OSError:
            continue  # gone since the listing: neither a file nor a link now
        if stat.S_ISDIR(status.st_mode):
            yield from _walk(path, f"{inside}{name}/")  # a real folder; rglob never descends through a link
        elif name.endswith(ARTICLE_SUFFIX):
            if stat.S_ISREG(status.st_mode):
                yield inside + name, path, (status.st_size, status.st_mtime_ns, status.st_ctime_ns)
            elif stat.S_ISLNK(status.st_mode):
                yield inside + name, path, None  # listed, never stat'ed or read: the reader refuses links


def _same_bytes(path: Path, digest: str) -> bool:
    """True when the file's bytes are those already loaded under its name, judged by their hash alone.

    Reading and splitting an article costs far more than hashing it; a file whose hash the store already
    has was read and accepted before, so only its bytes need hashing (as `Article.content_hash` does).
    """
    if path.is_symlink():
        return False
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False
