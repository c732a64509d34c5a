"""Articles in, tagged statements out: spaCy once per batch, then the rules on each parse.

`parse_batch` is what a loader runs in a worker process, so the model lives there and never in the bot.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from bot.corpus.attribution import extract_attributions
from bot.corpus.countries import countries_in
from bot.corpus.models import Article, Statement
from bot.corpus.nlp import load_nlp
from bot.corpus.topics import Taxonomy, load_taxonomy

BATCH_SIZE = 32


def statements_from_doc(article: Article, doc: Doc, taxonomy: Taxonomy | None = None) -> list[Statement]:
    """Place each attribution found in `doc` (the parse of `article.text`) in its article, and tag it."""
    statements = []
    for found in extract_attributions(doc):
        statements.append(
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
                topics=taxonomy.topics_for(found.text) if taxonomy else [],
                countries=countries_in(found.text),
            )
        )
    return statements


def extract_statements(
    nlp: Language,
    articles: Iterable[Article],
    taxonomy: Taxonomy | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[tuple[Article, list[Statement]]]:
    """Parse articles in batches and yield each with its statements, in input order."""
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield article, statements_from_doc(article, doc, taxonomy)


def parse_batch(
    articles: list[Article], model: str, taxonomy_path: Path | None
) -> list[tuple[Article, list[Statement]]]:
    """Parse a batch of articles: the unit of work a loader hands to a worker process."""
    return list(extract_statements(load_nlp(model), articles, cached_taxonomy(taxonomy_path)))


def cached_taxonomy(path: Path | None) -> Taxonomy | None:
    """The taxonomy at `path`, read again only when the file changes."""
    if path is None or not path.is_file():
        return None
    return _taxonomy_at(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _taxonomy_at(path: Path, mtime_ns: int) -> Taxonomy:
    return load_taxonomy(path)[0]
