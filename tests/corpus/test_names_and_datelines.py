"""Names, roles, datelines and agency tags (issue 12), on text written for these tests: a dateline is never
part of a statement, a speaker's name or a role; an agency's own reporting is narration."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Span

from bot.corpus.attribution import extract_attributions
from bot.corpus.models import Article, Attribution
from bot.corpus.name_phrases import clean_role
from bot.corpus.reader import parse_article


def extract(nlp: Language, text: str) -> list[Attribution]:
    return extract_attributions(nlp(text))


@pytest.mark.parametrize(
    "first",
    [
        "MOSCOW. KAZINFORM Foreign Minister Ana Ruiz said the bloc would grow.",
        "Baku, July 16, AZERTAC Foreign Minister Ana Ruiz said the bloc would grow.",
        "5 July 2005 (RFE/RL) -- Foreign Minister Ana Ruiz said the bloc would grow.",
        "NEW DELHI: Foreign Minister Ana Ruiz said the bloc would grow.",
    ],
)
def test_a_dateline_is_neither_text_nor_speaker(nlp: Language, first: str) -> None:
    article = parse_article("a.txt", f" date 2024-01-02 {first}\n\nThe talks ended.".encode())
    assert isinstance(article, Article)
    found = extract(nlp, article.text)
    assert [(a.speaker, a.text) for a in found] == [("Ana Ruiz", "the bloc would grow")]


def test_an_agency_reporting_is_narration(nlp: Language) -> None:
    text = "The talks will resume in May, TASS reports.\n\nKazinform reports that the two ministers met in Astana."
    assert extract(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("TEHRAN- Iranian President Reza Karimi said the bloc must grow.", "Reza Karimi"),
        ("Beijing Ali Khaji, the ambassador, said trade was rising.", "Ali Khaji"),
        ("Former IRGC chief Safavi said the region was calm.", "Safavi"),
        ("Secretary-General Ban Ki-moon said the test was a breach.", "Ban Ki-moon"),
        ("Mayor Bill de Blasio said it would take hours.", "Bill de Blasio"),
        ("Federal Minister for Information and Broadcasting Attaullah Tarar said talks went well.", "Attaullah Tarar"),
    ],
)
def test_glued_prefixes_are_not_part_of_a_name(nlp: Language, text: str, speaker: str) -> None:
    assert [a.speaker for a in extract(nlp, text)] == [speaker]


@pytest.mark.parametrize(
    ("role", "clean"),
    [
        ("of Iran", None),
        ("Earlier", None),
        ("friend", None),
        ("Beijing", None),
        ("Russian counterpart", None),
        ("of External Affairs S", None),
        ("Opposition MP", "Opposition MP"),
        ("harbour master", "harbour master"),
        ("SCO Secretary\n\nGeneral", "General"),
    ],
)
def test_a_role_is_a_title_never_a_fragment(role: str, clean: str | None) -> None:
    assert clean_role(role) == clean


def test_a_surname_gets_the_full_name_from_a_paragraph_the_prefilter_skips(nlp: Language) -> None:
    from bot.corpus.pipeline import extract_statements, full_name_in_text

    article = Article(
        "a.txt",
        None,
        None,
        None,
        (
            "Tomas Berglund has run the secretariat since its first year.",
            "The building is yellow and stands in a quiet street.",
            "Its garden has old trees.",
            "Visitors come every week.",
            "Mr. Berglund said the bloc had grown every year.",
        ),
        "x",
    )
    [(_, statements)] = list(extract_statements(nlp, [article]))
    assert [s.speaker for s in statements] == ["Tomas Berglund"]
    assert full_name_in_text("As Berglund said, and Mr. Berglund agreed.", "Berglund") == "Berglund"


def test_a_headline_verb_is_not_part_of_the_name(nlp: Language) -> None:
    doc = nlp("Mehra Says Corridor Will Open Next Year\n\nArjun Mehra said the corridor would open next year.")
    # What NER makes of a headline in some articles: the verb after the name taken into the name.
    doc.ents = [Span(doc, 0, 2, label="PERSON"), *(e for e in doc.ents if e.start >= 2)]
    speakers = {a.speaker for a in extract_attributions(doc)}
    assert speakers == {"Arjun Mehra"}


def test_a_word_repeated_inside_a_name_is_said_once(nlp: Language) -> None:
    doc = nlp("Former president Ahmadinejad Ahmadinejad said the bloc was growing.")
    doc.ents = [Span(doc, 2, 4, label="PERSON")]
    assert [a.speaker for a in extract_attributions(doc)] == ["Ahmadinejad"]
