"""Statements made by speech cues in one paragraph: the candidate cues, which of them speak, and over what.

A cue counts with a speaker-like subject and some content; cues nested in another's content, cues that
have not happened yet ("plans to say"), and an outlet narrating ("…, X News reported.") do not.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from bot.corpus.content import according_to, content_of, leading_content, parenthetical_content
from bot.corpus.coref import Speaker
from bot.corpus.cue_verbs import cue_text, is_cue_verb, merge_conjoined, subject_of
from bot.corpus.cues import MEDIA_WORDS, WIRE_AGENCIES
from bot.corpus.drafts import Draft, ParsedArticle, make_draft, speaker_for, within_paragraph
from bot.corpus.speakers import describe


def cue_statements(article: ParsedArticle, paragraph: int, sentences: list[Span]) -> list[Draft]:
    """The statements of the paragraph's cues outside quotation marks, each heard by coreference."""
    found: list[Draft] = []
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
            speaker = speaker_for(article, mention, content)
            if speaker is None or _outlet_narration(article, cue, speaker, content):
                continue
            inside |= content
            if speaker is None:
                continue
            draft = make_draft(article, paragraph, number, cue, content, cue_word, speaker)
            if draft is not None:
                owners.append((len(found), cue, content, cue_word, speaker))
                found.append(draft)
                article.coref.reported |= draft.content
                if speaker.name:
                    article.coref.heard(cue.i, speaker)
    return found


def _split_nested(
    article: ParsedArticle,
    paragraph: int,
    number: int,
    cue: Token,
    found: list[Draft],
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
        draft = make_draft(article, paragraph, number, outer_cue, rest, cue_word, speaker)
        if draft is None:
            return False
        found[index] = draft
        owners[k] = (index, outer_cue, rest, cue_word, speaker)
        return True
    return False


def _candidate(article: ParsedArticle, token: Token, sent: Span) -> tuple[Token, Token, set[int], str] | None:
    according = according_to(token)
    if according is not None:
        source, content = according
        return (token, source, content, "according to") if content else None
    if not is_cue_verb(token) or _passive_participle(token) or _progressive(token) or _unrealized(token):
        return None
    if any(c.dep_ == "auxpass" and c.lower_ not in _HAS_OR_IS for c in token.children):
        return None  # "as Putin was criticized by Western leaders": the one spoken of, not the one speaking
    if token.dep_ == "acl" and token.tag_ == "VBN" and not any(c.dep_ == "dobj" for c in token.children):
        return None  # "a group called X", "the text described as …": a participle that names, said by no one
    subject = subject_of(token)
    if subject is None or article.quote_of[subject.i] >= 0:
        return None
    content = content_of(token, subject) or parenthetical_content(token, subject)
    if not content:
        content = leading_content(token, subject, sent)
    # A subject whose phrase holds the cue ("Schiff, …, called on …" parsed as a reduced relative, "one of
    # those who …") keeps the cue's own words as content.
    frame = set(range(subject.left_edge.i, subject.right_edge.i + 1)) - {t.i for t in token.subtree} | {token.i}
    frame |= _fronted_setting(token, subject)
    content -= frame
    if not content and not _embedded(token):
        content = _quote_in_sentence(article, token, sent)
    content = within_paragraph(article, token, content)
    if not content:
        return None
    return token, subject, content, cue_text(token)


def _fronted_setting(cue: Token, subject: Token) -> set[int]:
    """ "Referring to developments in Afghanistan, the president said, …", "Speaking at the summit, …": a
    participle before the speaker sets the scene; only one with a clause of its own ("Noting that A, …")
    says something."""
    doc = cue.doc
    comma = subject.left_edge.i - 1
    if comma < 1 or doc[comma].text != ",":
        return set()
    # The parser may hang the participle on the cue or, across a missed sentence break, on the verb before.
    for token in doc[comma - 1].ancestors:
        if token.i >= comma:
            break
        if token.dep_ == "advcl" and token.tag_ == "VBG" and token.right_edge.i < comma:
            if any(c.dep_ == "ccomp" for c in token.children):
                return set()
            return {t.i for t in token.subtree}
    return set()


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
    if infinitive and any(c.lower_ == "yet" for c in governor.children):
        return True  # "has yet to explain", "is yet to confirm": not said
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


# "who's called for": the parser may take a contracted "has" for the passive's "is".
_HAS_OR_IS = frozenset({"'s", "’s"})
_CONTRASTS = frozenset({"though", "although", "while", "whereas", "but", "yet"})
_WHEN = frozenset({"when", "if", "once", "after", "before", "while", "whenever"})


def _embedded(cue: Token) -> bool:
    """A cue that cannot own the sentence's quote: in a relative clause ("the envoy, who wrote his post in
    Spanish, said …"), or a verb whose complement is the real cue ("continued to say")."""
    if cue.dep_ in {"relcl", "acl"}:
        return True
    return any(c.dep_ == "xcomp" and is_cue_verb(c) for c in cue.children)


def _outlet_narration(article: ParsedArticle, cue: Token, speaker: Speaker, content: set[int]) -> bool:
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


def _extend_back(article: ParsedArticle, sentences: list[Span], number: int, cue: Token, content: set[int]) -> set[int]:
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


def _quote_in_sentence(article: ParsedArticle, cue: Token, sent: Span) -> set[int]:
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
