"""Statements in one article's parse: direct quotes, reported speech and mixtures, with their speaker.

The rules run paragraph by paragraph, in text order, so that coreference only ever looks back:
  1. every speech cue outside quotation marks with a speaker-like subject and some content (a clause,
     the clause it interrupts, or an object for "stressed"/"called for") makes a statement; a quote the
     content touches is taken whole;
  2. "According to X, …" makes a statement of the clause it modifies;
  3. a quote left over joins the statement whose cue shares its sentence, or the previous statement of
     the paragraph when it opens a sentence ("A," he said. "B."); a paragraph of quotes alone continues
     the last speaker.
Everything is linear in the number of tokens apart from short backward scans in coreference.

Rules 1 and 2 live in `cue_statements`, the drafts they build in `drafts`; this module walks the paragraphs,
follows announced lists and transcripts, attaches leftover quotes (rule 3) and finishes the statements.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Span

from bot.corpus.coref import Speaker
from bot.corpus.cue_statements import cue_statements
from bot.corpus.drafts import Draft, ParsedArticle, merge_pieces, speaker_for
from bot.corpus.lists import announces_points, item_start, list_intro, ordinal_start
from bot.corpus.models import Attribution, StatementKind
from bot.corpus.name_phrases import clean_role
from bot.corpus.quotes import Paragraph
from bot.corpus.speakers import describe

_TURN_PARAGRAPH = re.compile(r"[\"“'‘]*\s*[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}:\s")
_TRANSCRIPT_TURN = re.compile(r"\s*(?:\(|[A-Z][A-Z.' -]{1,30}:)")
_STRIP = " \t\n,;:\"“”„«»'‘’-—–"


def extract_attributions(doc: Doc) -> list[Attribution]:
    """Every statement in `doc` (the parse of `Article.text`), in text order."""
    if not len(doc):
        return []
    article = ParsedArticle.of(doc)
    para_starts = [p.start for p in article.paragraphs]
    sentences_by_paragraph: dict[int, list[Span]] = {}
    for sent in doc.sents:
        if sent.text.strip():
            index = max(bisect.bisect_right(para_starts, sent.start_char) - 1, 0)
            sentences_by_paragraph.setdefault(index, []).append(sent)
    drafts: list[Draft] = []
    # Who announced a list, how many items are left, and the announcing verb.
    listing: tuple[Speaker, int, int] | None = None
    for index in range(len(article.paragraphs)):
        sentences = sentences_by_paragraph.get(index, [])
        if listing is not None and sentences:
            speaker, left, verb = listing
            item = _list_item(article, index, sentences[0], speaker)
            listing = (speaker, left - 1, verb) if item is not None and left > 1 else None
            if item is not None:
                # "put forward three proposals" says nothing by itself once its items are spelled out.
                drafts = [d for d in drafts if d.cue_token != verb]
                drafts.append(item)
                continue
        para = article.paragraphs[index]
        if sentences and _TURN_PARAGRAPH.match(article.text, para.start, para.end):
            # "WALLACE: …" / "PENCE: …": a transcript is the interview itself, not statements reported in it;
            # nor does a quote-only paragraph after it continue an earlier speaker.
            article.coref.heard(sentences[0].start, Speaker(None, None, "unknown"))
            listing = None
            continue
        found = cue_statements(article, index, sentences)
        _attach_quotes(article, index, sentences, found)
        if not found and sentences and drafts and drafts[-1].paragraph == index - 1:
            point = _enumerated_point(article, index, sentences[0], drafts[-1])
            if point is not None:
                found.append(point)
        found.sort(key=lambda d: d.position)
        drafts.extend(found)
        listing = _list_announced(article, sentences[-1]) if sentences else None
    finished: list[Attribution] = []
    seen: set[tuple[int, int, str]] = set()
    for attribution in (_finish(article, d) for d in drafts):
        if attribution is None:
            continue
        key = (attribution.start, attribution.end, attribution.text)
        if key not in seen:  # two cues of one speaker on one span ("continued to say") make one statement
            seen.add(key)
            finished.append(attribution)
    return finished


def _list_announced(article: ParsedArticle, sent: Span) -> tuple[Speaker, int, int] | None:
    intro = list_intro(sent)
    if intro is None:
        return None
    verb, subject, count = intro
    mention = describe(subject)
    speaker = speaker_for(article, mention, set()) if mention is not None else None
    return (speaker, count, verb.i) if speaker is not None and speaker.name else None


def _enumerated_point(article: ParsedArticle, paragraph: int, first: Span, last: Draft) -> Draft | None:
    """ "Secondly, …" or "1. …" right after a paragraph with a statement goes on with that speaker's points
    (a numbered item only after an announcement ending with a colon)."""
    if last.speaker is None or not last.speaker.name:
        return None
    para = article.paragraphs[paragraph]
    start = ordinal_start(article.text, para.start, para.end)
    if start is None and announces_points(article.text[para.start : para.end]):
        start = para.start  # "The goals are as follows: firstly …, secondly …"
    if start is None:
        previous = article.paragraphs[last.paragraph]
        if article.text[previous.start : previous.end].rstrip().endswith(":"):
            start = item_start(article.text, para.start, para.end)
    if start is None:
        return None
    quotes = set(article.quotes_in.get(paragraph, []))
    return Draft(first.start, paragraph, 0, [(start, para.end)], quotes, "", last.speaker, first.start)


def _list_item(article: ParsedArticle, paragraph: int, first: Span, speaker: Speaker) -> Draft | None:
    """One item of an announced list: the whole paragraph after its marker is the speaker's."""
    para = article.paragraphs[paragraph]
    start = item_start(article.text, para.start, para.end)
    if start is None:
        return None
    quotes = set(article.quotes_in.get(paragraph, []))
    position = first.start
    return Draft(position, paragraph, 0, [(start, para.end)], quotes, "", speaker, position)


def _attach_quotes(article: ParsedArticle, paragraph: int, sentences: list[Span], found: list[Draft]) -> None:
    """Quotes no cue claimed: interrupted quotes, quotes after "he said.", quote-only paragraphs."""
    if not sentences:
        return
    used = set().union(*(d.quotes for d in found)) if found else set()
    para = article.paragraphs[paragraph]
    text = article.text
    in_paragraph = article.quotes_in.get(paragraph, [])
    outside = text[para.start : para.end]
    for other in in_paragraph:
        outside = outside.replace(text[article.quotes[other].start : article.quotes[other].end], "")
    quote_only = sum(c.isalpha() for c in outside) < 3
    for q in in_paragraph:
        quote = article.quotes[q]
        if q in used:
            continue
        sent_index = next((n for n, s in enumerate(sentences) if s.start_char <= quote.start < s.end_char + 1), None)
        if sent_index is None:
            continue
        sent = sentences[sent_index]
        opens_sentence = not any(c.isalnum() for c in text[sent.start_char : quote.start])
        # A quote never joins a statement whose cue sits in another paragraph of a sentence run across one.
        same_sentence = [
            d
            for d in found
            if d.sentence == sent_index and article.paragraph_of(article.doc[d.cue_token].idx) == quote.paragraph
        ]
        earlier = [d for d in found if d.position < _first_token(sent)]
        if same_sentence:
            target = min(same_sentence, key=lambda d: abs(d.cue_token - _first_token(sent)))
        elif opens_sentence and earlier:
            target = earlier[-1]
        else:
            target = None
        if target is not None:
            target.pieces = merge_pieces([*target.pieces, (quote.start, quote.end)])
            target.quotes.add(q)
            continue
        at_paragraph_start = not any(c.isalnum() for c in text[para.start : quote.start])
        if _TRANSCRIPT_TURN.match(text, quote.start):
            continue  # "WALLACE: …" inside marks is a transcript, not someone's statement
        if not (quote_only or (at_paragraph_start and not found)):
            continue
        # '"…?" Vitter demanded.': a paragraph that names a subject outside its quotes names its speaker.
        speaker = article.coref.last_speaker(_first_token(sent))
        if speaker is not None and speaker.name and not quote_only:
            speaker = _named_in_paragraph(article, para) or speaker
        if speaker is None or not speaker.name:
            continue
        found.append(
            Draft(
                _first_token(sent),
                paragraph,
                sent_index,
                [(quote.start, quote.end)],
                {q},
                "",
                speaker,
                _first_token(sent),
            )
        )


def _named_in_paragraph(article: ParsedArticle, para: Paragraph) -> Speaker | None:
    """The person or organization named as a subject in the paragraph, outside its quotes."""
    doc = article.doc
    for token in doc.char_span(para.start, para.end, alignment_mode="expand") or ():
        if article.quote_of[token.i] >= 0 or token.dep_ != "nsubj" or token.ent_type_ not in {"PERSON", "ORG"}:
            continue
        mention = describe(token)
        if mention is not None and mention.kind == "name":
            speaker = article.coref.resolve(mention)
            if speaker is not None and speaker.name:
                return speaker
    return None


def _first_token(sent: Span) -> int:
    return sent.start


def _finish(article: ParsedArticle, draft: Draft) -> Attribution | None:
    text_all = article.text
    parts = [text_all[s:e].strip(_STRIP) for s, e in draft.pieces]
    parts = [p for p in parts if any(c.isalnum() for c in p)]
    if not parts:
        return None
    text = " ".join(parts)
    if sum(c.isalpha() for c in text) < 6:
        return None
    kind = _kind(article, draft)
    speaker = draft.speaker or Speaker(None, None, "unknown")
    return Attribution(
        text=text,
        kind=kind,
        cue=draft.cue,
        speaker=speaker.name,
        speaker_role=clean_role(speaker.role),
        speaker_type=speaker.type,
        start=draft.pieces[0][0],
        end=draft.pieces[-1][1],
    )


def _kind(article: ParsedArticle, draft: Draft) -> StatementKind:
    if not draft.quotes:
        return "indirect"
    doc = article.doc
    outside = [t for i in draft.content if article.quote_of[i] < 0 and (t := doc[i]).is_alpha]
    return "mixed" if outside else "direct"
