"""What a speech cue reports: the token indices of its content, and the edges trimmed off them.

A cue verb only makes a statement with content: a clausal complement ("said that …"), the main clause
it interrupts ("…, he said." / "As X pointed out, …"), or, for verbs like "stressed" and "called for",
its object. "X met Y" and "X thanked the hosts" have no such content and yield nothing.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from bot.corpus.cue_verbs import is_cue_verb, made_clear, phrasal_particle
from bot.corpus.cues import (
    ADDRESSEE_CUES,
    CLAUSE_CUES,
    CONTENT_OBJECT_CUES,
    EXPRESSED_NOUNS,
    PROPOSAL_NOUNS,
    REPORTER_NOUNS,
)

_CLAUSE_DEPS = frozenset({"ccomp"})
_PARENTHETICAL_DEPS = frozenset({"parataxis", "advcl", "ccomp", "conj"})
_EDGE_WORDS = frozenset({"that", "and", "but", "whether", ",", ":", ";", "-", "—", "–", "as"})


def _subtree(token: Token) -> set[int]:
    return set(range(token.left_edge.i, token.right_edge.i + 1))


def content_of(verb: Token, subject: Token) -> set[int]:
    """Token indices of what `verb` reports; empty when the verb reports no content."""
    lemma = verb.lemma_.lower()
    content: set[int] = set()
    clear = made_clear(verb)
    if clear is not None:
        # "made it clear that X": X, whether the parser hung it on "clear" or on "made".
        for head in (clear, verb):
            for child in head.children:
                if child.dep_ in {"ccomp", "advcl"} and child.i > clear.i:
                    content |= _subtree(child)
        return content
    for child in verb.children:
        if child.dep_ in _CLAUSE_DEPS and child.i != subject.i and not _adjunct_clause(verb, child):
            content |= _subtree(child)
    if content:
        return content
    if lemma in CLAUSE_CUES:
        for child in verb.children:
            if _unmarked_clause(verb, child):
                content |= _subtree(child)
        if content:
            return content
        clause = _clause_in_setting(verb)
        if clause is not None:
            return _subtree(clause)
    particle = phrasal_particle(verb)
    if particle is not None and particle.dep_ == "prep":
        # "called for X", "called on X to Y": the object of the preposition (and what follows it).
        for child in particle.children:
            if child.dep_ in {"pobj", "pcomp"}:  # "called for talks", "called for ending the war"
                content |= _subtree(child)
        for child in verb.children:
            if child.dep_ in {"xcomp", "advcl"} and child.i > particle.i and not _own_clause(child):
                content |= _subtree(child)
        return content
    for child in verb.children:
        if child.dep_ == "xcomp" and lemma not in {"continue"}:
            content |= _subtree(child)
        elif lemma in _REQUEST_VERBS and child.dep_ == "advcl" and child.i > verb.i and _infinitive(child):
            # "pressed X at the meeting to end Y": the request the parser hung on the verb as an adverbial.
            content |= _subtree(child)
    if content:
        # "urged X to Y": the addressee belongs with the request.
        for child in verb.children:
            if child.dep_ == "dobj":
                content |= _subtree(child)
        return content
    objects = [c for c in verb.children if c.dep_ in {"dobj", "oprd"}]
    if lemma == "express":
        objects = [o for o in objects if o.lemma_.lower() in EXPRESSED_NOUNS]
    elif lemma in {"raise", "put", "advance"}:
        # Proposals count when they are spelled out: "raised four proposals: …".
        objects = [
            o
            for o in objects
            if o.lemma_.lower() in PROPOSAL_NOUNS and (any(c.dep_ == "nummod" for c in o.children) or _colon_after(o))
        ]
    elif lemma == "assess":
        # "highly assessed X" praises X; "assessed the progress" reports a meeting.
        objects = objects if any(c.dep_ == "advmod" and c.lower_ in _APPRAISALS for c in verb.children) else []
    elif lemma == "call":
        objects = [o for o in objects if any(c.dep_ == "oprd" for c in verb.children)]
    elif lemma not in CONTENT_OBJECT_CUES | {"assess"} and not (particle is not None):
        objects = []
    for obj in objects:
        if obj.pos_ == "PRON" and obj.lower_ in {"it", "this", "that", "so", "him", "her", "them"}:
            continue
        content |= _subtree(obj)
        if _colon_after(obj) or any(t.text == ":" for t in obj.sent if t.i > obj.right_edge.i):
            # "put forward four suggestions during the meeting: …": the list is the content.
            colon = next(t.i for t in obj.sent if t.i > obj.i and t.text == ":")
            content |= set(range(colon + 1, obj.sent.end))
    if content and lemma in ADDRESSEE_CUES:
        return set()
    return content


def _clause_in_setting(verb: Token) -> Token | None:
    """ "said in remarks to IRNA that X": the that-clause the parser hung on a noun of the cue's setting."""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.i < verb.i:
            continue
        for token in prep.subtree:
            if token.dep_ in {"acl", "ccomp"} and token.head.pos_ in {"NOUN", "PROPN"} and _that_clause(token):
                return token
    return None


def _that_clause(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)


_SUBORDINATORS = frozenset(
    "after before when while because since until although though if once unless whereas as".split()
)


_APPRAISALS = frozenset({"highly", "positively", "negatively", "favorably", "favourably", "critically"})
_REQUEST_VERBS = frozenset({"urge", "press", "ask", "encourage", "appeal", "implore", "exhort"})


def _infinitive(clause: Token) -> bool:
    children = list(clause.children)
    return any(c.tag_ == "TO" for c in children) and not any(c.dep_ in {"nsubj", "mark"} for c in children)


def _own_clause(clause: Token) -> bool:
    """ "…, while Y proposed Z": a clause with a subject of its own is another statement, not the request."""
    return any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in clause.children) or any(
        c.dep_ == "mark" and c.lower_ != "to" for c in clause.children
    )


def _adjunct_clause(verb: Token, clause: Token) -> bool:
    """ "…," Warren told him, after he admitted …": a comma and a subordinator start a time or reason
    clause the parser hung on the cue as its complement; it is not what was said."""
    first = clause.left_edge
    return first.i > verb.i and first.lower_ in _SUBORDINATORS and verb.doc[first.i - 1].text == ","


def _unmarked_clause(verb: Token, clause: Token) -> bool:
    """ "said after the convention he would not …": a finite clause with its own subject and no
    subordinator, parsed as an adverbial because a time phrase sits between it and the cue."""
    if clause.dep_ != "advcl" or clause.i < verb.i or clause.pos_ not in {"VERB", "AUX"}:
        return False
    children = list(clause.children)
    if not any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in children):
        return False
    if any(c.dep_ == "mark" or (c.dep_ == "advmod" and c.tag_ in {"WRB"}) for c in children):
        return False
    return clause.tag_ in {"VBD", "VBZ", "VBP", "MD"} or any(c.dep_ == "aux" for c in children)


def _colon_after(token: Token) -> bool:
    doc = token.doc
    return any(doc[i].text == ":" for i in range(token.i + 1, min(token.right_edge.i + 2, len(doc))))


def parenthetical_content(verb: Token, subject: Token) -> set[int]:
    """ "…, X said." and "As X pointed out, …": the clause the cue interrupts, without the cue."""
    if verb.dep_ not in _PARENTHETICAL_DEPS or verb.head is verb:
        return set()
    head = verb.head
    if head.pos_ not in {"VERB", "AUX", "NOUN", "PROPN", "ADJ"}:
        return set()
    is_as = any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    if verb.dep_ == "advcl" and not is_as:
        return set()
    if verb.dep_ == "conj":
        # "A has happened, the press service told TASS": a trailing cue parsed as a conjunct.
        doc = verb.doc
        start = min(subject.left_edge.i, verb.i)
        if verb.i < head.i or start == 0 or doc[start - 1].text != "," or any(c.dep_ == "cc" for c in verb.children):
            return set()
    if verb.dep_ == "ccomp" and (verb.i < head.i or not (is_as or _set_off(verb, subject))):
        # "X has said [20 people have indicated …]": a complement, not a cue interrupting its head.
        return set()
    own = _subtree(verb)
    return {i for i in _subtree(head) if i not in own}


def _set_off(verb: Token, subject: Token) -> bool:
    """The cue frame follows a comma, dash or closing quote: ", he said" rather than "has said …"."""
    start = min(verb.left_edge.i, subject.left_edge.i, verb.i)
    return start > 0 and verb.doc[start - 1].text in {",", "-", "—", "–", "”", '"', "''", "("}


def leading_content(verb: Token, subject: Token, sentence: Span) -> set[int]:
    """ "CONTENT, X said on Tuesday." when the parser left the content unattached to the cue."""
    if verb.lemma_.lower() not in CLAUSE_CUES:
        return set()
    doc = verb.doc
    if subject.i < verb.i and any(
        doc[k].text == "," or doc[k].pos_ == "VERB" for k in range(subject.right_edge.i + 1, verb.i)
    ):
        return set()  # "he said at a briefing, responding to a question": the subject is borrowed
    start = min(subject.left_edge.i, verb.i)
    # The cue frame runs back to the comma that ends the content: "…, Russian Ambassador to X Y told Z."
    j = start - 1
    while j >= sentence.start and doc[j].text not in {",", "\u201d", '"'} and doc[j].pos_ not in {"VERB", "AUX"}:
        j -= 1
    if j < sentence.start or doc[j].pos_ in {"VERB", "AUX"}:
        return set()
    if any(doc[k].dep_ == "mark" for k in range(j + 1, start)):
        return set()  # "…, while 73 percent said the same": a subordinate cue does not report the main clause
    start = j
    before = [t for t in sentence if t.i < start]
    if len(before) < 4:
        return set()
    # Only a finished clause with its own subject can be what was said ("Speaking at X, Y expressed …" is not).
    if not any(t.dep_ in {"nsubj", "nsubjpass", "expl"} and t.head.i < start for t in before):
        return set()
    return {t.i for t in before}


def according_to(token: Token) -> tuple[Token, set[int]] | None:
    """ "According to X, …" / "…, according to X.": X and the content tokens."""
    if token.lower_ != "according":
        return None
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None:
        return None
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    own = _subtree(token)
    if source.lemma_.lower() in REPORTER_NOUNS:
        return None
    if token.head.pos_ == "VERB" and is_cue_verb(token.head):
        # "According to X, Y said Z": the cue verb's own subject is the speaker.
        return None
    head = token.head
    while head.dep_ not in {"ROOT"} and head.pos_ not in {"VERB", "AUX"} and head.head is not head:
        head = head.head
    scope = _subtree(head) if head.pos_ in {"VERB", "AUX"} else {t.i for t in token.sent}
    first, last = paragraph_bounds(token)
    content = {i for i in scope if i not in own and first <= i <= last}
    if not content:
        # A crosshead without a full stop parsed into this sentence took the clause as its own: the rest of
        # the paragraph's sentence is what was said.
        content = {i for i in range(first, min(last, token.sent.end - 1) + 1) if i not in own}
    if not content and token.i == first:
        # "According to X, Y." parsed with Y inside X's phrase: Y is what follows the comma after X.
        doc = token.doc
        end = min(last, token.sent.end - 1)
        comma = next((i for i in range(source.i + 1, end + 1) if doc[i].text == ","), None)
        if comma is not None:
            content = set(range(comma + 1, end + 1))
    return source, content


def paragraph_bounds(token: Token) -> tuple[int, int]:
    """The first and last token index of the paragraph `token` is in (paragraphs end at a blank line)."""
    doc = token.doc
    sent = token.sent
    first = token.i
    while first > sent.start and "\n\n" not in doc[first - 1].text:
        first -= 1
    last = token.i
    while last + 1 < sent.end and "\n\n" not in doc[last + 1].text:
        last += 1
    return first, last


def trim(doc_tokens: list[Token]) -> list[Token]:
    """Drop what sits at the edges of a content clause but is not content: "that", commas, quote marks."""
    while doc_tokens and (doc_tokens[0].lower_ in _EDGE_WORDS or doc_tokens[0].is_punct or doc_tokens[0].is_space):
        doc_tokens = doc_tokens[1:]
    while doc_tokens and (doc_tokens[-1].lower_ in _EDGE_WORDS or doc_tokens[-1].is_punct or doc_tokens[-1].is_space):
        doc_tokens = doc_tokens[:-1]
    return doc_tokens
