"""The topic taxonomy: loading an operator's TOML, reporting its mistakes, tagging text."""

from __future__ import annotations

from pathlib import Path

from bot.corpus.topics import Taxonomy, Topic, load_taxonomy

SHIPPED = Path(__file__).resolve().parents[2] / "seeds" / "topics.toml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _taxonomy(**topics: list[str]) -> Taxonomy:
    return Taxonomy(Topic(name, "", tuple(keywords)) for name, keywords in topics.items())


def test_shipped_taxonomy_loads_cleanly() -> None:
    taxonomy, problems = load_taxonomy(SHIPPED)
    assert problems == []
    assert 15 <= len(taxonomy) <= 20
    assert "Security & terrorism" in taxonomy.names
    assert all(keywords for keywords in taxonomy.keywords.values())


def test_shipped_taxonomy_tags_typical_statements() -> None:
    taxonomy, _ = load_taxonomy(SHIPPED)
    assert taxonomy.topics_for("We will fight terrorists, separatists and extremists together.") == [
        "Security & terrorism"
    ]
    assert "Finance & national currencies" in taxonomy.topics_for(
        "Members are moving to settlements in national currencies."
    )
    assert taxonomy.topics_for("The sides oppose interference in the internal affairs of states.") == [
        "Sovereignty & non-interference"
    ]
    assert taxonomy.topics_for("Iran became a full member at the summit.") == [
        "Expansion & membership",
        "Summits & diplomacy",
    ]


def test_inflections_match() -> None:
    taxonomy = _taxonomy(Security=["terrorism"], Sanctions=["sanction"], Trade=["trade"], Drills=["military exercise"])
    assert taxonomy.topics_for("a terrorist attack") == ["Security"]
    assert taxonomy.topics_for("Terrorists were caught") == ["Security"]
    assert taxonomy.topics_for("new sanctions") == ["Sanctions"]
    assert taxonomy.topics_for("firms sanctioned by the West") == ["Sanctions"]
    assert taxonomy.topics_for("trading in yuan") == ["Trade"]
    assert taxonomy.topics_for("two military exercises") == ["Drills"]


def test_a_plural_keyword_also_matches_its_singular() -> None:
    taxonomy = _taxonomy(Sanctions=["sanctions"], Economy=["economies"])
    assert taxonomy.topics_for("one sanction") == ["Sanctions"]
    assert taxonomy.topics_for("the economy") == ["Economy"]


def test_whole_words_only_and_no_stem_drift() -> None:
    taxonomy = _taxonomy(Trade=["trade"], Energy=["oil"])
    assert taxonomy.topics_for("a long tradition of turmoil") == []


def test_case_insensitive_but_acronyms_need_capitals() -> None:
    taxonomy = _taxonomy(Security=["RATS", "Terrorism"])
    assert taxonomy.topics_for("TERRORISM and terrorism") == ["Security"]
    assert taxonomy.topics_for("rats in the barn") == []
    assert taxonomy.topics_for("the RATS executive committee") == ["Security"]


def test_longest_keyword_wins_and_topics_come_in_taxonomy_order() -> None:
    taxonomy = _taxonomy(Security=["security"], Energy=["energy security"], Trade=["trade"])
    assert taxonomy.topics_for("energy security") == ["Energy"]
    assert taxonomy.topics_for("trade and security") == ["Security", "Trade"]


def test_keywords_for_search() -> None:
    taxonomy = _taxonomy(Energy=["oil", "gas"])
    assert taxonomy.keywords == {"Energy": ["oil", "gas"]}


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    taxonomy, problems = load_taxonomy(_write(tmp_path, '[[topic]]\nname = "Energy\n'))
    assert len(taxonomy) == 0
    assert len(problems) == 1
    assert problems[0].startswith("topics.toml: invalid TOML")


def test_bad_topics_are_reported_and_the_others_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[topic]]
name = "Energy"
keywords = ["oil", "gas"]

[[topic]]
name = "Empty"
keywords = []

[[topic]]
description = "no name"
keywords = ["x"]

[[topic]]
name = "Energy"
keywords = ["coal"]

[[topic]]
name = "Typo"
keyword = ["trade"]

[[topic]]
name = "Health"
keywords = ["vaccine", 3]
""",
    )
    taxonomy, problems = load_taxonomy(path)
    assert taxonomy.names == ["Energy", "Health"]
    assert "topics.toml: topic 'Empty': no keywords (skipped)" in problems
    assert "topics.toml: topic #3 has no name (skipped)" in problems
    assert "topics.toml: duplicate topic 'Energy' (the first one is kept)" in problems
    assert any(p.startswith("topics.toml: topic 'Typo': unknown key 'keyword'") for p in problems)
    assert "topics.toml: topic 'Typo': no keywords (skipped)" in problems
    assert any(p.startswith("topics.toml: topic 'Health': keyword 2") for p in problems)
    assert all(p.startswith("topics.toml: ") for p in problems)
    assert taxonomy.topics_for("oil and vaccines") == ["Energy", "Health"]
    assert taxonomy.topics_for("coal") == []


def test_wrong_shape_is_reported(tmp_path: Path) -> None:
    taxonomy, problems = load_taxonomy(_write(tmp_path, '[topics]\nname = "Energy"\n'))
    assert len(taxonomy) == 0
    assert any("unknown top-level key 'topics'" in p for p in problems)
    assert any("no topics" in p for p in problems)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    taxonomy, problems = load_taxonomy(tmp_path / "topics.toml")
    assert len(taxonomy) == 0
    assert problems[0].startswith("topics.toml: unreadable")


def test_empty_taxonomy_tags_nothing() -> None:
    assert Taxonomy().topics_for("terrorism") == []
