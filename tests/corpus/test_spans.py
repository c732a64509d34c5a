"""Statement spans (issue 12), on text written for these tests: never across a paragraph break, never with a
headline or crosshead glued on, never a bare fragment."""

from __future__ import annotations

from spacy.language import Language

from bot.corpus.attribution import extract_attributions
from bot.corpus.models import Attribution


def extract(nlp: Language, text: str) -> list[Attribution]:
    return extract_attributions(nlp(text))


def test_a_crosshead_is_not_glued_onto_the_statement(nlp: Language) -> None:
    text = (
        "Defence Minister Ivan Petrov spoke at the meeting in Minsk.\n\n"
        "Willingness to share experience\n\n"
        'According to him, Moscow is ready to "share its experience in mountain rescue."'
    )
    found = extract(nlp, text)
    assert [a.speaker for a in found] == ["Ivan Petrov"]
    assert "Willingness" not in found[0].text
    assert found[0].text.startswith("Moscow is ready to")


def test_a_headline_is_not_glued_onto_the_first_sentence(nlp: Language) -> None:
    text = (
        "Ports to stay open all winter, minister says\n\n"
        "Transport Minister Elena Varga said on Monday that the northern ports would stay open all winter."
    )
    found = extract(nlp, text)
    assert found, "the statement of the first paragraph is found"
    for statement in found:
        assert "\n" not in statement.text
    assert any(a.text == "the northern ports would stay open all winter" for a in found)


def test_no_statement_crosses_a_paragraph_break(nlp: Language) -> None:
    text = (
        '"The corridor opens next year," envoy Ilya Sorokin said\n\n'
        "Tariffs on grain will fall by half, the customs office said."
    )
    for statement in extract(nlp, text):
        assert "\n" not in text[statement.start : statement.end], statement.text


def test_a_colon_carries_the_quote_of_the_next_paragraph(nlp: Language) -> None:
    text = 'Envoy Ilya Sorokin told the forum:\n\n"The corridor opens next year and the tariffs will fall."'
    found = extract(nlp, text)
    assert [(a.speaker, a.text) for a in found] == [
        ("Ilya Sorokin", "The corridor opens next year and the tariffs will fall.")
    ]


def test_transcript_turns_are_not_statements_nor_continue_a_speaker(nlp: Language) -> None:
    text = (
        "Governor Ana Ruiz said the debate would be fair.\n\n"
        '"HOST: Will the challenger attend, as the Daily Ledger reported?\n\n'
        '"RUIZ: She will not attend the debate tomorrow night.\n\n'
        '"But the truth is that the debate will go ahead.'
    )
    assert [(a.speaker, a.text) for a in extract(nlp, text)] == [("Ana Ruiz", "the debate would be fair")]


def test_a_quote_closing_one_paragraph_does_not_join_the_next_ones_statement(nlp: Language) -> None:
    text = (
        'His partner, Leo Brandt, called him a master of hard deals. "He closed deals nobody else could."\n\n'
        "The company was a giant, Mr. Ortega said, until it failed in 1999."
    )
    found = extract(nlp, text)
    last = [a for a in found if "giant" in a.text]
    assert last and "closed deals" not in last[0].text


def test_according_to_with_the_clause_parsed_into_the_source(nlp: Language) -> None:
    text = "According to conservative radio host Ana Ruiz, the move reeks of fear and desperation."
    found = extract(nlp, text)
    assert [(a.speaker, a.text) for a in found] == [("Ana Ruiz", "the move reeks of fear and desperation")]


def test_a_bare_word_is_no_statement(nlp: Language) -> None:
    assert extract(nlp, "According to the Daily Ledger, basically.") == []
