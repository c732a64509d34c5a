"""The statement rules on sentences written for these tests, parsed by the real model."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.corpus.attribution import extract_attributions
from bot.corpus.models import Attribution
from bot.corpus.quotes import find_quotes, paragraphs_of


def extract(nlp: Language, text: str) -> list[Attribution]:
    return extract_attributions(nlp(text))


def only(found: list[Attribution]) -> Attribution:
    assert len(found) == 1, [(a.speaker, a.text) for a in found]
    return found[0]


def test_interrupted_quote_is_one_direct_statement(nlp: Language) -> None:
    text = (
        '"Our ports will stay open all winter," harbour master Elena Varga said on Monday, '
        '"and the new cranes arrive in March."'
    )
    found = only(extract(nlp, text))
    assert found.kind == "direct"
    assert found.speaker == "Elena Varga"
    assert found.speaker_role == "harbour master"
    assert found.text.startswith("Our ports will stay open all winter")
    assert found.text.endswith("the new cranes arrive in March.")
    assert "said" not in found.text
    assert text[found.start : found.end].startswith("Our ports")


def test_according_to_an_organization(nlp: Language) -> None:
    found = only(extract(nlp, "According to the Andean Trade Council, coffee exports rose by a third last year."))
    assert found.speaker == "Andean Trade Council"
    assert found.speaker_type == "organization"
    assert found.kind == "indirect"
    assert found.text == "coffee exports rose by a third last year"


def test_role_noun_resolves_to_the_named_title_holder(nlp: Language) -> None:
    text = (
        "The Andean Trade Council Secretary General Tomas Berglund opened the forum in Lima.\n\n"
        "The secretary general noted that member states had cut tariffs on fertiliser."
    )
    found = only(extract(nlp, text))
    assert found.speaker == "Tomas Berglund"
    assert found.speaker_type == "person"
    assert found.text == "member states had cut tariffs on fertiliser"


def test_surname_and_later_title_map_to_the_full_name(nlp: Language) -> None:
    text = (
        "Ruth Lang, the agriculture minister, said that grain exports would resume in May. "
        "The minister added that farmers would get subsidies."
    )
    found = extract(nlp, text)
    assert [a.speaker for a in found] == ["Ruth Lang", "Ruth Lang"]
    assert found[1].text == "farmers would get subsidies"


def test_pronoun_after_two_people_is_the_subject(nlp: Language) -> None:
    text = (
        "Finance Minister Karin Holm met Deputy Governor Pedro Alves in Oslo on Friday.\n\n"
        "He said the bank would keep interest rates unchanged until spring."
    )
    found = only(extract(nlp, text))
    assert found.speaker == "Karin Holm"
    assert found.text == "the bank would keep interest rates unchanged until spring"


def test_organization_speaker(nlp: Language) -> None:
    text = "The Norwegian Ministry of Fisheries said that cod quotas would be cut by ten percent next season."
    found = only(extract(nlp, text))
    assert found.speaker == "Norwegian Ministry of Fisheries"
    assert found.speaker_type == "organization"
    assert found.text == "cod quotas would be cut by ten percent next season"


def test_quote_only_paragraph_continues_the_last_speaker(nlp: Language) -> None:
    text = (
        '"We will double the number of ferry routes," transport minister Ilse Brandt told reporters.\n\n'
        '"Passengers have waited long enough for reliable service."'
    )
    found = extract(nlp, text)
    assert [(a.speaker, a.kind) for a in found] == [("Ilse Brandt", "direct"), ("Ilse Brandt", "direct")]
    assert found[1].text.startswith("Passengers have waited long enough")


def test_as_x_pointed_out(nlp: Language) -> None:
    found = only(extract(nlp, "As Ilse Brandt pointed out, the new ferries will run on electricity."))
    assert found.speaker == "Ilse Brandt"
    assert found.cue == "pointed out"
    assert found.text == "the new ferries will run on electricity"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Ottawa stressed that the pipeline would be inspected every year.", "Canada"),
        ("Canberra insisted that the treaty must be ratified by parliament.", "Australia"),
    ],
)
def test_capital_as_speaker_is_its_country(nlp: Language, text: str, country: str) -> None:
    found = only(extract(nlp, text))
    assert found.speaker == country
    assert found.speaker_type == "country"


@pytest.mark.parametrize(
    "text",
    [
        "Mayor Lucia Ferrante met the visiting delegation and welcomed the guests at the city hall.",
        "Prime Minister Aleks Novak thanked the organisers of the summit.",
        "Union leader Marta Kos expressed her delight at the turnout.",
        "Sources said the talks had stalled.",
    ],
)
def test_events_thanks_and_anonymous_sources_are_not_statements(nlp: Language, text: str) -> None:
    assert extract(nlp, text) == []


def test_content_before_the_cue_is_the_statement(nlp: Language) -> None:
    text = (
        "The harvest was poor in the north and the storage facilities were full, "
        "the agriculture minister Ruth Lang said."
    )
    found = only(extract(nlp, text))
    assert found.speaker == "Ruth Lang"
    assert found.text == "The harvest was poor in the north and the storage facilities were full"


def test_quote_after_the_cue_sentence_joins_it(nlp: Language) -> None:
    text = (
        "Lake Tana is the largest lake in the country. \u201cIt feeds the Blue Nile,\u201d hydrologist "
        "Amare Tesfaye said. \u201cWithout it there is no river.\u201d"
    )
    found = only(extract(nlp, text))
    assert found.speaker == "Amare Tesfaye"
    assert found.text == "It feeds the Blue Nile Without it there is no river."
    assert "largest lake" not in found.text


def test_partial_quote_inside_reported_speech_is_mixed(nlp: Language) -> None:
    text = 'Ruth Lang said the new silos were "the biggest investment in a generation" for the region.'
    found = only(extract(nlp, text))
    assert found.kind == "mixed"
    assert "biggest investment" in found.text


def test_empty_document(nlp: Language) -> None:
    assert extract(nlp, "") == []


def test_quote_scanner_handles_curly_straight_and_unclosed_marks() -> None:
    text = 'He said \u201cone two\u201d and "three four".\n\n\u201cfive six'
    quotes = find_quotes(text, paragraphs_of(text))
    assert [text[q.start : q.end] for q in quotes] == ["one two", "three four", "five six"]
    assert [q.closed for q in quotes] == [True, True, False]
    assert [q.paragraph for q in quotes] == [0, 0, 1]
