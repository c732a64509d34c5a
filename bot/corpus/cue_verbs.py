"""Speech cues in the parse: which verbs are cues, who is their subject, and which cues make one statement.

"X condemned A and highlighted that B" is one speaker with one statement; "Noting that A, the minister
said B" is two. A subject the parser missed is read off the words around the cue.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from bot.corpus.cues import (
    CONTINUING_PARTICIPLES,
    DOCUMENT_CUES,
    DOCUMENT_NOUNS,
    NON_CUES,
    PHRASAL_CUES,
    REPORTING_PARTICIPLES,
    SPEECH_VERBS,
)

_SUBJECT_DEPS = frozenset({"nsubj"})
_INHERIT_DEPS = frozenset({"advcl", "xcomp", "conj", "pcomp", "acl"})


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue token, the head of its speaker's noun phrase, and the token indices of the content."""

    token: Token
    subject: Token
    content: frozenset[int]
    text: str


def phrasal_particle(verb: Token) -> Token | None:
    wanted = PHRASAL_CUES.get(verb.lemma_.lower())
    if not wanted:
        return None
    for child in verb.children:
        if child.dep_ in {"prt", "prep", "advmod"} and child.lower_ in wanted and not _when(child):
            return child
    return None


def _when(particle: Token) -> bool:
    """ "called on Wednesday for …": a preposition of time is not the particle of the cue."""
    return any(c.dep_ == "pobj" and c.ent_type_ in {"DATE", "TIME"} for c in particle.children)


def made_clear(verb: Token) -> Token | None:
    """ "made it clear that …": the adjective that makes "make" a speech cue."""
    if verb.lemma_.lower() != "make":
        return None
    return next((c for c in verb.children if c.lower_ in _MADE_WORDS and c.dep_ in _MADE_DEPS), None)


_MADE_WORDS = frozenset({"clear", "known", "plain"})
_MADE_DEPS = frozenset({"ccomp", "oprd", "acomp", "dobj", "xcomp", "advmod"})


def is_cue_verb(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ not in {"VERB", "AUX"} or lemma in NON_CUES:
        return False
    if made_clear(token) is not None:
        return True
    if lemma in PHRASAL_CUES and lemma not in SPEECH_VERBS:
        return phrasal_particle(token) is not None
    if lemma == "point":
        return phrasal_particle(token) is not None
    if lemma in DOCUMENT_CUES:
        return any(c.dep_ == "nsubj" and c.lemma_.lower() in DOCUMENT_NOUNS for c in token.children)
    return lemma in SPEECH_VERBS


def subject_of(verb: Token) -> Token | None:
    """The speaker's head: the verb's own subject, or its governor's for "…, adding that …"."""
    current = verb
    for _ in range(3):
        subjects = [c for c in current.children if c.dep_ in _SUBJECT_DEPS]
        if subjects:
            # Two subjects come from a misparsed title ("Secretary-General of X Vladimir Norov"):
            # the one nearest the verb is the name.
            subjects = _drop_fronted(subjects, verb)
            # "X Organization (X) Secretary General, Zhang Wei said": the title with the person in apposition.
            people = [c for c in subjects if c.ent_type_ == "PERSON" or _person_appos(c)]
            if len(subjects) > 1 and people:
                return min(people, key=lambda c: abs(verb.i - c.i))
            named = [c for c in subjects if c.ent_type_ in {"PERSON", "ORG"}]
            if not any(c.ent_type_ == "PERSON" for c in subjects) and current is verb:
                # "X Summit, Foreign Minister Wang Li announced": trust the name next to the verb.
                surface = _surface_subject(verb)
                if surface is not None and surface.ent_type_ == "PERSON":
                    return surface
            return min(named or subjects, key=lambda c: abs(verb.i - c.i))
        if current is verb:
            surface = _surface_subject(verb)
            if surface is not None:
                return surface
        if current.dep_ in _INHERIT_DEPS and current.head is not current:
            current = current.head
            continue
        return None
    return None


def _person_appos(token: Token) -> bool:
    return any(c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in token.children)


def _drop_fronted(subjects: list[Token], verb: Token) -> list[Token]:
    """ "Bergen, as one of the advisers pointed out, rarely …": the topic before the comma is the
    clause's subject, not the cue's; the subject nearer the cue speaks."""
    if len(subjects) < 2:
        return subjects
    doc = verb.doc
    kept = [
        s
        for s in subjects
        if not (
            s.right_edge.i + 1 < len(doc)
            and doc[s.right_edge.i + 1].text == ","
            and any(s.i < o.i < verb.i for o in subjects)
        )
    ]
    return kept or subjects


def _surface_subject(verb: Token) -> Token | None:
    """When the parse gives the cue no subject, the noun phrase right before it ("…, the chief of the
    General Staff said") or, after a comma, right after it ("…, said President X")."""
    doc = verb.doc
    if _hung_on_name(verb):
        # "Adam Schiff, the top Democrat on the committee, called on …": a finite verb the parser hung on
        # the name as a reduced relative; the name is its subject.
        return verb.head
    i = verb.i - 1
    while i >= verb.sent.start and (doc[i].pos_ in {"ADV", "AUX", "PART"} or doc[i].dep_ == "neg"):
        if doc[i].tag_ == "TO":
            return None  # "took to Twitter to accuse": an infinitive's subject is never the word before "to"
        i -= 1
    if i >= verb.sent.start and doc[i].pos_ in {"NOUN", "PROPN", "PRON"}:
        top = _np_top(doc[i])
        # The object of an earlier verb's preposition ("took to Twitter") is a setting, not who speaks; a
        # title's ("Ambassador to Mongolia Iskander Azizov") or a fronted "As X said" is the speaker.
        governor = top.head.head
        return None if top.dep_ == "pobj" and governor.pos_ in {"VERB", "AUX"} and governor.i < top.i else top
    before = doc[verb.i - 1] if verb.i > verb.sent.start else None
    if before is not None and before.text == "," and _closes_appositive_name(before, verb):
        # "A is the only B, Zamir Kabulov, director of C, told D": the parser hung the name on B and
        # conjoined the cue to the clause; the name closed off by the comma is the speaker.
        return before.head
    if before is not None and before.text == ",":
        for j in range(verb.i + 1, min(verb.i + 8, verb.sent.end)):
            if doc[j].ent_type_ == "PERSON":
                while j + 1 < verb.sent.end and doc[j + 1].ent_type_ == "PERSON" and doc[j + 1].ent_iob_ == "I":
                    j += 1
                return doc[j]
            if doc[j].pos_ in {"VERB", "PUNCT", "ADP"} and doc[j].text != "-":
                break  # "…, called on President X to …": a name after a preposition is spoken to, not speaking
    return None


def _closes_appositive_name(comma: Token, verb: Token) -> bool:
    name = comma.head
    return verb.dep_ == "conj" and name.dep_ == "appos" and name.ent_type_ == "PERSON" and name.i < comma.i


def _hung_on_name(verb: Token) -> bool:
    name = verb.head
    return (
        verb.dep_ == "acl"
        and verb.tag_ == "VBD"
        and name.pos_ == "PROPN"
        and name.ent_type_ in {"PERSON", "ORG"}
        and name.i < verb.i
        and verb.doc[verb.i - 1].text == ","
    )


def _np_top(token: Token) -> Token:
    """Climb from the last word of a noun phrase to its head: "Staff" in "the chief of the Staff"."""
    for _ in range(6):
        if token.dep_ in {"compound", "flat", "poss", "amod"} and token.head.i > token.i:
            token = token.head
        elif token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ in {"NOUN", "PROPN"}:
            token = token.head.head
        else:
            break
    return token


def cue_text(verb: Token) -> str:
    clear = made_clear(verb)
    if clear is not None:
        return f"{verb.text} {clear.text}"
    particle = phrasal_particle(verb)
    if particle is not None:
        return f"{verb.text} {particle.text}"
    return verb.text


def merge_conjoined(
    candidates: list[tuple[Token, Token, set[int], str]],
) -> list[tuple[Token, Token, set[int], str]]:
    """ "X condemned A and highlighted that B": one speaker, one statement."""
    by_cue = {c[0].i: c for c in candidates}
    merged: list[tuple[Token, Token, set[int], str]] = []
    for candidate in candidates:
        cue = candidate[0]
        participle = (
            cue.tag_ == "VBG"
            and cue.dep_ in {"advcl", "xcomp", "conj"}
            and not any(c.dep_ == "nsubj" for c in cue.children)
        )
        first = by_cue.get(cue.head.i) if participle or _elaborates(cue) else None
        if participle and first is not None and not (candidate[2] & first[2]) and _separate(cue, first):
            # "Noting that A, the minister said B": the fronted participle reports A, the verb B; two statements.
            merged.append(candidate)
            continue
        if first is not None and first is not candidate and candidate[1].i == first[1].i:
            first[2].update(candidate[2])
            continue
        if participle and cue.lemma_.lower() in CONTINUING_PARTICIPLES:
            continue  # "…, adding that …" after an event, not a statement: nothing to continue
        if participle and cue.lemma_.lower() not in REPORTING_PARTICIPLES:
            continue  # "…, promising/stressing/warning …" after an event describes the event, not speech
        merged.append(candidate)
    return merged


def _separate(participle: Token, first: tuple[Token, Token, set[int], str]) -> bool:
    """ "Noting that A, the minister said B" and ""A," he said, adding that B": the participle says something
    of its own, so the two make two statements. "He said A, adding B" stays one."""
    verb, _subject, content, _word = first
    if participle.i < verb.i:
        return True
    if participle.lemma_.lower() not in _ADDING or not content or max(content) > verb.i:
        return False
    # '"A," he said, adding that B' is two statements; 'A, he said, adding that B' reports one.
    doc = verb.doc
    return any(doc[i].is_quote for i in range(max(min(content) - 1, 0), min(max(content) + 3, len(doc))))


_ADDING = frozenset({"add"})


def _elaborates(cue: Token) -> bool:
    """ "condemned terrorism and highlighted that it is a threat": a that-clause spelling out the object of
    the cue it is conjoined to makes one statement; two cues with content of their own ("called X Y and
    called for Z", "urged A and criticized B", "said A and said B") make two."""
    if cue.dep_ != "conj":
        return False
    first = cue.head
    if not any(c.dep_ == "dobj" for c in first.children) or any(c.dep_ in {"ccomp", "xcomp"} for c in first.children):
        return False
    that_clauses = [c for c in cue.children if c.dep_ == "ccomp" and any(m.lower_ == "that" for m in c.children)]
    return bool(that_clauses)
