"""Within-article coreference as rules: who "he", "the secretary general" and "Norov" are.

The article introduces people once with their full name and title ("SCO Secretary General Vladimir
Norov") and afterwards uses the surname, the bare title, or a pronoun. One pass over the named entities
records every person with the words of their title; the extractor then asks, at a token, for the
latest compatible person before it. Lookups only scan earlier mentions, so the whole article stays
linear in practice (articles name a handful of people).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from bot.corpus.cues import DOCUMENT_NOUNS, FEMALE_WORDS, GENERIC_LEADER_NOUNS, MALE_WORDS, ORG_NOUNS, ROLE_NOUNS
from bot.corpus.models import SpeakerType
from bot.corpus.name_phrases import generic_org, noun_phrase, person_name, role_text, text_of
from bot.corpus.speakers import Mention, describe
from bot.corpus.titles import TITLE_NOISE, other_country, title_words

# How far back (in people mentioned, and in speakers heard) an antecedent is looked for.
_WINDOW = 40
_ROLE_WINDOW = 300
# Role words too common to identify anyone on their own ("the official", "the leader").
_WEAK_ROLE_WORDS = GENERIC_LEADER_NOUNS | {"the", "a", "an", "'s", "’s"}
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
# Document nouns that stand for any named document: "the document said" after "the Astana Declaration".
_GENERIC_DOCUMENTS = frozenset({"document", "text", "paper"})


def _gender_of(words: set[str]) -> str | None:
    male, female = bool(words & MALE_WORDS), bool(words & FEMALE_WORDS)
    return "m" if male and not female else "f" if female and not male else None


def _title_before(phrase: list[Token], start: int) -> list[Token]:
    """The title right before a name, stopping at a coordination: only "Finance Minister" in
    "Commissioner Elena Varga and Finance Minister Karin Holm"."""
    inside = {t.i for t in phrase}
    doc = phrase[0].doc if phrase else None
    title: list[Token] = []
    i = start - 1
    while doc is not None and i in inside:
        token = doc[i]
        if token.dep_ in {"cc", "det"} or token.ent_type_ == "PERSON" or (token.is_punct and token.text != "-"):
            break
        title.insert(0, token)
        i -= 1
    return title


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None
    role: str | None
    type: SpeakerType


@dataclass(slots=True)
class _Person:
    position: int
    name: str
    role_words: set[str]
    role: str | None
    is_subject: bool


@dataclass(slots=True)
class Coreference:
    """People and organizations of one article, in order, for resolving later mentions."""

    doc: Doc
    people: list[_Person] = field(default_factory=list)
    orgs: list[tuple[int, str]] = field(default_factory=list)
    speakers: list[tuple[int, Speaker]] = field(default_factory=list)
    _full: dict[str, str] = field(default_factory=dict)
    _positions: list[int] = field(default_factory=list)
    _roles: dict[str, str] = field(default_factory=dict)
    _by_last: dict[str, list[list[str]]] = field(default_factory=dict)
    _by_first: dict[str, list[list[str]]] = field(default_factory=dict)
    # Gender from titles and gendered role nouns; "?" once the article has given both.
    _gender: dict[str, str] = field(default_factory=dict)
    # Every title the article gives each person, wherever it gives it: "the minister" may name someone
    # whose title comes only once, or only later.
    _titles: dict[str, set[str]] = field(default_factory=dict)
    # Tokens inside statements already found: people named there are reported on, not speaking.
    reported: set[int] = field(default_factory=set)
    # Documents the article names: (position, head lemma, name).
    documents: list[tuple[int, str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Doc) -> Coreference:
        index = cls(doc)
        ents = list(doc.ents)
        for ent in ents:
            if ent.label_ == "PERSON":
                words = text_of(person_name(list(ent)) or list(ent)).split()
                if len(words) > 1:
                    index._by_last.setdefault(words[-1], []).append(words)
                    index._by_first.setdefault(words[0], []).append(words)
        for ent in ents:
            if ent.label_ == "PERSON":
                index._add_person(ent.root)
            elif ent.label_ == "ORG":
                index.orgs.append((ent.start, ent.text.removeprefix("the ").removeprefix("The ")))
        for token in doc:
            lemma = token.lemma_.lower()
            if lemma in ORG_NOUNS and token.is_title and token.i > 0 and doc[token.i - 1].pos_ == "PROPN":
                # "the SCO Secretariat", "Pakistan's Foreign Office": a body by name, for "the Secretariat said".
                phrase = [t for t in noun_phrase(token) if t.i <= token.i and t.dep_ not in {"det", "poss", "case"}]
                if not token.ent_type_ or doc[token.i - 1].ent_type_ != token.ent_type_:
                    index.orgs.append((phrase[0].i, text_of(phrase)))
            if lemma in DOCUMENT_NOUNS and token.is_title and token.i > 0 and doc[token.i - 1].pos_ == "PROPN":
                # "the Tashkent Declaration", "the SCO Charter": a document by name.
                phrase = [t for t in noun_phrase(token) if t.i <= token.i and t.dep_ not in {"det", "poss", "case"}]
                index.documents.append((token.i, lemma, text_of(phrase)))
        index.orgs.sort()
        return index

    def _add_person(self, root: Token) -> None:
        phrase = noun_phrase(root)
        ent_tokens = [t for t in phrase if t.ent_type_ == "PERSON" and t.i >= root.i - 4]
        words = person_name(ent_tokens) or [root]
        name = text_of(words)
        before = _title_before(phrase, words[0].i)
        role_tokens = [t for t in before if t.ent_type_ != "PERSON" or t.lower_.rstrip(".") in ROLE_NOUNS]
        role_words = {t.lemma_.lower().rstrip(".") for t in role_tokens if t.is_alpha or t.text.endswith(".")}
        role = role_text(before)
        for child in root.children:
            if child.dep_ == "appos" and child.pos_ in {"NOUN", "PROPN"} and child.ent_type_ != "PERSON":
                appos = noun_phrase(child)
                role_words |= {t.lemma_.lower() for t in appos if t.is_alpha}
                role = role or role_text(appos)
        between = self.doc[min(root.head.i, root.i) + 1 : max(root.head.i, root.i)]
        if root.dep_ == "appos" and root.head.pos_ == "NOUN" and not any(t.dep_ == "cc" for t in between):
            head_phrase = noun_phrase(root.head)
            role_words |= {t.lemma_.lower() for t in head_phrase if t.is_alpha}
            role = role or role_text(head_phrase)
        full = self.full_name(name)
        titles = {t.lower_ for t in phrase if t.i < words[0].i} | role_words
        if words[0].i > 0:
            titles.add(self.doc[words[0].i - 1].lower_)
        gender = _gender_of(titles)
        if gender is not None:
            known = self._gender.setdefault(full, gender)
            if known != gender:
                self._gender[full] = "?"
        self._titles.setdefault(full, set()).update(role_words - TITLE_NOISE)
        # "X and Y discussed …", "the minister, X, and Y discussed …": conjuncts and appositions of a subject.
        top = root
        while top.dep_ in {"conj", "appos"} and top.head is not top:
            top = top.head
        subject = top.dep_ in {"nsubj", "nsubjpass"}
        self.people.append(_Person(words[0].i, full, role_words, role, subject))
        self._positions.append(words[0].i)
        if role:
            self._roles[full] = role

    def full_name(self, name: str) -> str:
        """The fullest name the article gives for `name`: "Norov" → "Vladimir Norov"."""
        cached = self._full.get(name)
        if cached is None:
            cached = self._full[name] = self._fullest(name)
        return cached

    def _fullest(self, name: str) -> str:
        # Any mention counts, earlier or later: "Mr. Obama" in the lead, "Barack Obama" further down.
        parts = name.split()
        if not parts:
            return name
        best = parts
        for other in self._by_last.get(parts[-1], ()):
            if len(other) > len(best) and other[-len(parts) :] == parts:
                best = other
        if best is parts and len(parts) == 1:
            # Surname-first names ("Wang" for "Wang Yi") and first names used alone.
            for other in self._by_first.get(parts[0], ()):
                if len(other) > len(best):
                    best = other
        return name if best is parts else " ".join(best)

    def role_of(self, name: str) -> str | None:
        return self._roles.get(name)

    def _orgs_before(self, position: int) -> list[tuple[int, str]]:
        cut = bisect.bisect_left(self.orgs, (position, ""))
        return self.orgs[max(0, cut - _ROLE_WINDOW) : cut]

    def _people_before(self, position: int, window: int) -> list[_Person]:
        cut = bisect.bisect_left(self._positions, position)
        return self.people[max(0, cut - window) : cut]

    def heard(self, position: int, speaker: Speaker) -> None:
        """Record a resolved speaker, so later pronouns and continuations can find it."""
        self.speakers.append((position, speaker))

    def resolve(self, mention: Mention, exclude: set[int] | None = None) -> Speaker | None:
        """The speaker a mention stands for; people inside `exclude` (the statement itself) are skipped."""
        position = mention.head.i
        exclude = exclude or set()
        if mention.kind == "name":
            # A name the model took for something else ("Rouhani" as an organization) is the person whose
            # fuller name the article gives: the kind is the model's guess, the name is the article's.
            if mention.name and (mention.type == "person" or self.full_name(mention.name) != mention.name):
                full = self.full_name(mention.name)
                return Speaker(full, mention.role or self.role_of(full), "person")
            return Speaker(mention.name, mention.role, mention.type)
        if mention.kind == "pronoun":
            return self._pronoun(mention.head, exclude)
        if mention.kind == "relative":
            antecedent = mention.head.head.head if mention.head.head.dep_ == "relcl" else None
            return self._from_token(antecedent) if antecedent is not None else None
        if mention.kind == "role":
            return self._by_role(position, mention, exclude)
        if mention.kind == "org_noun":
            return self._by_org(position, mention)
        if mention.kind == "document":
            if mention.name is None:
                # "the document said" after "the Dushanbe Declaration": that declaration; "the statement said"
                # after "the ministry said in a statement": the issuer speaks.
                named = self._document_before(position, mention.head.lemma_.lower())
                if named is not None:
                    return Speaker(named, None, "document")
                last = self.last_speaker(position)
                if last is not None and last.name:
                    return last
            return Speaker(mention.name, None, "document")
        return Speaker(None, None, "unknown")

    def _document_before(self, position: int, lemma: str) -> str | None:
        """The latest document the article names before `position` ("the Astana Declaration"), of the kind
        `lemma` says ("declaration"), or of any kind for "the document"."""
        for at, kind, name in reversed(self.documents):
            if at < position and (kind == lemma or lemma in _GENERIC_DOCUMENTS):
                return name
        return None

    def _from_token(self, token: Token) -> Speaker | None:
        mention = describe(token)
        if mention is None or mention.kind in {"relative", "pronoun"}:
            return None
        return self.resolve(mention)

    def last_speaker(self, position: int) -> Speaker | None:
        for at, speaker in reversed(self.speakers[-_WINDOW:]):
            if at < position:
                return speaker
        return None

    def _pronoun(self, token: Token, exclude: set[int]) -> Speaker | None:
        lower = token.lower_
        position = token.i
        if lower in {"i", "we"}:
            return None
        if lower in {"they", "them", "it"}:
            for at, speaker in reversed(self.speakers[-_WINDOW:]):
                if at < position and speaker.type in {"organization", "country", "document"}:
                    return speaker
            for _at, org in reversed(self._orgs_before(position)):
                return Speaker(org, None, "organization")
            return None
        last = self._latest_person(position, exclude, _PRONOUN_GENDER.get(lower))
        return Speaker(last.name, last.role, "person") if last else None

    def _other_gender(self, name: str, gender: str | None) -> bool:
        known = self._gender.get(name)
        return gender is not None and known is not None and known != "?" and known != gender

    def _latest_person(
        self,
        position: int,
        exclude: set[int] | None = None,
        gender: str | None = None,
        allowed: Callable[[str], bool] | None = None,
    ) -> _Person | None:
        """The most recent person who spoke or was a subject; speakers count as subjects.

        Antecedents are close by, so only the last `_WINDOW` people and speakers are looked at; that
        keeps a pronoun lookup constant-time however long the article is.
        """
        excluded = exclude or set()
        recent = self._people_before(position, _WINDOW)
        spoken: dict[str, int] = {}
        for at, speaker in self.speakers[-_WINDOW:]:
            if at < position and speaker.type == "person" and speaker.name:
                if self._other_gender(speaker.name, gender) or (allowed is not None and not allowed(speaker.name)):
                    continue  # "she" after "Mr. X said": not him
                spoken[speaker.name] = at
        best: _Person | None = None
        best_at = -1
        for person in recent:
            if person.position in self.reported or person.position in excluded:
                continue
            if self._other_gender(person.name, gender) or (allowed is not None and not allowed(person.name)):
                continue
            at = max(person.position if person.is_subject else -1, spoken.get(person.name, -1))
            if at > best_at:
                best, best_at = person, at
        for name, at in spoken.items():
            if at > best_at:
                best, best_at = _Person(at, name, set(), None, True), at
        if best is None and allowed is None:
            # Nobody was a subject yet: the latest person named outside any reported content.
            for person in reversed(recent):
                usable = person.position not in self.reported and person.position not in excluded
                if usable and not self._other_gender(person.name, gender):
                    return person
        return best

    def titles_of(self, name: str) -> set[str]:
        return title_words(self._titles.get(name, set()))

    def _by_role(self, position: int, mention: Mention, exclude: set[int]) -> Speaker | None:
        """ "the foreign minister", "the PM", "the SCO chief": the person the article gives that title, looked
        for among the people named before, with every title each of them has anywhere in the article."""
        head = mention.head.lemma_.lower()
        wanted = title_words(set(mention.role_words) - _WEAK_ROLE_WORDS - TITLE_NOISE)
        # Titles are introduced once, often far above; the window is wider than for pronouns.
        earlier: list[str] = []
        for person in reversed(self._people_before(position, _ROLE_WINDOW)):
            if person.name not in earlier:
                earlier.append(person.name)
        if wanted:
            heads = title_words({head})
            for test in (
                lambda titles: wanted <= titles and bool(heads & titles),
                lambda titles: wanted <= titles,
                lambda titles: (
                    head not in _WEAK_ROLE_WORDS and bool(heads & titles) and not other_country(wanted, titles)
                ),
            ):
                for name in earlier:
                    if test(self.titles_of(name)):
                        return Speaker(name, self.role_of(name), "person")
        # No one holds that title by name: the person in focus, unless the article gives them another office
        # ("the spokesperson" after a paragraph on a president is not the president).
        last = self._latest_person(position, exclude, allowed=lambda name: not self._other_office(name, wanted))
        if last is None:
            last = self._latest_person(position, exclude, allowed=lambda name: not self._other_country(name, wanted))
        if last is not None:
            return Speaker(last.name, last.role, "person")
        return Speaker(None, mention.role, "person")

    def _other_office(self, name: str, wanted: set[str]) -> bool:
        """The article gives `name` an office, and it is not the one `wanted` names."""
        if self._other_country(name, wanted):
            return True
        offices = {w for w in self.titles_of(name) if w in ROLE_NOUNS and w not in _WEAK_ROLE_WORDS}
        return bool(wanted) and bool(offices) and not (offices & wanted)

    def _other_country(self, name: str, wanted: set[str]) -> bool:
        return other_country(wanted, self.titles_of(name))

    def _by_org(self, position: int, mention: Mention) -> Speaker | None:
        head = mention.head.lower_
        for _at, org in reversed(self._orgs_before(position)):
            if head in org.lower():
                return Speaker(org, None, "organization")
        name = mention.name
        if name is not None and generic_org(name):
            return Speaker(None, None, "organization")  # "the Secretariat" with none named before
        bare = not any(c.dep_ in {"det", "poss"} for c in mention.head.children)
        if name and not bare and not any(t.pos_ == "PROPN" for t in mention.head.subtree):
            # "the ministry" with no ministry named before: an organization, but not a name.
            return Speaker(None, None, "organization")
        return Speaker(name, None, "organization")
