from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.corpus.identity import SpeakerDirectory
from bot.corpus.people import load_people, parse_people
from tests.conftest import SEEDS_DIR

HEADER = "name,aliases,roles,source\n"


def test_the_shipped_people_file_is_valid_and_cites_a_source_per_row() -> None:
    people, problems = load_people(SEEDS_DIR / "people.csv")
    assert problems == []
    assert len(people) >= 20
    lavrov = next(p for p in people if p.name == "Sergey Lavrov")
    assert {"Сергей Лавров", "拉夫罗夫", "Sergei Lavrov"} <= set(lavrov.aliases)
    assert lavrov.roles[0].since == date(2004, 3, 9) and lavrov.roles[0].until is None
    assert all(p.source.startswith("https://") for p in people)


def test_bad_rows_are_reported_by_line_and_skipped() -> None:
    lines = [
        "# a comment\n",
        HEADER,
        "Ann Lee,Энн Ли,Mayor@2020-01-01/,https://example.org/ann\n",
        ",nobody,,https://example.org/x\n",
        "Bo Chen,,Mayor@2020-13-01/,https://example.org/bo\n",
        "Cy Dee,,Mayor,https://example.org/cy\n",
        "Di Eel,,,not a url\n",
        "Ed Fay,Ann Lee,,https://example.org/ed\n",
    ]
    people, problems = parse_people(lines)
    assert [p.name for p in people] == ["Ann Lee"]
    assert [problem.split(":")[1] for problem in problems] == ["4", "5", "6", "7", "8"]
    assert "the name is empty" in problems[0] and "source must be an http(s) URL" in problems[3]
    assert "already a name of Ann Lee" in problems[4]


def test_a_header_that_is_not_the_expected_one_stops_the_file(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("who,what\nAnn Lee,x\n", encoding="utf-8")
    people, problems = load_people(tmp_path / "people.csv")
    assert people == [] and problems == ["people.csv:1: the header must be name,aliases,roles,source"]


def test_any_name_of_a_known_person_resolves_to_them() -> None:
    directory = SpeakerDirectory(people=[("Sergey Lavrov", ("Сергей Лавров", "拉夫罗夫"))])
    first = directory.resolve("Сергей Лавров", "person")
    assert directory.resolve("Sergei Lavrov", "organization") is first
    assert directory.resolve("拉夫罗夫", "person") is first
    directory.settle_names()
    assert first.name == "Sergey Lavrov"


async def test_a_load_reports_the_people_files_bad_rows(tmp_path: Path) -> None:
    from bot.loading import load_corpus
    from bot.store import Store

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "people.csv").write_text(HEADER + "Ann Lee,,,https://example.org/ann\nBo Chen,,,nowhere\n", "utf-8")
    async with await Store.open(tmp_path / "scobot.db") as store:
        report = await load_corpus(store, seeds, "unused-model")
    assert report.problems == ["people.csv:3: the source must be an http(s) URL, not 'nowhere'"]
