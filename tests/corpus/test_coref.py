"""Rule-based coreference: surnames, titles and pronouns back to the fullest name."""

from __future__ import annotations

from spacy.language import Language

from bot.corpus.coref import Coreference, Speaker
from bot.corpus.speakers import Mention, describe


def test_surname_maps_to_the_full_name(nlp: Language) -> None:
    doc = nlp("Agriculture Minister Ruth Lang visited the farm. Lang praised the new irrigation canals.")
    coref = Coreference.of(doc)
    assert coref.full_name("Lang") == "Ruth Lang"
    assert coref.full_name("Someone") == "Someone"


def test_a_surname_taken_for_an_organization_is_the_person_the_article_names(nlp: Language) -> None:
    doc = nlp("President Tomas Ferreira met the envoy. Ferreira said the port would open. He also said more.")
    coref = Coreference.of(doc)
    surname = next(t for t in doc if t.text == "Ferreira" and t.dep_ == "nsubj")
    # The model's kind for the mention is a guess; whatever it guessed, the article names a person Ferreira.
    mention = Mention("name", "organization", "Ferreira", None, surname)
    assert coref.resolve(mention) == Speaker("Tomas Ferreira", "President", "person")
    unnamed = Mention("name", "organization", "Ferreira Shipping", None, surname)
    assert coref.resolve(unnamed) == Speaker("Ferreira Shipping", None, "organization")


def test_full_name_given_later_in_the_article_is_used(nlp: Language) -> None:
    doc = nlp("Mr. Okafor spoke first. Later, Chinedu Okafor left the hall.")
    assert Coreference.of(doc).full_name("Okafor") == "Chinedu Okafor"


def test_title_holder_is_found_by_the_role_words(nlp: Language) -> None:
    doc = nlp(
        "Harbour Commissioner Elena Varga and Finance Minister Karin Holm toured the docks. "
        "The commissioner said little."
    )
    coref = Coreference.of(doc)
    subject = next(t for t in doc if t.lower_ == "commissioner" and t.dep_ == "nsubj")
    mention = describe(subject)
    assert mention is not None and mention.kind == "role"
    resolved = coref.resolve(mention)
    assert resolved == Speaker("Elena Varga", resolved.role if resolved else None, "person")


def test_pronoun_prefers_the_latest_speaker(nlp: Language) -> None:
    doc = nlp("Karin Holm met Pedro Alves. She spoke to reporters.")
    coref = Coreference.of(doc)
    she = next(t for t in doc if t.lower_ == "she")
    coref.heard(0, Speaker("Karin Holm", None, "person"))
    mention = describe(she)
    assert mention is not None and mention.kind == "pronoun"
    resolved = coref.resolve(mention)
    assert resolved is not None and resolved.name == "Karin Holm"


def test_people_inside_reported_content_are_not_antecedents(nlp: Language) -> None:
    doc = nlp("Karin Holm said that Pedro Alves would resign. He said nothing else.")
    coref = Coreference.of(doc)
    coref.heard(2, Speaker("Karin Holm", None, "person"))
    alves = next(t for t in doc if t.text == "Alves")
    coref.reported |= set(range(alves.i - 1, alves.i + 3))
    he = next(t for t in doc if t.text == "He")
    mention = describe(he)
    assert mention is not None
    resolved = coref.resolve(mention)
    assert resolved is not None and resolved.name == "Karin Holm"


def test_pronoun_skips_a_person_of_the_other_gender(nlp: Language) -> None:
    doc = nlp(
        "Ms. Karin Holm arrived late.\n\nMr. Pedro Alves said that the bank would act soon.\n\n"
        "She said that interest rates would stay unchanged."
    )
    coref = Coreference.of(doc)
    coref.heard(next(t.i for t in doc if t.text == "said"), Speaker("Pedro Alves", None, "person"))
    she = next(t for t in doc if t.text == "She")
    mention = describe(she)
    assert mention is not None
    resolved = coref.resolve(mention)
    assert resolved is not None and resolved.name == "Karin Holm"
