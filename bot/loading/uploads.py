"""Articles that operators send: checked like any seed file, then written into `SEEDS_DIR` under a safe name.

An upload never replaces a different file unasked: `place_upload` says whether its name is free, taken by
the same bytes (nothing to do), or taken by other bytes (the operator chooses: replace, or keep both under
`free_name`). The download is streamed and stopped at the size cap, whatever size Telegram reported.
"""

from __future__ import annotations

import enum
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import httpx
from anyascii import anyascii

from bot.corpus.models import SkippedFile
from bot.corpus.reader import ARTICLE_SUFFIX, MAX_ARTICLE_BYTES, parse_article

_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
MAX_UPLOAD_NAME = 100
DOWNLOAD_TIMEOUT_SECONDS = 60.0
TOO_LARGE = f"That file is too large: the limit is {MAX_ARTICLE_BYTES:,} bytes."


class UploadRejected(ValueError):
    """An upload that cannot be an article; the message says why, for the operator."""


def check_upload_name(name: str) -> None:
    if not name.lower().endswith(ARTICLE_SUFFIX):
        raise UploadRejected(f"Please send articles as {ARTICLE_SUFFIX} files.")


def check_upload_size(size: int | None) -> None:
    """Before downloading: the size Telegram reports, when it reports one."""
    if size is not None and size > MAX_ARTICLE_BYTES:
        raise UploadRejected(TOO_LARGE)


async def download_capped(url: str) -> bytes:
    """The file at `url`, read in chunks and abandoned as soon as it passes `cap` bytes.

    A self-hosted Bot API server has no 20 MB limit and `file_size` may be missing or wrong, so the
    size is checked as the bytes arrive, never after. Errors never quote the URL: it holds the token.
    """
    cap = MAX_ARTICLE_BYTES
    if not url.startswith(("http://", "https://")):
        raise UploadRejected("The Bot API gave no download address for that file.")
    too_large = UploadRejected(TOO_LARGE)
    received = bytearray()
    try:
        async with (
            httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT_SECONDS, trust_env=True) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise UploadRejected(f"Telegram would not send the file (HTTP {response.status_code}).")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > cap:
                raise too_large
            async for chunk in response.aiter_bytes():
                received += chunk
                if len(received) > cap:
                    raise too_large
    except httpx.HTTPError as exc:
        raise UploadRejected(f"Downloading the file failed ({type(exc).__name__}); please send it again.") from None
    return bytes(received)


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


class Placement(enum.Enum):
    NEW = "new"  # nothing has the name
    IDENTICAL = "identical"  # a seed file already holds exactly these bytes
    DIFFERENT = "different"  # the name is taken by other bytes: the operator must choose


@dataclass(frozen=True, slots=True)
class UploadPlace:
    placement: Placement
    target: Path  # where the upload would be saved under its own name
    same_as: Path | None = None  # the file that already holds these bytes


def place_upload(seeds_dir: Path, name: str, content: bytes) -> UploadPlace:
    """Where an upload would go, and whether that (or any seed file) already holds it."""
    folder = seeds_dir.resolve()
    target = folder / safe_article_name(name)
    for existing in sorted(folder.rglob(f"*{ARTICLE_SUFFIX}")) if folder.is_dir() else []:
        if existing.is_file() and existing.stat().st_size == len(content) and existing.read_bytes() == content:
            return UploadPlace(Placement.IDENTICAL, target, existing)
    if target.exists() or target.is_symlink():
        return UploadPlace(Placement.DIFFERENT, target)
    return UploadPlace(Placement.NEW, target)


def free_name(seeds_dir: Path, name: str) -> str:
    """`name` with the first free "-2", "-3", … before its suffix: for keeping both files."""
    base = safe_article_name(name)
    stem = base[: -len(ARTICLE_SUFFIX)][: MAX_UPLOAD_NAME - len(ARTICLE_SUFFIX) - 6]
    folder = seeds_dir.resolve()
    number = 2
    while (folder / f"{stem}-{number}{ARTICLE_SUFFIX}").exists():
        number += 1
    return f"{stem}-{number}{ARTICLE_SUFFIX}"


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
