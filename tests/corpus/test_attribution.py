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
        # From the country table's capitals column, not a list of its own.
        ("Phnom Penh announced that the new bridge would open in May.", "Cambodia"),
        # A place that speaks for a union rather than a country.
        ("Brussels warned that the tariffs would hurt exporters on both sides.", "European Union"),
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


def test_object_of_an_earlier_verbs_preposition_is_not_the_speaker(nlp: Language) -> None:
    text = 'Lucia Ferrante took to Facebook overnight to accuse the council of being "asleep" on the budget.'
    assert [a.speaker for a in extract(nlp, text)] == ["Lucia Ferrante"]


def test_complement_of_has_said_is_not_a_parenthetical(nlp: Language) -> None:
    found = only(extract(nlp, "Ruth Lang has said about twenty firms have shown an interest in the new port."))
    assert found.speaker == "Ruth Lang"
    assert found.text == "about twenty firms have shown an interest in the new port"


def test_time_clause_after_the_cue_is_not_content(nlp: Language) -> None:
    found = only(extract(nlp, '"We will appeal," Ruth Lang told the court, after the judge had rejected her motion.'))
    assert found.text == "We will appeal"


def test_clause_after_a_time_phrase_is_the_content(nlp: Language) -> None:
    found = only(extract(nlp, "Ruth Lang said after the vote she would not seek another term."))
    assert found.text.endswith("she would not seek another term")


def test_outlet_citing_a_report_speaks_but_trailing_report_is_narration(nlp: Language) -> None:
    text = "The Harbour Gazette reported on Monday that the ferry company had cancelled its winter routes."
    found = only(extract(nlp, text))
    assert found.speaker == "Harbour Gazette"
    assert found.text == "the ferry company had cancelled its winter routes"
    assert extract(nlp, "The ferry company had cancelled its winter routes, the Harbour Gazette reported.") == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The KVTB said that tariffs on rice would fall next year.", "KVTB"),
        ("Norwegians often say that there is no such thing as bad weather.", "Norwegians"),
        ("Only 40 percent said the mayor was doing a good job.", None),
        ("The narrator says the town was founded by fishermen in 1820.", None),
    ],
)
def test_acronyms_peoples_poll_shares_and_narrators_speak(nlp: Language, text: str, speaker: str | None) -> None:
    assert only(extract(nlp, text)).speaker == speaker


def test_fronted_topic_is_not_the_speaker_of_an_as_clause(nlp: Language) -> None:
    found = only(extract(nlp, "Bergen, as one of the mayor's advisers pointed out, rarely gets two storms in a row."))
    assert found.speaker != "Bergen"
    assert "two storms" in found.text


def test_subordinate_cue_does_not_report_the_main_clause(nlp: Language) -> None:
    assert extract(nlp, "Sixty percent of farmers backed the plan, while 30 percent said the opposite.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Finance Minister Ruth Lang put forward three proposals at the forum.\n\n-- Ports should share customs "
        "data.\n\n-- Member states should build a joint rail corridor.\n\n-- The bank should fund small "
        "exporters.\n\nThe forum closed on Friday.",
        "Ruth Lang made three suggestions.\n\nFirst, the council should cut fees.\n\nSecond, the port should "
        "open at night.\n\nFinally, the bank should fund small exporters.\n\nThe forum closed on Friday.",
    ],
)
def test_announced_proposals_spelled_out_in_paragraphs(nlp: Language, text: str) -> None:
    found = extract(nlp, text)
    assert [a.speaker for a in found] == ["Ruth Lang"] * 3
    assert found[-1].text.startswith("the bank should fund") or found[-1].text.startswith("The bank should fund")
    assert not any("forum closed" in a.text for a in found)


def test_two_conjoined_cues_with_their_own_content_are_two_statements(nlp: Language) -> None:
    found = extract(nlp, "Ruth Lang called the plan a disaster and called for a new vote on the budget.")
    assert [a.text for a in found] == ["the plan a disaster", "a new vote on the budget"]


def test_that_clause_spelling_out_an_object_stays_one_statement(nlp: Language) -> None:
    text = "Ruth Lang condemned the attack and stressed that the ferries would keep running."
    assert "ferries would keep running" in only(extract(nlp, text)).text


@pytest.mark.parametrize(
    "text",
    [
        "It recalls 2010, when Lena Ortiz opened the games as Karl Brandt was criticized by some leaders for the deal.",
        "Karl Brandt was once asked how the long dispute over the river would end.",
    ],
)
def test_a_cue_in_the_passive_is_said_of_its_subject_not_by_it(nlp: Language, text: str) -> None:
    assert [(a.speaker, a.text) for a in extract(nlp, text)] == []


def test_a_contracted_has_before_a_cue_is_not_the_passive(nlp: Language) -> None:
    found = only(extract(nlp, "Mayor Lena Ortiz, who’s called for lower bus fares, opened the new depot."))
    assert found.speaker == "Lena Ortiz"
