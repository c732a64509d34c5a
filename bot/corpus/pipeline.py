"""Articles in, tagged statements out: spaCy once per batch, then the rules on each parse.

`parse_batch` is what a loader runs in a worker process, so the model lives there and never in the bot.

The parse is most of a load's cost, and most paragraphs of a news article hold no statement. A statement
needs a speech cue or a quotation mark, so only paragraphs with one of those (and the paragraph before
each, where the speaker is usually introduced for "he said") go to spaCy. The rest are never parsed:
they can neither hold a statement nor, in practice, name its speaker.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from bot.corpus.attribution import extract_attributions
from bot.corpus.countries import countries_in
from bot.corpus.cues import (
    CLAUSE_CUES,
    CONTENT_OBJECT_CUES,
    CONTINUING_PARTICIPLES,
    PHRASAL_CUES,
    ROLE_NOUNS,
    SPEECH_VERBS,
)
from bot.corpus.lists import announces_points, opens_list_item
from bot.corpus.models import PARAGRAPH_SEPARATOR, Article, Statement
from bot.corpus.name_phrases import speaking_place
from bot.corpus.nlp import load_nlp
from bot.corpus.topics import Taxonomy, load_taxonomy

BATCH_SIZE = 32
# spaCy refuses longer texts (its max_length); a longer article is parsed in pieces.
MAX_PARSE_CHARS = 500_000
# How many paragraphs before a paragraph with a cue are parsed with it: where "he" gets a name.
CONTEXT_PARAGRAPHS = 2

# Past tenses and participles that no suffix rule makes from the lemma.
_IRREGULAR_FORMS = frozenset({"said", "told", "wrote", "written", "spoke", "spoken", "put", "spelt", "spelled"})
# Forms that are nearly always nouns or other verbs in news ("the state", "a report", "raised taxes"); a cue
# among them only counts in its phrasal shape ("pointed out", "put forward").
_AMBIGUOUS_FORMS = frozenset(
    """
    state states report reports point points pointing post posts put puts putting raise raises raised raising
    advance advances advanced spoke spoken remarks demand demands charge charges
    """.split()
)
_PHRASAL = re.compile(
    r"\b(?:(?:point|put)(?:s|ed|ing|ting)? (?:out|forward)|point(?:s|ed|ing)? to"
    r"|ma(?:de|kes?|king) (?:it )?(?:clear|known|plain))\b",
    re.IGNORECASE,
)
_QUOTE_MARKS = re.compile("[\"“”„«»]|''|``")
_WORD = re.compile(r"[a-z]+")


def _inflections(lemma: str) -> set[str]:
    """Every regular form of a verb, generously: an extra form only costs a paragraph parsed for nothing."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing", lemma + lemma[-1] + "ed"}
    forms.add(lemma + lemma[-1] + "ing")
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    return forms


@lru_cache(maxsize=1)
def cue_forms() -> frozenset[str]:
    """The surface forms of every speech cue the extractor knows, plus "according" (to)."""
    lemmas = SPEECH_VERBS | CLAUSE_CUES | CONTENT_OBJECT_CUES | CONTINUING_PARTICIPLES | frozenset(PHRASAL_CUES)
    forms: set[str] = set(_IRREGULAR_FORMS) | {"according"}
    for lemma in lemmas:
        forms |= _inflections(lemma)
    return frozenset(forms - _AMBIGUOUS_FORMS)


def may_hold_statement(paragraph: str) -> bool:
    """True when the paragraph has a quotation mark, a speech-cue word, opens a list item ("First, …") or
    spells out points ("as follows: …"), which can carry on what a speaker said before; False means no
    statement."""
    if _QUOTE_MARKS.search(paragraph) or _PHRASAL.search(paragraph) or opens_list_item(paragraph):
        return True
    if announces_points(paragraph):
        return True
    forms = cue_forms()
    return any(word in forms for word in _WORD.findall(paragraph.lower()))


@dataclass(frozen=True, slots=True)
class Excerpt:
    """The paragraphs of an article worth parsing, joined as `Article.text` joins them, with a way back."""

    text: str
    paragraphs: tuple[int, ...]  # the article paragraph each excerpt paragraph is
    starts: tuple[int, ...]  # where each excerpt paragraph starts in `text`
    article_starts: tuple[int, ...]  # where each article paragraph starts in `Article.text`

    def to_article(self, offset: int) -> int:
        """The offset in `Article.text` of character `offset` of the excerpt."""
        index = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return self.article_starts[self.paragraphs[index]] + offset - self.starts[index]


def excerpts(
    article: Article, context: int = CONTEXT_PARAGRAPHS, everything: bool = False, max_chars: int = MAX_PARSE_CHARS
) -> list[Excerpt]:
    """The paragraphs that may hold a statement, each with `context` paragraphs before it (or all of them,
    with `everything`), in pieces of at most `max_chars` so that no text is too long for the parser."""
    paragraphs = article.paragraphs
    keep: set[int] = set(range(len(paragraphs))) if everything else set()
    for index, paragraph in enumerate(paragraphs):
        if not everything and may_hold_statement(paragraph):
            keep.update(range(max(index - context, 0), index + 1))
    article_starts: list[int] = []
    position = 0
    for paragraph in paragraphs:
        article_starts.append(position)
        position += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    pieces: list[list[int]] = [[]]
    size = 0
    for index in sorted(keep):
        length = len(paragraphs[index]) + len(PARAGRAPH_SEPARATOR)
        if pieces[-1] and size + length > max_chars:
            pieces.append([])
            size = 0
        pieces[-1].append(index)
        size += length
    return [_excerpt(article, chosen, tuple(article_starts)) for chosen in pieces]


def _excerpt(article: Article, chosen: list[int], article_starts: tuple[int, ...]) -> Excerpt:
    starts: list[int] = []
    position = 0
    for index in chosen:
        starts.append(position)
        position += len(article.paragraphs[index]) + len(PARAGRAPH_SEPARATOR)
    # A paragraph longer than the parser takes is cut; no news paragraph comes near it.
    text = PARAGRAPH_SEPARATOR.join(article.paragraphs[index][:MAX_PARSE_CHARS] for index in chosen)
    return Excerpt(text, tuple(chosen), tuple(starts), article_starts)


def statements_from_doc(
    article: Article, doc: Doc, taxonomy: Taxonomy | None = None, part: Excerpt | None = None
) -> list[Statement]:
    """Place each attribution found in `doc` in its article, and tag it.

    `doc` is the parse of `article.text`, or of `part` (an excerpt of it) when one is given.
    """
    statements = []
    for found in extract_attributions(doc):
        if part is not None and found.speaker_type == "person" and found.speaker and " " not in found.speaker:
            # The full name may sit in a paragraph the prefilter did not parse: "Zhang" → "Zhang Wei".
            found.speaker = full_name_in_text(article.text, found.speaker)
        start = part.to_article(found.start) if part is not None else found.start
        statements.append(
            Statement(
                doc=article.name,
                date=article.date,
                outlet=article.outlet,
                paragraph=article.paragraph_at(start),
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


_CAPITALIZED = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?"


def full_name_in_text(text: str, name: str) -> str:
    """The two-word name that ends or starts with `name` in `text` ("Wei Zhang", "Zhang Wei"), when the text
    gives exactly one; `name` itself otherwise. Titles, stop words and cue words are no given names."""
    escaped = re.escape(name)
    found: set[str] = set()
    for match in re.finditer(rf"\b({_CAPITALIZED}) {escaped}\b|\b{escaped} ({_CAPITALIZED})\b", text):
        other = match.group(1) or match.group(2)
        lower = other.lower()
        if lower in STOP_WORDS or lower in ROLE_NOUNS or lower in cue_forms() or speaking_place(other):
            continue
        found.add(match.group(0))
    return found.pop() if len(found) == 1 else name


def extract_statements(
    nlp: Language,
    articles: Iterable[Article],
    taxonomy: Taxonomy | None = None,
    batch_size: int = BATCH_SIZE,
    prefilter: bool = True,
) -> Iterator[tuple[Article, list[Statement]]]:
    """Parse articles in batches and yield each with its statements, in input order.

    With `prefilter`, only the excerpts of each article that may hold a statement are parsed.
    """

    def pieces() -> Iterator[tuple[str, tuple[Article, Excerpt, bool]]]:
        for article in articles:
            parts = excerpts(article, everything=not prefilter)
            for number, part in enumerate(parts, start=1):
                yield part.text, (article, part, number == len(parts))

    found: list[Statement] = []
    for doc, (article, part, last) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        found += statements_from_doc(article, doc, taxonomy, part)
        if last:
            yield article, found
            found = []


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
