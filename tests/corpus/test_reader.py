from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot.corpus.models import Article, SkippedFile
from bot.corpus.reader import MAX_ARTICLE_BYTES, parse_article, read_article, read_articles, split_dateline

WELL_FORMED = (
    " date 2024-07-04 ASTANA, July 4. /TASS/. The leaders met in the capital, an official said.\n\n"
    '"We agreed on a lot," the official added.\n'
)


def article(raw: str | bytes, name: str = "a.txt") -> Article:
    result = parse_article(name, raw.encode() if isinstance(raw, str) else raw)
    assert isinstance(result, Article), result
    return result


def skipped(raw: bytes, name: str = "bad.txt") -> SkippedFile:
    result = parse_article(name, raw)
    assert isinstance(result, SkippedFile), result
    return result


def test_header_dateline_and_paragraphs() -> None:
    parsed = article(WELL_FORMED)
    assert parsed.date == date(2024, 7, 4)
    assert (parsed.place, parsed.outlet) == ("Astana", "TASS")
    assert parsed.paragraphs == (
        "The leaders met in the capital, an official said.",
        '"We agreed on a lot," the official added.',
    )
    assert len(parsed.content_hash) == 64


def test_bom_and_crlf_read_like_plain_text() -> None:
    plain = article(WELL_FORMED)
    windows = article(b"\xef\xbb\xbf" + WELL_FORMED.replace("\n", "\r\n").encode())
    assert windows.paragraphs == plain.paragraphs
    assert windows.date == plain.date


def test_curly_quotes_survive() -> None:
    parsed = article(" date 2024-01-01 “We will,” she said. It’s done.")
    assert parsed.paragraphs == ("“We will,” she said. It’s done.",)


def test_missing_header_means_unknown_date() -> None:
    parsed = article("Just an article.\n\nWith two paragraphs.")
    assert parsed.date is None
    assert len(parsed.paragraphs) == 2


def test_extra_blank_lines_and_whitespace_are_collapsed() -> None:
    parsed = article(" date 2024-01-01 One.\n\n\n\n  Two   words.  \n \n")
    assert parsed.paragraphs == ("One.", "Two words.")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b" date 2024-01-01 \n\n  \n", "empty"),
        (b"\x00\x01binary\x00", "binary"),
        (b" date 2024-01-01 caf\xe9", "UTF-8"),
        (b" date 2023-02-30 Text.", "impossible date"),
        (b" date yesterday Text.", "YYYY-MM-DD"),
    ],
)
def test_unusable_files_are_named_with_a_reason(raw: bytes, reason: str) -> None:
    assert reason in skipped(raw).reason


@pytest.mark.parametrize(
    ("first_paragraph", "place", "outlet", "rest"),
    [
        ("BEIJING, December 21. /TASS/. The bloc grew.", "Beijing", "TASS", "The bloc grew."),
        ("ASTANA, May 21 (Xinhua) -- Leaders met.", "Astana", "Xinhua", "Leaders met."),
        ("Kabul [Afghanistan] September 17 (ANI): Leaders met.", "Kabul", "ANI", "Leaders met."),
        ("ASTANA. KAZINFORM - Leaders met.", "Astana", "Kazinform", "Leaders met."),
        ("NEW DELHI — Leaders met.", "New Delhi", None, "Leaders met."),
        ("ASTANA, Kazakhstan, March 4. Leaders met.", "Astana", None, "Leaders met."),
        ("MOSCOW. KAZINFORM The regular meeting opened.", "Moscow", "Kazinform", "The regular meeting opened."),
        ("Baku, July 16, AZERTAC The talks began.", "Baku", "Azertac", "The talks began."),
        ("Tashkent, 3 May, UzA. Leaders met.", "Tashkent", "UzA", "Leaders met."),
        ("5 July 2005 (RFE/RL) -- Leaders met.", None, "Rfe/Rl", "Leaders met."),
        ("NEW DELHI: On a day of talks, leaders met.", "New Delhi", None, "On a day of talks, leaders met."),
        ("Qingdao: Leaders met.", "Qingdao", None, "Leaders met."),
        ("Note: This story was updated.", None, None, "Note: This story was updated."),
        (
            "Prime Minister Modi on Tuesday (July 4) hosted.",
            None,
            None,
            "Prime Minister Modi on Tuesday (July 4) hosted.",
        ),
    ],
)
def test_datelines(first_paragraph: str, place: str | None, outlet: str | None, rest: str) -> None:
    assert split_dateline(first_paragraph) == (place, outlet, rest)


def test_reporter_credit_names_the_outlet_and_keeps_the_sentence() -> None:
    parsed = article(" date 2023-05-23 According to Daily Planet reporter in Metropolis, the mayor said yes.")
    assert (parsed.outlet, parsed.place) == ("Daily Planet", "Metropolis")
    assert parsed.paragraphs[0].startswith("According to Daily Planet reporter")


def test_oversized_and_symlinked_files_are_skipped(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_ARTICLE_BYTES + 1)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text(" date 2024-01-01 Secret.")
    link = tmp_path / "link.txt"
    os.symlink(outside, link)
    assert "too large" in read_article(big).reason  # type: ignore[union-attr]
    assert "symbolic link" in read_article(link).reason  # type: ignore[union-attr]


def test_one_bad_file_never_stops_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(WELL_FORMED)
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00junk")
    (tmp_path / "notes.md").write_text("not an article")
    nested = tmp_path / "more"
    nested.mkdir()
    (nested / "also-good.txt").write_text("No header, still fine.")
    articles, problems = read_articles([tmp_path])
    assert sorted(a.name for a in articles) == ["also-good.txt", "good.txt"]
    assert [p.name for p in problems] == ["bad.txt"]


def test_paragraph_at_maps_offsets_to_paragraphs() -> None:
    parsed = article(" date 2024-01-01 First one.\n\nSecond.\n\nThird.")
    text = parsed.text
    assert parsed.paragraph_at(text.index("First")) == 0
    assert parsed.paragraph_at(text.index("Second")) == 1
    assert parsed.paragraph_at(text.index("Third")) == 2
