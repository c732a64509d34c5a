"""Names and titles as written: a subject's noun phrase, a person's name without its titles, a role.

NER glues titles, datelines and cities to names ("TEHRAN- Ebrahim Raisi", "Former IRGC chief Safavi"); these
helpers take them off, keep the given names NER left out, and map a capital that speaks to its country.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from bot.corpus.countries import canonical_country, capital_cities
from bot.corpus.cues import (
    ORG_NOUNS,
    ROLE_NOUNS,
    SPEAKING_PLACES,
    SPEECH_VERBS,
)

_NP_LEFT_DEPS = frozenset({"compound", "amod", "poss", "nmod", "det", "case", "nummod", "punct", "flat"})
# Capitalized words a misparse can make a subject of ("Friday said …") that name no one.
CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july"
    " august september october november december today yesterday tomorrow".split()
)
_TITLE_WORDS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "prof", "prof."})


def noun_phrase(head: Token) -> list[Token]:
    """The head with its left modifiers: "China's Foreign Ministry Spokesman Zhao Lijian"."""
    left = [t for child in head.lefts if child.dep_ in _NP_LEFT_DEPS for t in child.subtree]
    right = [
        t
        for child in head.rights
        if child.dep_ in {"flat", "compound"} or (child.dep_ == "prep" and child.lower_ == "of")
        for t in child.subtree
    ]
    return sorted({*left, head, *right}, key=lambda t: t.i)


def entity_of(token: Token) -> Span | None:
    """The named entity around `token`, found from its IOB tags (scanning `doc.ents` is linear)."""
    if not token.ent_type_:
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = _end_of(doc, token.i)
    if token.ent_type_ == "PERSON":
        # The model sometimes cuts one name in two ("Bilawal Bhutto" | "Zardari"); the parse still joins
        # them, the first part's words being compounds of the second's.
        while start > 0 and _compound_into(doc[start - 1], start, end):
            start = entity_of(doc[start - 1]).start  # type: ignore[union-attr]
        while end < len(doc) and doc[end].ent_iob_ == "B" and _compound_into(doc[end - 1], end, _end_of(doc, end)):
            end = _end_of(doc, end)
    return Span(doc, start, end, label=token.ent_type_)


def _end_of(doc: Doc, start: int) -> int:
    """Where the entity with a word at `start` ends: past the words tagged as inside it."""
    end = start + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return end


def _compound_into(token: Token, start: int, end: int) -> bool:
    """`token`, of another PERSON entity next to [start, end), is a compound of a word in it."""
    return token.ent_type_ == "PERSON" and token.dep_ == "compound" and start <= token.head.i < end


def strip_titles(words: list[Token]) -> list[Token]:
    """Drop leading titles and determiners from a name: "Mr. Obama" keeps only "Obama". A surname that is
    also a title ("Mr. King", "Ms. Bishop") stays a name."""
    last = words[-1] if words else None
    if last is not None and last.i > 0 and last.doc[last.i - 1].lower_ in _TITLE_WORDS and last.is_title:
        return [last] if len(words) <= 2 else [*strip_titles(words[:-1]), last]
    return _trimmed(words, drop_roles=True)


def role_text(words: list[Token]) -> str | None:
    """A title as the article gives it ("Director of the Second Asia Department", "President"): only
    determiners, honorifics, a possessor and punctuation come off its edges, never the title's own noun."""
    return text_of(_trimmed(words, drop_roles=False)) or None


def _trimmed(words: list[Token], drop_roles: bool) -> list[Token]:
    while words and (
        words[0].lower_ in _TITLE_WORDS
        or (drop_roles and words[0].lower_.rstrip(".") in ROLE_NOUNS)
        or words[0].dep_ in {"det", "case"}
        or (words[0].dep_ == "poss" and _more_words(words[1:]))
        or words[0].is_punct
    ):
        words = words[1:]
    while words and (words[-1].is_punct or words[-1].dep_ == "case"):
        words = words[:-1]
    return words


def _more_words(words: list[Token]) -> bool:
    """A possessor is dropped from the name it qualifies ("China's Foreign Ministry"), never from itself."""
    return any(w.dep_ != "case" and not w.is_punct for w in words)


def person_name(words: list[Token]) -> list[Token]:
    """The words of a person's name from a PERSON entity: titles off, glued prefixes off, given names on."""
    stripped = strip_titles(words)
    while len(stripped) > 1 and stripped[-1].lower_ in _HEADLINE_CUES:
        stripped = stripped[:-1]  # "Obama Says Museum Will Tell …": a headline's verb is not a surname
    words = given_names(unglue(stripped)) if stripped else []
    # "Ahmadinejad Ahmadinejad": a name NER ran across a repeated word is that word once.
    return [w for k, w in enumerate(words) if k == 0 or w.lower_ != words[k - 1].lower_]


# A capitalized cue after a name, as in a headline ("Obama Says …", "Flynn Urges …").
_HEADLINE_CUES = frozenset({"said", "told"} | {lemma + ending for lemma in SPEECH_VERBS for ending in ("s", "es")})


_CONNECTORS = frozenset({"and", "of", "for", "&", "to"})
# The portfolio of a minister's title ("Minister for Information and Broadcasting X"): never a given name.
_PORTFOLIOS = frozenset(
    """
    affairs broadcasting information defence defense finance trade commerce education health justice interior
    energy agriculture culture transport planning development security communications labour labor
    """.split()
)
_NAME_PREFIXES = frozenset({"former", "late", "then", "ex", "acting", "outgoing", "incoming", "earlier", "dear"})


def unglue(words: list[Token]) -> list[Token]:
    """What NER glues to the front of a name: a dateline ("TEHRAN- Ebrahim Raisi"), a city ("Beijing Ali
    Khaji"), the tail of a title ("Information and Broadcasting Attaullah Tarar", "Former IRGC chief
    Safavi"). The name is what follows; a name of one word is left as it is."""
    cut = 0
    doc = words[0].doc if words else None
    for k, token in enumerate(words[:-1]):
        lower = token.lower_
        gap: list[Token] = list(doc[words[k - 1].i + 1 : token.i]) if doc is not None and k else []
        if any(t.lower_ in _CONNECTORS or t.lower_ in ROLE_NOUNS for t in gap):
            # "Information and Broadcasting …", "Foreign Ministry spokesman Nasser Kanani": the words are not
            # contiguous across a connector or a title
            cut = k
        if lower in _PORTFOLIOS:
            cut = k + 1
            continue
        dash = token.text in {"-", "–", "—", ":"} and k > 0 and words[k - 1].is_upper
        glued = token.text.endswith("-") and token.is_upper
        if lower in _CONNECTORS or dash or glued or lower.rstrip(".") in ROLE_NOUNS or lower in _NAME_PREFIXES:
            cut = k + 1
    rest = words[cut:]
    while len(rest) > 1 and (
        speaking_place(rest[0].text) is not None
        or (rest[0].is_upper and len(rest[0]) > 2 and rest[0].ent_type_ in {"GPE", ""} and not rest[1].is_upper)
    ):
        rest = rest[1:]  # "Beijing Ali Khaji", "TEHRAN Ebrahim Raisi"
    if len(rest) > 2 and _title_country(rest[0]):
        rest = rest[1:]  # "President of Belarus Aleksandr Lukashenko": the title's country, then the name
    return rest or words


def _title_country(token: Token) -> bool:
    """The country that ends a title ("… of Belarus"), which NER glues to the front of the name after it."""
    return token.i > 0 and token.doc[token.i - 1].lower_ == "of" and canonical_country(token.text) == token.text


_ROLE_SUFFIXES = ("er", "or", "ist", "ary", "ent", "ee")
_NOT_ROLES = frozenset(
    "earlier later former other another after under over ever never however whether counterpart friend"
    " partner colleague side".split()
)
_ROLE_EDGES = frozenset({"of", "for", "and", "to", "'s", "’s", "the", "a", "an", ",", "-", "–", "—", "s"})


def clean_role(role: str | None) -> str | None:
    """A role is the title the article gives: never a fragment ("of Iran"), a place ("Beijing"), an adverb
    ("Earlier"), a word of address ("friend") or text across a line break."""
    if not role:
        return None
    role = role.split("\n")[-1].strip()
    words = role.split()
    while words and words[0].lower() in _ROLE_EDGES:
        words = words[1:]
    while words and (words[-1].lower() in _ROLE_EDGES or (len(words[-1]) == 1 and words[-1].isupper())):
        words = words[:-1]
    if not words or speaking_place(" ".join(words)) is not None:
        return None
    lowered = [w.lower().strip(".,") for w in words]
    if not any(w in ROLE_NOUNS or (w.endswith(_ROLE_SUFFIXES) and w not in _NOT_ROLES and len(w) > 4) for w in lowered):
        return None
    return " ".join(words)


def given_names(words: list[Token]) -> list[Token]:
    """A person's name with the given names NER left out: "Leyla" before the entity "Ahmadi" is part of the
    name when it is a capitalized compound of it, no title, and no other entity."""
    doc = words[0].doc
    i = words[0].i - 1
    while (
        i >= 0
        and doc[i].pos_ == "PROPN"
        and doc[i].dep_ == "compound"
        and doc[i].head.i in {w.i for w in words}
        and doc[i].is_title
        and not doc[i].ent_type_
        and doc[i].is_alpha
        and doc[i].lower_ not in ROLE_NOUNS
        and doc[i].lemma_.lower() not in ROLE_NOUNS
        and doc[i].lower_.removesuffix("s") not in ROLE_NOUNS
        and doc[i].lower_ not in CALENDAR_WORDS
    ):
        words = [doc[i], *words]
        i -= 1
    return words


def text_of(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    doc = tokens[0].doc
    return doc[tokens[0].i : tokens[-1].i + 1].text


def speaking_place(place: str) -> str | None:
    """The country (or union) a capital speaks for when it is the subject: "Beijing stressed" is China."""
    return SPEAKING_PLACES.get(place) or capital_cities().get(place)


def generic_org(name: str) -> bool:
    """ "Secretariat", "the Ministry", "Government": an organization noun that names no one body."""
    words = [w.lower() for w in name.split() if w.lower() not in {"the", "a", "an"}]
    return bool(words) and all(w in ORG_NOUNS for w in words) and words[-1] in _BODY_NOUNS


# Bodies a common noun stands for only once the article has named them ("the Ministry"); "police" and "the
# campaign" speak under the common noun.
_BODY_NOUNS = frozenset(
    """
    secretariat ministry office government administration council committee commission agency department
    organization organisation presidency embassy delegation mission cabinet bloc side institute center centre
    """.split()
)
