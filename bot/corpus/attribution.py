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
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from bot.corpus.content import (
    according_to,
    content_of,
    cue_text,
    is_cue_verb,
    leading_content,
    merge_conjoined,
    parenthetical_content,
    subject_of,
    trim,
)
from bot.corpus.coref import Coreference, Speaker
from bot.corpus.cues import MEDIA_WORDS, WIRE_AGENCIES
from bot.corpus.lists import announces_points, item_start, list_intro, ordinal_start
from bot.corpus.models import Attribution, StatementKind
from bot.corpus.quotes import Paragraph, Quote, find_quotes, paragraphs_of
from bot.corpus.speakers import Mention, clean_role, describe

# Sources the article will not name ("sources said") do not count; groups that speak ("police said",
# "experts say", "Democrats argued") do, under the group's own words as the speaker.
KEEP_ANONYMOUS = False
_TURN_PARAGRAPH = re.compile(r"[\"“'‘]*\s*[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}:\s")
_TRANSCRIPT_TURN = re.compile(r"\s*(?:\(|[A-Z][A-Z.' -]{1,30}:)")
_STRIP = " \t\n,;:\"“”„«»'‘’-—–"


@dataclass(slots=True)
class _Draft:
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
class _Article:
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
    def of(cls, doc: Doc) -> _Article:
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


def extract_attributions(doc: Doc) -> list[Attribution]:
    """Every statement in `doc` (the parse of `Article.text`), in text order."""
    if not len(doc):
        return []
    article = _Article.of(doc)
    para_starts = [p.start for p in article.paragraphs]
    sentences_by_paragraph: dict[int, list[Span]] = {}
    for sent in doc.sents:
        if sent.text.strip():
            index = max(bisect.bisect_right(para_starts, sent.start_char) - 1, 0)
            sentences_by_paragraph.setdefault(index, []).append(sent)
    drafts: list[_Draft] = []
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
        found = _cue_statements(article, index, sentences)
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


def _list_announced(article: _Article, sent: Span) -> tuple[Speaker, int, int] | None:
    intro = list_intro(sent)
    if intro is None:
        return None
    verb, subject, count = intro
    mention = describe(subject)
    speaker = _speaker(article, mention, set()) if mention is not None else None
    return (speaker, count, verb.i) if speaker is not None and speaker.name else None


def _enumerated_point(article: _Article, paragraph: int, first: Span, last: _Draft) -> _Draft | None:
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
    return _Draft(first.start, paragraph, 0, [(start, para.end)], quotes, "", last.speaker, first.start)


def _list_item(article: _Article, paragraph: int, first: Span, speaker: Speaker) -> _Draft | None:
    """One item of an announced list: the whole paragraph after its marker is the speaker's."""
    para = article.paragraphs[paragraph]
    start = item_start(article.text, para.start, para.end)
    if start is None:
        return None
    quotes = set(article.quotes_in.get(paragraph, []))
    position = first.start
    return _Draft(position, paragraph, 0, [(start, para.end)], quotes, "", speaker, position)


def _cue_statements(article: _Article, paragraph: int, sentences: list[Span]) -> list[_Draft]:
    found: list[_Draft] = []
    for number, sent in enumerate(sentences):
        candidates: list[tuple[Token, Token, set[int], str]] = []
        for token in sent:
            if article.quote_of[token.i] >= 0:
                continue
            candidate = _candidate(article, token, sent)
            if candidate is not None:
                candidates.append(candidate)
        candidates = merge_conjoined(candidates)
        inside: set[int] = set()
        owners: list[tuple[int, Token, set[int], str, Speaker]] = []
        # Widest content first: in "X said Y told him that Z", Y's telling is part of what X said.
        for cue, subject, content, cue_word in sorted(candidates, key=lambda c: -len(c[2])):
            if cue.i in inside and not _split_nested(article, paragraph, number, cue, found, owners):
                continue
            if max(content) < cue.i and any(c[0].i in content and _named_subject(c[1]) for c in candidates):
                continue  # "A said B, the agency reports": the outlet narrates A's statement
            mention = describe(subject)
            if mention is None:
                continue
            content = _extend_back(article, sentences, number, cue, content)
            speaker = _speaker(article, mention, content)
            if speaker is None or _outlet_narration(article, cue, speaker, content):
                continue
            inside |= content
            if speaker is None:
                continue
            draft = _draft(article, paragraph, number, cue, content, cue_word, speaker)
            if draft is not None:
                owners.append((len(found), cue, content, cue_word, speaker))
                found.append(draft)
                article.coref.reported |= draft.content
                if speaker.name:
                    article.coref.heard(cue.i, speaker)
    return found


def _split_nested(
    article: _Article,
    paragraph: int,
    number: int,
    cue: Token,
    found: list[_Draft],
    owners: list[tuple[int, Token, set[int], str, Speaker]],
) -> bool:
    """ "X said A, though she noted B": a cue with a subject of its own in a clause joined to what X said is a
    second statement, and the outer one loses that clause. "X said Y told him that Z" stays one."""
    if cue.dep_ not in {"advcl", "conj"} or not any(c.dep_ == "nsubj" for c in cue.children):
        return False
    if not any(c.dep_ in {"mark", "cc"} and c.lower_ in _CONTRASTS for c in cue.children):
        return False  # "said A as he stressed B" is one statement
    for k, (index, outer_cue, content, cue_word, speaker) in enumerate(owners):
        if cue.i not in content:
            continue
        rest = content - set(range(cue.left_edge.i, cue.right_edge.i + 1))
        if sum(article.doc[i].is_alpha for i in rest) < 4:
            return False
        draft = _draft(article, paragraph, number, outer_cue, rest, cue_word, speaker)
        if draft is None:
            return False
        found[index] = draft
        owners[k] = (index, outer_cue, rest, cue_word, speaker)
        return True
    return False


def _candidate(article: _Article, token: Token, sent: Span) -> tuple[Token, Token, set[int], str] | None:
    according = according_to(token)
    if according is not None:
        source, content = according
        return (token, source, content, "according to") if content else None
    if not is_cue_verb(token) or _passive_participle(token) or _progressive(token) or _unrealized(token):
        return None
    subject = subject_of(token)
    if subject is None or article.quote_of[subject.i] >= 0:
        return None
    content = content_of(token, subject) or parenthetical_content(token, subject)
    if not content:
        content = leading_content(token, subject, sent)
    frame = set(range(subject.left_edge.i, subject.right_edge.i + 1)) | {token.i}
    content -= frame
    if not content and not _embedded(token):
        content = _quote_in_sentence(article, token, sent)
    content = _in_paragraph(article, token, content)
    if not content:
        return None
    return token, subject, content, cue_text(token)


def _in_paragraph(article: _Article, cue: Token, content: set[int]) -> set[int]:
    """A statement never crosses a paragraph break, even where the parser ran a sentence across one (a
    headline or crosshead without a full stop); only "X said:" carries on into the paragraph after it."""
    doc = article.doc
    para = article.paragraph_of(doc[cue.i].idx)
    start, end = article.paragraphs[para].start, article.paragraphs[para].end
    if article.text[start:end].rstrip().endswith(":") and para + 1 < len(article.paragraphs):
        end = article.paragraphs[para + 1].end
    return {i for i in content if start <= doc[i].idx < end}


# Verbs whose infinitive has not happened ("plans to call on", "appeared to suggest") or is someone else's
# to do ("encouraged his supporters to ask"); "took to Twitter to accuse" has happened.
_PROSPECTIVE = frozenset(
    """
    plan intend want wish expect hope appear seem try attempt aim prepare refuse decline need like love
    encourage invite allow permit
    """.split()
)


_MODALS = frozenset({"will", "'ll", "shall"})


def _unrealized(cue: Token) -> bool:
    """ "plans to call on", "appeared to suggest", "encouraged them to ask", "if they did not confirm": a cue
    in the infinitive of an intention or a request, or in a condition, says nothing yet."""
    if cue.tag_ != "VB":
        return False
    if any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in cue.children):
        return True
    if any(c.dep_ == "aux" and c.lower_ in _MODALS for c in cue.children):
        return True  # "will insist", "could argue": not said yet
    governor = cue.head
    infinitive = any(c.tag_ == "TO" for c in cue.children)
    return infinitive and cue.dep_ in {"xcomp", "advcl"} and governor.lemma_.lower() in _PROSPECTIVE


def _progressive(cue: Token) -> bool:
    """ "X is stressing/promising/demanding …": live-blog narration of a campaign, not a reported statement."""
    return (
        cue.tag_ == "VBG"
        and cue.lemma_.lower() not in {"say", "call"}
        and any(c.dep_ == "aux" and c.lemma_ == "be" for c in cue.children)
    )


def _passive_participle(cue: Token) -> bool:
    """ "…, X told reporters when asked whether …": the one asked is not the one who asks."""
    if cue.dep_ not in {"advcl", "acl"} or cue.tag_ not in {"VBN", "VBD"}:
        return False
    children = list(cue.children)
    if any(c.dep_ in {"nsubj", "nsubjpass", "aux", "auxpass"} or c.lower_ == "as" for c in children):
        return False
    return any(c.dep_ in {"advmod", "mark"} and c.lower_ in _WHEN for c in children)


_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "AUX", "PRON", "NUM"})
_CONTRASTS = frozenset({"though", "although", "while", "whereas", "but", "yet"})
_WHEN = frozenset({"when", "if", "once", "after", "before", "while", "whenever"})


def _embedded(cue: Token) -> bool:
    """A cue that cannot own the sentence's quote: in a relative clause ("the envoy, who wrote his post in
    Spanish, said …"), or a verb whose complement is the real cue ("continued to say")."""
    if cue.dep_ in {"relcl", "acl"}:
        return True
    return any(c.dep_ == "xcomp" and is_cue_verb(c) for c in cue.children)


def _outlet_narration(article: _Article, cue: Token, speaker: Speaker, content: set[int]) -> bool:
    """A news outlet reporting ("…, state-run X News reported.") is narration, not a statement; one
    that opens the sentence ("X News reported that …") is a source the article cites. Its text reproduced
    at length ("X reports:" and a quoted paragraph) is the article borrowing copy, and stays narration."""
    if not speaker.name or speaker.type not in {"organization", "person", "country"}:
        return False
    present = cue.tag_ in {"VBZ", "VBP"} and cue.lemma_.lower() in {"report", "write", "inform"}
    if present and speaker.name.lower() in WIRE_AGENCIES:
        return True  # "TASS reports", "Kazinform reports that …": the agency narrates; "Reuters reported" cites
    if cue.lemma_.lower() != "report" or speaker.type != "organization":
        return False
    if min(content) > cue.i and all(article.quote_of[i] < 0 for i in content):
        return False
    return any(word.lower() in MEDIA_WORDS for word in speaker.name.split())


def _named_subject(subject: Token) -> bool:
    mention = describe(subject)
    return mention is not None and mention.kind == "name"


def _extend_back(article: _Article, sentences: list[Span], number: int, cue: Token, content: set[int]) -> set[int]:
    """ "A. B, he highlighted.": one cue closing a paragraph reports the sentences before it too."""
    if number == 0 or not content or max(content) > cue.i or number != len(sentences) - 1:
        return content
    sent = sentences[number]
    if min(content) > sent.start + 1:
        return content
    if any(article.quote_of[i] >= 0 for i in content):
        return content
    earlier = {t.i for s in sentences[:number] for t in s}
    if any(article.quote_of[i] >= 0 for i in earlier):
        return content
    return content | earlier


def _quote_in_sentence(article: _Article, cue: Token, sent: Span) -> set[int]:
    """`He said: "…"` parsed without a complement: the nearest quote of the sentence is the content."""
    indices = [t.i for t in sent if article.quote_of[t.i] >= 0]
    if not indices:
        nxt = sent.end
        doc = article.doc
        if sent[-1].text == ":" or (len(sent) > 1 and sent[-2].text == ":"):
            while nxt < len(doc) and doc[nxt].is_space:
                nxt += 1
            if nxt < len(doc) and doc[nxt].is_punct and nxt + 1 < len(doc):
                nxt += 1
            if nxt < len(doc) and article.quote_of[nxt] >= 0:
                return {nxt}
        return set()
    nearest = min(indices, key=lambda i: abs(i - cue.i))
    return {nearest}


def _speaker(article: _Article, mention: Mention, content: set[int]) -> Speaker | None:
    if mention.kind == "anonymous":
        return Speaker(None, None, "unknown") if KEEP_ANONYMOUS else None
    if mention.kind == "group":
        return Speaker(mention.name, None, "unknown")
    resolved = article.coref.resolve(mention, exclude=content)
    if resolved is None and mention.kind == "relative":
        return None  # "a principle which confirms …": the antecedent is no speaker
    if resolved is None:
        return Speaker(None, None, mention.type)
    return resolved


def _draft(
    article: _Article,
    paragraph: int,
    sentence: int,
    cue: Token,
    content: set[int],
    cue_word: str,
    speaker: Speaker,
) -> _Draft | None:
    doc = article.doc
    content = _in_paragraph(article, cue, content)
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
    pieces = _merge(pieces)
    return _Draft(cue.i, paragraph, sentence, pieces, quotes, cue_word, speaker, cue.i, kept)


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


def _merge(pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _attach_quotes(article: _Article, paragraph: int, sentences: list[Span], found: list[_Draft]) -> None:
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
            target.pieces = _merge([*target.pieces, (quote.start, quote.end)])
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
            _Draft(
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


def _named_in_paragraph(article: _Article, para: Paragraph) -> Speaker | None:
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


def _finish(article: _Article, draft: _Draft) -> Attribution | None:
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


def _kind(article: _Article, draft: _Draft) -> StatementKind:
    if not draft.quotes:
        return "indirect"
    doc = article.doc
    outside = [t for i in draft.content if article.quote_of[i] < 0 and (t := doc[i]).is_alpha]
    return "mixed" if outside else "direct"
