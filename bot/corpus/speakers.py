"""Reading a speaker off the parse: which kind of mention a subject noun phrase is, with its name and title.

"SCO Secretary General Vladimir Norov" is a name with a role in front; "Vladimir Norov, the SCO
secretary general," is the same with the role in apposition; "the secretary general" is a role alone,
which coreference later maps back to a name. Pronouns, documents, groups and anonymous sources are
kinds of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Span, Token

from bot.corpus.cues import (
    ANONYMOUS_NOUNS,
    AUTHORED_DOCUMENTS,
    COMMENTATOR_NOUNS,
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    LEADERSHIP_NOUNS,
    ORG_NOUNS,
    PERSON_PRONOUNS,
    PLURAL_PRONOUNS,
    RANK_NOUNS,
    RELATIVE_PRONOUNS,
    ROLE_NOUNS,
    THING_PRONOUNS,
)
from bot.corpus.models import SpeakerType
from bot.corpus.name_phrases import (
    CALENDAR_WORDS,
    entity_of,
    generic_org,
    noun_phrase,
    person_name,
    role_text,
    speaking_place,
    strip_titles,
    text_of,
    unglue,
)

# What a subject noun phrase is, before coreference: a name, or something that needs resolving.
MentionKind = Literal["name", "pronoun", "role", "org_noun", "document", "anonymous", "group", "relative"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A candidate speaker as written; `name` is set when the text itself names someone."""

    kind: MentionKind
    type: SpeakerType
    name: str | None
    role: str | None
    head: Token
    role_words: frozenset[str] = frozenset()


def describe(head: Token) -> Mention | None:
    """What the subject headed by `head` says about who is speaking, or None if it is no speaker."""
    lower = head.lower_
    if lower in {"each", "both"}:
        # "X and Y vied for the title, each saying the other …": each of the people just named.
        return Mention("group", "unknown", None, None, head)
    if head.pos_ == "PRON" or lower in PERSON_PRONOUNS | PLURAL_PRONOUNS | THING_PRONOUNS:
        if lower in RELATIVE_PRONOUNS:
            return Mention("relative", "unknown", None, None, head)
        if lower in PERSON_PRONOUNS | PLURAL_PRONOUNS | THING_PRONOUNS:
            kind: SpeakerType = "person" if lower in PERSON_PRONOUNS else "unknown"
            return Mention("pronoun", kind, None, None, head)
        return None
    if lower in RELATIVE_PRONOUNS:
        return Mention("relative", "unknown", None, None, head)
    phrase = noun_phrase(head)
    place = text_of([t for t in phrase if t.pos_ == "PROPN"])
    if head.pos_ == "PROPN" and (country := speaking_place(place)):
        # "Beijing stressed": a capital used as a speaker is its country, whatever NER made of it.
        return Mention("name", "country", country, None, head)
    if head.ent_type_ != "PERSON" or not strip_titles(list(entity_of(head) or [head])):
        # "China's national coordinator, Zhang Wei, said" and "President of Belarus Ivan Petrov said":
        # the apposition, or a name inside the title, is the speaker.
        person = _person_inside(head)
        if person is not None:
            inner = _named(person, noun_phrase(person))
            if inner is not None and inner.type == "person":
                before = [t for t in phrase if t.i < person.left_edge.i and t.dep_ != "det"]
                role = role_text(before) or inner.role
                return Mention("name", "person", inner.name, role, head, _words(before))
    named = _named(head, phrase)
    if named is not None:
        return named
    if (
        head.pos_ == "PROPN"
        and _acronym(head.text)
        and head.lower_ not in ROLE_NOUNS
        and not any(c.dep_ == "compound" for c in head.children)
    ):
        # "CNS reported": an unrecognised acronym that speaks is an organization.
        return Mention("name", "organization", head.text, None, head)
    if head.ent_type_ == "NORP" and head.tag_ in {"NNPS", "NNS"}:
        # "Mexicans often say", "Democrats argued": a people or party speaking as a group.
        return Mention("group", "unknown", _plain(phrase), None, head)
    lemma = head.lemma_.lower()
    if lower in _QUANTIFIERS or head.ent_type_ == "PERCENT":
        # "one of the advisers pointed out", "63 percent said": the part stands for its group.
        return _part_of(head)
    member = next((c for c in head.children if c.lower_ == "member"), None)
    if member is not None and head.tag_ in {"NNS", "NNPS"} and lemma in _MEMBER_BODIES:
        # "SCO member states stated": the members of a bloc speaking together are the bloc.
        return _bloc_before(member) or Mention("group", "unknown", role_text(phrase), None, head)
    if lemma in ANONYMOUS_NOUNS or lower in ANONYMOUS_NOUNS:
        return Mention("anonymous", "unknown", None, None, head)
    if lemma in LEADERSHIP_NOUNS:
        owner = _proper_owner(head)
        if owner is not None:
            return owner
    if lemma in DOCUMENT_NOUNS:
        issuer = _issuer(head)
        if issuer is not None:
            return issuer
        has_name = any(t.pos_ == "PROPN" for t in phrase)
        return Mention("document", "document", _plain(phrase) if has_name else None, None, head)
    if lemma in ORG_NOUNS:
        # A body's name keeps the words a title would lose: "the press service of …" is no "service".
        return Mention("org_noun", "organization", role_text(phrase) or _plain(phrase), None, head, _words(phrase))
    if head.tag_ in {"NNS", "NNPS"} and _collective(head):
        return Mention("anonymous", "unknown", None, None, head)
    if lemma in ROLE_NOUNS or lower in ROLE_NOUNS:
        if head.tag_ in {"NNS", "NNPS"}:
            return Mention("group", "unknown", _plain(phrase), None, head)
        trailing = _trailing_name(head)
        if trailing:
            return Mention("name", "person", trailing, _plain(phrase), head, _words(phrase))
        return Mention("role", "person", None, _plain(phrase), head, _words(phrase))
    if (lemma in GROUP_NOUNS and (head.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "det" for c in head.children))) or (
        lower in {"people", "those", "many", "some", "others", "each"}
    ):
        return Mention("group", "unknown", _plain(phrase) if head.tag_ in {"NNS", "NNPS"} else None, None, head)
    return None


def _bloc_before(member: Token) -> Mention | None:
    """The bloc named right before "member states": "SCO" in "Shanghai Cooperation Organisation (SCO) member
    nations", the name as the article writes it for short."""
    doc = member.doc
    i = member.i - 1
    while i >= 0 and doc[i].is_punct:
        i -= 1
    mention = describe(doc[i]) if i >= 0 and doc[i].pos_ == "PROPN" else None
    return mention if mention is not None and mention.kind == "name" and mention.type == "organization" else None


def _proper_owner(head: Token) -> Mention | None:
    """ "the Taliban leadership": the named body before the noun."""
    owners = [c for c in head.children if c.dep_ in {"compound", "poss"} and c.pos_ == "PROPN"]
    mention = describe(owners[-1]) if owners else None
    return mention if mention is not None and mention.kind == "name" else None


def _issuer(head: Token) -> Mention | None:
    """ "a statement issued by the Foreign Office said": the body that issued the document speaks; so does
    the author of "the Taliban's statement"."""
    if head.lemma_.lower() in AUTHORED_DOCUMENTS:
        author = next((c for c in head.children if c.dep_ == "poss"), None)
        mention = describe(author) if author is not None else None
        if mention is not None and mention.kind in {"name", "org_noun", "role", "pronoun"}:
            return mention
    for child in head.children:
        if child.dep_ != "acl":
            continue
        for agent in child.children:
            if agent.dep_ == "agent" or (agent.dep_ == "prep" and agent.lower_ == "by"):
                source = next((c for c in agent.children if c.dep_ == "pobj"), None)
                mention = describe(source) if source is not None else None
                if mention is not None and mention.kind in {"name", "org_noun", "role", "pronoun"}:
                    return mention
    return None


def _collective(head: Token) -> bool:
    """ "analysts say", "American officials said", "the two foreign ministers stressed": a collective the
    article does not name one by one, which by the convention makes no statement. Groups that act as a body
    of their own ("Democrats argued", "police said") still speak."""
    lemma = head.lemma_.lower()
    if lemma in COMMENTATOR_NOUNS or lemma in RANK_NOUNS:
        return True
    if lemma not in ROLE_NOUNS:
        return False
    return any(c.dep_ == "nummod" or (c.dep_ == "amod" and c.ent_type_ == "NORP") for c in head.children)


_MEMBER_BODIES = frozenset({"state", "nation", "country"})
_QUANTIFIERS = frozenset({"one", "some", "many", "several", "most", "all", "half", "both", "none", "few"})


def _acronym(text: str) -> bool:
    letters = text.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _part_of(head: Token) -> Mention | None:
    group = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    whole = next((c for c in group.children if c.dep_ == "pobj"), None) if group is not None else None
    inner = describe(whole) if whole is not None else None
    if inner is not None and inner.kind in {"group", "role", "name", "org_noun"}:
        return Mention("group", "unknown", inner.name if inner.kind != "role" else None, None, head)
    if whole is not None and inner is None:
        return None  # "one of the reasons": a part of something that cannot speak
    # "many of whom say", "63 percent said": a group the article does not name here.
    return Mention("group", "unknown", None, None, head)


def _trailing_name(head: Token) -> str | None:
    """ "Indian PM Modi condemned": the parser took the name for a verb part; the title is followed by it."""
    doc = head.doc
    words = []
    i = head.i + 1
    while i < len(doc) and i < head.head.i and doc[i].is_title and doc[i].lower_ not in ROLE_NOUNS:
        words.append(doc[i])
        i += 1
    if words and i == head.head.i:
        return text_of(words)
    return None


def _person_inside(head: Token) -> Token | None:
    if head.pos_ == "PRON":
        return None
    titled = head.lemma_.lower() in ROLE_NOUNS or head.lower_ in ROLE_NOUNS
    stack = [c for c in head.children if c.dep_ == "appos" or (titled and c.dep_ in {"prep", "compound"})]
    if titled:
        # "State Councilor and Foreign Minister Wang Yi": two titles of one person, the name after the second.
        stack += [c for c in head.children if c.dep_ == "conj" and _titled_name(c)]
    while stack:
        token = stack.pop()
        if token.ent_type_ == "PERSON" and token.dep_ != "compound":
            return token
        stack.extend(c for c in token.children if c.dep_ in {"pobj", "appos", "compound", "prep"})
    return None


def _titled_name(token: Token) -> bool:
    """A person's name with a title of its own before it: "Foreign Minister Wang Yi"."""
    if token.ent_type_ != "PERSON":
        return False
    return any(t.i < token.i and t.lower_ in ROLE_NOUNS for t in token.subtree)


def _named(head: Token, phrase: list[Token]) -> Mention | None:
    ent = entity_of(head)
    if ent is not None and ent.label_ in {"PERSON", "ORG", "GPE", "NORP", "FAC"}:
        words = person_name(list(ent)) if ent.label_ == "PERSON" else strip_titles(list(ent))
        if not words:
            return None
        name = text_of(words)
        before = [t for t in phrase if t.i < words[0].i and t.dep_ != "det"]
        role = role_text(before)
        if country := speaking_place(name):
            # NER often takes a capital for a person; used as a speaker it is its country.
            return Mention("name", "country", country, None, head)
        if ent.label_ == "PERSON":
            return Mention("name", "person", name, role, head, _words(before))
        if ent.label_ == "GPE":
            return Mention("name", "country", speaking_place(name) or name, None, head)
        if ent.label_ == "NORP":
            return None
        if ent.label_ == "ORG" and _titled_person(ent, phrase):
            # "Former IRGC chief Safavi", "Iranian lawmaker Jalil Rahimi Jahan Abadi": NER takes the name after
            # a title for an organization.
            role = role_text(before)
            return Mention("name", "person", ent.text, role, head, _words(before))
        org = text_of(strip_titles(phrase)) or name
        if generic_org(org):
            return Mention("org_noun", "organization", org, None, head, _words(phrase))  # "the Secretariat"
        return Mention("name", "organization", org, None, head)
    if head.lower_ in ROLE_NOUNS or head.lemma_.lower() in ROLE_NOUNS:
        return None  # "the Head of State said": a title, resolved by coreference
    if head.pos_ == "PROPN" and head.is_title and head.lower_ not in CALENDAR_WORDS:
        words = strip_titles([t for t in phrase if t.pos_ == "PROPN" or t.i == head.i])
        if not words:
            return None
        if head.lemma_.lower() not in ORG_NOUNS:
            words = unglue(words)
        if head.lemma_.lower() in ORG_NOUNS:
            name = text_of(strip_titles(phrase))
            if generic_org(name):
                # "the Secretariat said": a common noun for a body the article named before.
                return Mention("org_noun", "organization", name, None, head, _words(phrase))
            return Mention("name", "organization", name, None, head)
        before = [t for t in phrase if t.i < words[0].i]
        return Mention("name", "person", text_of(words), role_text(before), head, _words(before))
    return None


def _titled_person(ent: Span, phrase: list[Token]) -> bool:
    """An ORG entity that is a name after a title: a role noun before it, no body's noun in it."""
    if not any(t.lower_ in ROLE_NOUNS and t.i < ent.start for t in phrase):
        return False
    return all(t.is_title and t.lower_ not in ORG_NOUNS and t.lower_ not in ROLE_NOUNS for t in ent if t.is_alpha)


def _plain(phrase: list[Token]) -> str:
    return text_of(strip_titles([t for t in phrase if t.dep_ not in {"det"}])) or text_of(phrase)


def _words(tokens: list[Token]) -> frozenset[str]:
    return frozenset(t.lemma_.lower().rstrip(".") for t in tokens if t.is_alpha or t.text.endswith("."))
