"""Reported speech with noun-phrase and infinitive complements, participles and "adding" (issue 12), on
sentences written for these tests."""

from __future__ import annotations

from spacy.language import Language

from bot.corpus.attribution import extract_attributions
from bot.corpus.models import Attribution


def extract(nlp: Language, text: str) -> list[Attribution]:
    return extract_attributions(nlp(text))


def pairs(found: list[Attribution]) -> list[tuple[str | None, str]]:
    return [(a.speaker, a.text) for a in found]


def test_noun_phrase_complements_are_statements(nlp: Language) -> None:
    text = (
        "Prime Minister Arjun Mehra also floated the concept of a shared power grid. "
        "Mehra pointed to the growing trade in grain. "
        "He brushed aside the impression that the bloc was closed."
    )
    found = pairs(extract(nlp, text))
    assert ("Arjun Mehra", "the concept of a shared power grid") in found
    assert ("Arjun Mehra", "the growing trade in grain") in found
    assert ("Arjun Mehra", "the impression that the bloc was closed") in found


def test_made_it_clear_reports_its_clause(nlp: Language) -> None:
    found = pairs(extract(nlp, "Foreign Minister Ana Ruiz made it clear that the bloc was not a military alliance."))
    assert found == [("Ana Ruiz", "the bloc was not a military alliance")]


def test_an_infinitive_request_is_the_content(nlp: Language) -> None:
    found = pairs(extract(nlp, "Omar Haddad pressed Arjun Mehra at their meeting on Friday to end the border dispute."))
    assert len(found) == 1
    assert found[0][0] == "Omar Haddad" and found[0][1].endswith("to end the border dispute")


def test_a_clause_with_its_own_speaker_is_not_part_of_a_call(nlp: Language) -> None:
    text = (
        "President Omar Haddad called for the end of foreign meddling, a reference to the West, while Prime "
        "Minister Arjun Mehra proposed a new regional security pact."
    )
    found = pairs(extract(nlp, text))
    assert ("Omar Haddad", "the end of foreign meddling") in [(s, t.split(",")[0]) for s, t in found]
    assert ("Arjun Mehra", "a new regional security pact") in found


def test_a_fronted_participle_and_its_verb_make_two_statements(nlp: Language) -> None:
    text = (
        "Prime Minister Arjun Mehra visited the port. Noting that only 6% of tourists come from the region, "
        "the prime minister said this could easily be doubled."
    )
    found = pairs(extract(nlp, text))
    assert ("Arjun Mehra", "only 6% of tourists come from the region") in found
    assert ("Arjun Mehra", "this could easily be doubled") in found


def test_a_quote_then_adding_that_makes_two_statements(nlp: Language) -> None:
    text = '"The corridor opens next year," envoy Ilya Sorokin said, adding that the tariffs would fall.'
    found = pairs(extract(nlp, text))
    assert found == [("Ilya Sorokin", "The corridor opens next year"), ("Ilya Sorokin", "the tariffs would fall")]


def test_two_cues_on_one_quote_make_one_statement(nlp: Language) -> None:
    text = (
        "Envoy Ilya Sorokin wrote a post on Monday.\n\n"
        'The envoy, who wrote his post in Spanish, continued to say, that "Peru seeks closer ties with the bloc."'
    )
    found = extract(nlp, text)
    assert [a.text for a in found] == ["Peru seeks closer ties with the bloc."]


def test_the_question_of_someone_asked_is_no_statement(nlp: Language) -> None:
    text = '"We are not part of any bloc," Leyla Ahmadi told reporters when asked whether Peru would join a bloc.'
    assert pairs(extract(nlp, text)) == [("Leyla Ahmadi", "We are not part of any bloc")]


def test_satisfaction_without_content_is_no_statement(nlp: Language) -> None:
    text = "Secretary General Tomas Berglund expressed satisfaction over the meeting and said it had met its goals."
    assert pairs(extract(nlp, text)) == [("Tomas Berglund", "it had met its goals")]


def test_a_participle_describing_an_event_is_no_statement(nlp: Language) -> None:
    text = "The senator toured the plant on Monday, promising new jobs for the valley."
    assert extract(nlp, text) == []


def test_a_participle_that_reports_speech_is_a_statement(nlp: Language) -> None:
    text = "The senator posted a photo of the plant, saying that the valley would get new jobs."
    assert [a.text for a in extract(nlp, text)] == ["the valley would get new jobs"]


def test_estimates_signals_and_indications_are_not_speech_cues(nlp: Language) -> None:
    assert extract(nlp, "The Budget Office estimates that the plan would cost two billion dollars.") == []
    assert extract(nlp, "The Andean Rail Company signaled that it was going to make a deal.") == []
    assert extract(nlp, "Twelve percent of the voters indicated that they were not sure.") == []


def test_a_contrasting_cue_inside_a_statement_is_a_second_statement(nlp: Language) -> None:
    text = (
        "Attorney General Ruth Lang said that public service often breaks down barriers for women, "
        "though she noted that private firms were catching up."
    )
    found = pairs(extract(nlp, text))
    assert found == [
        ("Ruth Lang", "public service often breaks down barriers for women"),
        ("Ruth Lang", "private firms were catching up"),
    ]


def test_a_cue_reported_inside_a_statement_stays_inside_it(nlp: Language) -> None:
    found = pairs(extract(nlp, "Ruth Lang said that her deputy told her that the plan would fail."))
    assert found == [("Ruth Lang", "her deputy told her that the plan would fail")]


def test_a_progressive_cue_narrates_a_campaign(nlp: Language) -> None:
    assert extract(nlp, "Governor Ana Ruiz is stressing that her plans will cut the cost of childcare.") == []
    found = pairs(extract(nlp, "Governor Ana Ruiz is saying that her plans will cut the cost of childcare."))
    assert found == [("Ana Ruiz", "her plans will cut the cost of childcare")]


def test_a_call_for_a_gerund_is_the_request(nlp: Language) -> None:
    found = pairs(extract(nlp, "Minister Ana Ruiz has also called for cutting tariffs on grain."))
    assert found == [("Ana Ruiz", "cutting tariffs on grain")]


def test_an_unrealized_cue_is_no_statement(nlp: Language) -> None:
    for text in (
        "Governor Ana Ruiz plans to call on young people to join the national service.",
        "Governor Ana Ruiz appeared to suggest that veterans were weaker than others.",
        "Voters are removed from the rolls if they do not confirm their address.",
        "Governor Ana Ruiz will insist on a recount of the votes in the valley.",
        "At the very least, Governor Ana Ruiz has yet to explain why the old rules should be kept.",
    ):
        assert extract(nlp, text) == [], text
    found = pairs(extract(nlp, "Governor Ana Ruiz urged voters to confirm their address."))
    assert found and found[0][0] == "Ana Ruiz"


def test_a_hedged_cue_is_still_a_statement(nlp: Language) -> None:
    found = pairs(extract(nlp, "Governor Ana Ruiz said: I would note that my father began his studies at 16."))
    assert found and "my father began his studies" in found[0][1]


def test_the_load_path_parses_paragraphs_with_the_new_cues() -> None:
    from bot.corpus.pipeline import may_hold_statement

    for paragraph in (
        "He made it clear that the bloc was no alliance.",
        "Mehra also pointed to the growing trade in grain.",
        "She floated the concept of a shared grid.",
        "He pressed his host to end the dispute.",
        "He brushed aside the impression that the bloc was closed.",
        "The minister ruled out any change.",
    ):
        assert may_hold_statement(paragraph), paragraph
    assert not may_hold_statement("The weather in the valley was fine all week.")


def test_each_of_two_named_people_speaks_without_one_name(nlp: Language) -> None:
    text = (
        "Ana Ruiz and Tomas Berglund vied for the title on Wednesday, each touting their own experience "
        "and saying the other lacks the judgment to lead."
    )
    assert pairs(extract(nlp, text)) == [(None, "the other lacks the judgment to lead")]


def test_a_day_after_called_is_not_the_particle_of_called_on(nlp: Language) -> None:
    text = "President Omar Haddad on Wednesday called for closer cooperation among the member states."
    found = extract(nlp, text)
    assert [(a.cue, a.text) for a in found] == [("called for", "closer cooperation among the member states")]


def test_stating_after_a_reaction_reports_what_was_stated(nlp: Language) -> None:
    found = extract(nlp, "India reacted sharply to the claims, stating that the matter was still under consideration.")
    assert pairs(found) == [("India", "the matter was still under consideration")]


def test_a_participle_that_names_is_no_statement(nlp: Language) -> None:
    text = "The two sides argue over whether a leader of a group called Jund Front belongs on the list."
    assert extract(nlp, text) == []


def test_a_that_clause_hung_on_the_setting_of_the_cue_is_its_content(nlp: Language) -> None:
    text = "The lawmaker, Jalil Rahimi, said in remarks to IRNA that membership in the bloc is a bright point."
    assert pairs(extract(nlp, text)) == [("Jalil Rahimi", "membership in the bloc is a bright point")]


def test_reported_speech_then_adding_that_is_one_statement(nlp: Language) -> None:
    text = (
        "The bloc has never acted against any country, and this is stated in its charter, Rustam Aliev said, "
        "adding that the bloc has gained much influence in a short time."
    )
    found = pairs(extract(nlp, text))
    assert len(found) == 1 and found[0][0] == "Rustam Aliev"
    assert found[0][1].startswith("The bloc has never acted") and found[0][1].endswith("in a short time")
