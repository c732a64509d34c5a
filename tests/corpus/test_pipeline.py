"""The load path's parse: which paragraphs go to spaCy, and statements placed back in their articles."""

from __future__ import annotations

from datetime import date

from spacy.language import Language

from bot.corpus.models import Article
from bot.corpus.pipeline import excerpts, extract_statements, may_hold_statement


def article(*paragraphs: str) -> Article:
    return Article("a.txt", date(2024, 5, 1), None, None, paragraphs, "hash")


def test_only_quotes_and_speech_cues_may_hold_a_statement() -> None:
    assert may_hold_statement("The minister stressed that trade must grow.")
    assert may_hold_statement("“We will grow,” the minister replied.")
    assert may_hold_statement("According to the ministry, exports doubled.")
    assert may_hold_statement("She pointed out the risks.")
    assert not may_hold_statement("The summit opened in Astana on Monday.")
    # Nouns that look like cues do not count on their own.
    assert not may_hold_statement("The state published a report on its post-war points.")


def test_an_excerpt_keeps_context_and_maps_offsets_back_to_the_article() -> None:
    source = article(
        "Lead paragraph about the summit.",
        "Vladimir Norov arrived in Beijing.",
        "Nothing else happened that day.",
        "He said the bloc will grow.",
    )
    [part] = excerpts(source, context=1)
    assert part.paragraphs == (2, 3)
    offset = part.text.index("He said")
    assert source.text[part.to_article(offset) :].startswith("He said")
    assert source.paragraph_at(part.to_article(offset)) == 3


def test_a_long_article_is_parsed_in_pieces_that_each_fit() -> None:
    source = article(*[f"Paragraph {n}, he said, is long enough." for n in range(10)])
    parts = excerpts(source, everything=True, max_chars=100)
    assert len(parts) > 1
    assert all(len(p.text) <= 100 for p in parts)
    assert [n for p in parts for n in p.paragraphs] == list(range(10))


def test_prefiltered_statements_are_those_of_the_whole_parse(nlp: Language) -> None:
    source = article(
        "The summit opened in Astana on Monday under heavy security.",
        "Foreign Minister Ann Lee arrived on Sunday evening.",
        "The weather was mild and the streets were quiet.",
        "“The organisation will grow,” she told reporters.",
        "Delegations toured the old town afterwards.",
        "Lee added that trade in national currencies keeps growing.",
    )
    [(_, filtered)] = list(extract_statements(nlp, [source]))
    [(_, whole)] = list(extract_statements(nlp, [source], prefilter=False))
    assert [(s.paragraph, s.speaker, s.text) for s in filtered] == [(s.paragraph, s.speaker, s.text) for s in whole]
    assert {s.paragraph for s in filtered} == {3, 5}


def test_list_items_without_a_cue_are_still_parsed() -> None:
    from bot.corpus.pipeline import may_hold_statement

    assert may_hold_statement("First, the members should open their markets to each other.")
    assert may_hold_statement("-- cut tariffs on farm goods by half;")
    assert not may_hold_statement("The weather in the capital was mild for the season.")
