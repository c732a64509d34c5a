"""An article's parse indexed for lookups by token, and the drafts of statements the rules build on it.

A draft is a statement before its text is cut out: the cue, the speaker, and the character spans of its
content and quotes, kept within the cue's paragraph.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from bot.corpus.content import trim
from bot.corpus.coref import Coreference, Speaker
from bot.corpus.quotes import Paragraph, Quote, find_quotes, paragraphs_of
from bot.corpus.speakers import Mention

# Sources the article will not name ("sources said") do not count; groups that speak ("police said",
# "experts say", "Democrats argued") do, under the group's own words as the speaker.
KEEP_ANONYMOUS = False


@dataclass(slots=True)
class Draft:
    """A statement before its text is cut out: where it sits, its spans and quotes, its cue and speaker."""

    position: int
    paragraph: int
    sentence: int
    pieces: list[tuple[int, int]]
    quotes: set[int]
    cue: str
    speaker: Speaker | None
    cue_token: int
    content: set[int] = field(default_factory=set)


@dataclass(slots=True)
class ParsedArticle:
    """The parse with its paragraphs and quotes, indexed for lookups by token."""

    doc: Doc
    # `Doc.text` is rebuilt on every access; one copy keeps the rules linear.
    text: str
    paragraphs: list[Paragraph]
    quotes: list[Quote]
    quote_of: list[int]
    quotes_in: dict[int, list[int]]
    coref: Coreference

    def paragraph_of(self, offset: int) -> int:
        starts = [p.start for p in self.paragraphs]
        return max(bisect.bisect_right(starts, offset) - 1, 0)

    @classmethod
    def of(cls, doc: Doc) -> ParsedArticle:
        text = doc.text
        paragraphs = paragraphs_of(text)
        quotes = find_quotes(text, paragraphs)
        starts = [q.start for q in quotes]
        quote_of = []
        for token in doc:
            k = bisect.bisect_right(starts, token.idx) - 1
            quote_of.append(k if k >= 0 and token.idx < quotes[k].end else -1)
        quotes_in: dict[int, list[int]] = {}
        for index, quote in enumerate(quotes):
            quotes_in.setdefault(quote.paragraph, []).append(index)
        return cls(doc, text, paragraphs, quotes, quote_of, quotes_in, Coreference.of(doc))


def within_paragraph(article: ParsedArticle, cue: Token, content: set[int]) -> set[int]:
    """A statement never crosses a paragraph break, even where the parser ran a sentence across one (a
    headline or crosshead without a full stop); only "X said:" carries on into the paragraph after it."""
    doc = article.doc
    para = article.paragraph_of(doc[cue.i].idx)
    start, end = article.paragraphs[para].start, article.paragraphs[para].end
    if article.text[start:end].rstrip().endswith(":") and para + 1 < len(article.paragraphs):
        end = article.paragraphs[para + 1].end
    return {i for i in content if start <= doc[i].idx < end}


_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "AUX", "PRON", "NUM"})


def speaker_for(article: ParsedArticle, mention: Mention, content: set[int]) -> Speaker | None:
    """Who `mention` stands for: a group under its own words, no one for an anonymous source, anyone else as
    coreference resolves them, skipping people inside `content` (the statement itself)."""
    if mention.kind == "anonymous":
        return Speaker(None, None, "unknown") if KEEP_ANONYMOUS else None
    if mention.kind == "group":
        return Speaker(mention.name, None, "unknown")
    resolved = article.coref.resolve(mention, exclude=content)
    if resolved is None and mention.kind == "relative":
        if mention.head.lower_ == "who":
            return Speaker(None, None, "person")  # "an architect who said …": someone the article does not name
        return None  # "a principle which confirms …": the antecedent is no speaker
    if resolved is None:
        return Speaker(None, None, mention.type)
    return resolved


def make_draft(
    article: ParsedArticle,
    paragraph: int,
    sentence: int,
    cue: Token,
    content: set[int],
    cue_word: str,
    speaker: Speaker,
) -> Draft | None:
    """`cue`'s statement over `content`, kept to its paragraph and trimmed at its edges; None when no word
    of substance is left."""
    doc = article.doc
    content = within_paragraph(article, cue, content)
    tokens = trim([doc[i] for i in sorted(content)])
    if not tokens:
        return None
    kept = {t.i for t in tokens if tokens[0].i <= t.i <= tokens[-1].i and t.i in content}
    quotes = {article.quote_of[i] for i in kept if article.quote_of[i] >= 0}
    if not quotes and not any(doc[i].pos_ in _CONTENT_POS for i in kept):
        return None  # "according to X, basically": a bare word is no statement
    pieces = _runs(doc, sorted(kept))
    for q in quotes:
        quote = article.quotes[q]
        pieces.append((quote.start, quote.end))
    pieces = merge_pieces(pieces)
    return Draft(cue.i, paragraph, sentence, pieces, quotes, cue_word, speaker, cue.i, kept)


def _runs(doc: Doc, indices: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    prev = 0
    for i in indices:
        if start is None:
            start = prev = i
        elif i == prev + 1 or (i == prev + 2 and doc[prev + 1].is_space):
            prev = i
        else:
            runs.append((doc[start].idx, doc[prev].idx + len(doc[prev])))
            start = prev = i
    if start is not None:
        runs.append((doc[start].idx, doc[prev].idx + len(doc[prev])))
    return runs


def merge_pieces(pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans in order, with overlapping or adjacent ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
