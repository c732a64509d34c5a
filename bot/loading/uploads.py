"""Articles that operators send: checked like any seed file, then written into `SEEDS_DIR` under a safe name."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from anyascii import anyascii

from bot.corpus.models import SkippedFile
from bot.corpus.reader import ARTICLE_SUFFIX, MAX_ARTICLE_BYTES, parse_article

_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
MAX_UPLOAD_NAME = 100


class UploadRejected(ValueError):
    """An upload that cannot be an article; the message says why, for the operator."""


def check_upload_name(name: str) -> None:
    if not name.lower().endswith(ARTICLE_SUFFIX):
        raise UploadRejected(f"Please send articles as {ARTICLE_SUFFIX} files.")


def check_upload_size(size: int | None) -> None:
    """Before downloading: the size Telegram reports, when it reports one."""
    if size is not None and size > MAX_ARTICLE_BYTES:
        raise UploadRejected(f"That file is too large: the limit is {MAX_ARTICLE_BYTES:,} bytes.")


def check_upload(name: str, content: bytes) -> None:
    """The downloaded bytes: a file the reader would skip is refused now, with the reader's reason."""
    if len(content) > MAX_ARTICLE_BYTES:
        raise UploadRejected("That file is not a usable article: too large.")
    checked = parse_article(name, content)
    if isinstance(checked, SkippedFile):
        raise UploadRejected(f"That file is not a usable article: {checked.reason}.")


def safe_article_name(name: str) -> str:
    """A plain file name for an uploaded article: no folders, no hidden files, only safe characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    stem = base[: -len(ARTICLE_SUFFIX)] if base.lower().endswith(ARTICLE_SUFFIX) else base
    # Transliterate first, so "Норов.txt" is saved as "Norov.txt" rather than losing every letter.
    stem = _UNSAFE_NAME_CHARACTERS.sub("_", anyascii(stem)).strip("._-")[: MAX_UPLOAD_NAME - len(ARTICLE_SUFFIX)]
    # A name with nothing usable left still gets its own file: the digest differs with the name.
    return f"{stem or 'upload-' + hashlib.blake2s(name.encode(), digest_size=4).hexdigest()}{ARTICLE_SUFFIX}"


def save_upload(seeds_dir: Path, name: str, content: bytes) -> Path:
    """Write an uploaded article into `seeds_dir` under a safe name, atomically; never outside it."""
    folder = seeds_dir.resolve()
    target = folder / safe_article_name(name)
    if target.parent != folder:
        raise ValueError(f"refusing to write outside {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    # O_NOFOLLOW | O_EXCL: a link planted at the temporary path cannot redirect the write elsewhere.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
