"""The SCO membership file: the shipped facts, and how an operator's mistakes are reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.corpus.members import MembershipEvent, current_status, load_members

SHIPPED = Path(__file__).resolve().parents[2] / "seeds" / "members.csv"
HEADER = "country,iso2,status,since,until,source,note\n"
URL = "https://en.wikipedia.org/wiki/Shanghai_Cooperation_Organisation"


@pytest.fixture(scope="module")
def shipped() -> list[MembershipEvent]:
    events, problems = load_members(SHIPPED)
    assert problems == []
    return events


def _held(events: list[MembershipEvent], country: str) -> list[tuple[str, date, date | None]]:
    return [(e.status, e.since, e.until) for e in events if e.country == country]


def test_founding_members(shipped: list[MembershipEvent]) -> None:
    founded = date(2001, 6, 15)
    for country in ("China", "Russia", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan"):
        assert _held(shipped, country) == [("member", founded, None)]


def test_later_members_were_observers_first(shipped: list[MembershipEvent]) -> None:
    for country in ("India", "Pakistan"):
        assert _held(shipped, country) == [
            ("observer", date(2005, 7, 5), date(2017, 6, 9)),
            ("member", date(2017, 6, 9), None),
        ]
    assert _held(shipped, "Iran") == [
        ("observer", date(2005, 7, 5), date(2023, 7, 4)),
        ("member", date(2023, 7, 4), None),
    ]
    assert _held(shipped, "Belarus") == [
        ("dialogue_partner", date(2009, 6, 16), date(2015, 7, 10)),
        ("observer", date(2015, 7, 10), date(2024, 7, 4)),
        ("member", date(2024, 7, 4), None),
    ]


def test_observers_and_dialogue_partners(shipped: list[MembershipEvent]) -> None:
    assert _held(shipped, "Mongolia") == [("observer", date(2004, 6, 17), None)]
    assert _held(shipped, "Afghanistan") == [("observer", date(2012, 6, 7), None)]
    assert _held(shipped, "Sri Lanka") == [("dialogue_partner", date(2009, 6, 16), None)]
    assert _held(shipped, "Turkey") == [("dialogue_partner", date(2012, 6, 7), None)]
    for country in ("Armenia", "Azerbaijan", "Cambodia", "Nepal"):
        assert _held(shipped, country) == [("dialogue_partner", date(2015, 7, 10), None)]
    for country in (
        "Egypt",
        "Qatar",
        "Saudi Arabia",
        "Kuwait",
        "Maldives",
        "Myanmar",
        "United Arab Emirates",
        "Bahrain",
        "Laos",
    ):
        [(status, since, until)] = _held(shipped, country)
        assert status == "dialogue_partner" and until is None
        assert date(2022, 1, 1) <= since <= date(2025, 9, 1)


def test_every_row_cites_a_source(shipped: list[MembershipEvent]) -> None:
    assert all(event.source.startswith(("http://", "https://")) for event in shipped)


def test_roster_today(shipped: list[MembershipEvent]) -> None:
    roster = current_status(shipped, on=date(2025, 10, 1))
    members = [country for country, (status, _) in roster.items() if status == "member"]
    assert sorted(members) == sorted(
        [
            "China",
            "Russia",
            "Kazakhstan",
            "Kyrgyzstan",
            "Tajikistan",
            "Uzbekistan",
            "India",
            "Pakistan",
            "Iran",
            "Belarus",
        ]
    )
    assert roster["Belarus"] == ("member", date(2024, 7, 4))
    assert roster["Mongolia"] == ("observer", date(2004, 6, 17))
    assert roster["Laos"] == ("dialogue_partner", date(2025, 9, 1))
    statuses = [status for status, _ in roster.values()]
    assert statuses == sorted(statuses, key=["member", "observer", "dialogue_partner"].index)


def test_roster_in_the_past(shipped: list[MembershipEvent]) -> None:
    roster = current_status(shipped, on=date(2016, 1, 1))
    assert roster["India"] == ("observer", date(2005, 7, 5))
    assert roster["Belarus"] == ("observer", date(2015, 7, 10))
    assert "Egypt" not in roster
    # A status ends the day the next one starts.
    assert current_status(shipped, on=date(2017, 6, 9))["India"] == ("member", date(2017, 6, 9))
    assert current_status(shipped, on=date(2017, 6, 8))["India"] == ("observer", date(2005, 7, 5))


def test_bad_rows_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(
        HEADER
        + f"China,CN,member,2001-06-15,,{URL},\n"  # line 2
        + f"Russia,RU,memebr,2001-06-15,,{URL},\n"  # line 3
        + f"India,IN,member,2017-6-9,,{URL},\n"  # line 4
        + "Pakistan,PK,member,2017-06-09,,,\n"  # line 5
        + "\n"  # line 6
        + "# operators may leave comments\n"  # line 7
        + f"Mongolia,MN,observer,2004-06-17,,{URL},first observer\n"  # line 8
        + f"Iran,IR,observer,2005-07-05,2005-01-01,{URL},\n"  # line 9
        + f"Atlantis,XX,member,2001-06-15,,{URL},\n"  # line 10
        + f"Kazakhstan,KG,member,2001-06-15,,{URL},\n"  # line 11
        + f"Nepal,NP,dialogue_partner,2015-02-30,,{URL},\n"  # line 12
        + "Egypt,EG,dialogue_partner,2022-09-14,,wikipedia,\n",  # line 13
        encoding="utf-8",
    )
    events, problems = load_members(path)
    assert [(e.country, e.note) for e in events] == [("China", ""), ("Mongolia", "first observer")]
    assert "members.csv:3: unknown status 'memebr' (expected member, observer, dialogue_partner)" in problems
    assert "members.csv:4: bad since date '2017-6-9' (expected YYYY-MM-DD)" in problems
    assert "members.csv:5: missing source" in problems
    assert "members.csv:9: until 2005-01-01 is not after since 2005-07-05" in problems
    assert "members.csv:10: unknown iso2 code 'XX'" in problems
    assert "members.csv:11: country 'Kazakhstan' does not match iso2 'KG' (Kyrgyzstan)" in problems
    assert "members.csv:12: impossible since date '2015-02-30'" in problems
    assert "members.csv:13: source 'wikipedia' is not an http(s) URL" in problems
    assert len(problems) == 8


def test_country_names_are_made_canonical(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(HEADER + f"Türkiye,tr,dialogue_partner,2012-06-07,,{URL},\n", encoding="utf-8")
    events, problems = load_members(path)
    assert problems == []
    assert events[0].country == "Turkey" and events[0].iso2 == "TR"


def test_overlapping_statuses_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(
        HEADER + f"India,IN,observer,2005-07-05,,{URL},\n" + f"India,IN,member,2017-06-09,,{URL},\n",
        encoding="utf-8",
    )
    events, problems = load_members(path)
    assert len(events) == 2
    assert problems == ["members.csv:3: India member from 2017-06-09 overlaps line 2 (observer from 2005-07-05)"]


def test_note_column_is_optional_and_header_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(f"country,iso2,status,since,until,source\nChina,CN,member,2001-06-15,,{URL}\n")
    events, problems = load_members(path)
    assert problems == [] and events[0].note == ""

    path.write_text(f"country,iso2,status,since,source\nChina,CN,member,2001-06-15,{URL}\n")
    events, problems = load_members(path)
    assert events == []
    assert problems == ["members.csv:1: header lacks column(s) until; expected country,iso2,status,since,until,source"]


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    assert load_members(tmp_path / "members.csv") == ([], ["members.csv: unreadable (No such file or directory)"])
    path = tmp_path / "members.csv"
    path.write_text("")
    assert load_members(path) == ([], ["members.csv: empty (no header row)"])
