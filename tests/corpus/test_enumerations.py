"""Enumerated statements (issue 12), on text written for these tests: "Secondly, …" paragraphs and "as
follows: firstly …" after an attribution are that speaker's."""

from __future__ import annotations

from spacy.language import Language

from bot.corpus.attribution import extract_attributions
from bot.corpus.models import Article
from bot.corpus.pipeline import extract_statements, may_hold_statement


def test_ordinal_paragraphs_after_a_statement_are_the_speakers(nlp: Language) -> None:
    text = (
        "Foreign Minister Ana Ruiz said the bloc had three goals this year.\n\n"
        "Secondly, the members must open the new rail corridor before winter.\n\n"
        "Finally, tariffs on grain would fall by half.\n\n"
        "The talks ended on Friday."
    )
    found = extract_attributions(nlp(text))
    assert [a.speaker for a in found] == ["Ana Ruiz"] * 3
    assert found[1].text.startswith("Secondly, the members")
    assert found[2].text.startswith("Finally, tariffs")


def test_points_as_follows_are_the_speakers(nlp: Language) -> None:
    text = (
        "Foreign Minister Ana Ruiz said the bloc had set its goals for the year.\n\n"
        "The goals are as follows: firstly, to open the rail corridor; secondly, to cut tariffs on grain."
    )
    found = extract_attributions(nlp(text))
    assert [a.speaker for a in found] == ["Ana Ruiz", "Ana Ruiz"]
    assert "rail corridor" in found[1].text


def test_an_ordinal_without_a_statement_before_it_is_narration(nlp: Language) -> None:
    text = "The forum opened in Lima on Monday.\n\nSecondly, the delegates toured the new port."
    assert extract_attributions(nlp(text)) == []


def test_a_bare_title_as_follows_is_no_statement(nlp: Language) -> None:
    text = "Foreign Minister Ana Ruiz said the talks went well.\n\nPartial transcript as follows:"
    assert len(extract_attributions(nlp(text))) == 1


def test_the_load_path_parses_points_paragraphs(nlp: Language) -> None:
    assert may_hold_statement("The goals are as follows: firstly, to open the rail corridor.")
    article = Article(
        "a.txt",
        None,
        None,
        None,
        (
            "Foreign Minister Ana Ruiz said the bloc had set its goals for the year.",
            "The goals are as follows: firstly, to open the rail corridor; secondly, to cut tariffs.",
        ),
        "x",
    )
    [(_, statements)] = list(extract_statements(nlp, [article]))
    assert [s.speaker for s in statements] == ["Ana Ruiz", "Ana Ruiz"]
