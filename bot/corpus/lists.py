"""Proposals announced in one paragraph and spelled out, one paragraph each, in the paragraphs after it.

"X raised four proposals." followed by "-- The SCO should …" or "First, the organisation should …"
paragraphs: each item is X's statement though no cue sits next to it. The announcement needs a
number (or "the following"), so an ordinary paragraph that happens to open with a dash is never taken.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from bot.corpus.cue_verbs import subject_of
from bot.corpus.cues import PROPOSAL_NOUNS

# Verbs that announce a list of proposals; the object noun (PROPOSAL_NOUNS) says it is one.
_LIST_VERBS = frozenset(
    "raise put advance propose make offer outline present set list unveil table submit announce".split()
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
# When the announcement gives no number ("the following proposals:"), the markers alone end the list.
_OPEN_COUNT = 12
_ORDINALS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|firstly|secondly|thirdly|fourthly"
    "|fifthly|finally|lastly|last"
)
# A list item opens with a dash or bullet, "1." / "(a)", or an ordinal word and a comma.
_MARKER = re.compile(rf"\s*(?:[-–—•*·]+\s*|\(?\d{{1,2}}[.)]\s+|\([a-z]\)\s+|(?:{_ORDINALS}),\s+)", re.IGNORECASE)


def opens_list_item(paragraph: str) -> bool:
    """A paragraph that starts like a list item, which may continue an earlier speaker's proposals."""
    return _MARKER.match(paragraph) is not None


def list_intro(sent: Span) -> tuple[Token, Token, int] | None:
    """ "Xi raised four proposals …": the announcing verb, the speaker's head and how many items to expect."""
    for token in sent:
        if token.pos_ != "VERB" or token.lemma_.lower() not in _LIST_VERBS:
            continue
        for obj in token.children:
            if obj.dep_ not in {"dobj", "nsubjpass"} or obj.lemma_.lower() not in PROPOSAL_NOUNS:
                continue
            count = _count(obj)
            subject = subject_of(token) if count else None
            if subject is not None and count:
                return token, subject, count
    return None


def _count(noun: Token) -> int:
    if noun.tag_ not in {"NNS", "NNPS"}:
        return 0
    for child in noun.children:
        if child.dep_ == "nummod":
            if child.text.isdigit():
                return int(child.text)
            return _NUMBERS.get(child.lower_, 0)
        if child.dep_ == "amod" and child.lower_ == "following":
            return _OPEN_COUNT
    return 0


def item_start(text: str, start: int, end: int) -> int | None:
    """Where the words of a list item begin, or None when the paragraph is no list item."""
    match = _MARKER.match(text, start, end)
    if match is None or match.end() >= end:
        return None
    return match.end()


# "Firstly, …", "Secondly, …": an ordinal that carries on the point the previous paragraph's speaker made.
_ORDINAL_ITEM = re.compile(
    r"\s*(?:second|third|fourth|fifth|firstly|secondly|thirdly|fourthly|fifthly|finally|lastly),\s+",
    re.IGNORECASE,
)


def ordinal_start(text: str, start: int, end: int) -> int | None:
    """Where an enumerated point begins ("Secondly, the bloc …"), or None when the paragraph opens otherwise."""
    match = _ORDINAL_ITEM.match(text, start, end)
    if match is None or match.end() >= end or not text[start:end].lstrip()[:1].isupper():
        return None
    return start + len(text[start:end]) - len(text[start:end].lstrip())


_FOLLOWS = re.compile(r"\bas follows\s*:\s*\w|:\s*(?:firstly|first of all)\b", re.IGNORECASE)


def announces_points(paragraph: str) -> bool:
    """ "The goals are as follows: firstly …": a paragraph that spells out points with no cue of its own."""
    return _FOLLOWS.search(paragraph) is not None
