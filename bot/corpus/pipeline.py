"""Articles in, tagged statements out: spaCy once per batch, then the rules on each parse."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from bot.corpus.attribution import extract_attributions
from bot.corpus.models import Article, Statement

BATCH_SIZE = 32


def statements_from_doc(article: Article, doc: Doc) -> list[Statement]:
    """Place each attribution found in `doc` (the parse of `article.text`) in its article."""
    return [
        Statement(
            doc=article.name,
            date=article.date,
            outlet=article.outlet,
            paragraph=article.paragraph_at(found.start),
            text=found.text,
            kind=found.kind,
            cue=found.cue,
            speaker=found.speaker,
            speaker_role=found.speaker_role,
            speaker_type=found.speaker_type,
        )
        for found in extract_attributions(doc)
    ]


def extract_statements(
    nlp: Language, articles: Iterable[Article], batch_size: int = BATCH_SIZE
) -> Iterator[tuple[Article, list[Statement]]]:
    """Parse articles in batches and yield each with its statements, in input order."""
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield article, statements_from_doc(article, doc)
