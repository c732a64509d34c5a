"""One identity per speaker across articles: "Xi", "Xi Jinping" and "President Xi" are one person.

Within an article the extractor already resolves surnames and roles to the fullest name. Across articles
names differ by how much of them is given and by how they are spelt, so a person is matched by the keys of
their name's words (bot/corpus/names.py: titles and honorifics gone, transliterations one key). A shorter
name joins the one longer name that contains it, or the one that clearly dominates those that do ("Wang"
for Wang Yi beside a rarely quoted Wang Wenbin); a fuller name takes over the one shorter name it contains.
A name that fits two people about equally ("Zhang" for Zhang Ming and Zhang Haizhou) stays on its own.
Whatever kind the extractor guessed, a name that looks like a person's takes part, so "Modi" typed as an
organization still joins Narendra Modi. A name made only of title words ("Mr. President", "the Chairman")
says nothing about who is meant: it is known by its alias key alone, never joins, takes over or blocks anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.corpus.names import TITLE_WORDS, display_name, looks_like_person, name_words

__all__ = ["TITLE_WORDS", "Speaker", "SpeakerDirectory", "alias_key", "is_person_name", "name_words"]

# A surname joins the most quoted of the people it fits when they have this many times the statements of
# all the others together: "clearly dominant", not merely ahead.
DOMINANCE = 3
# A form of a name used at least this share as often as the most used one is common enough to display.
COMMON_FORM = 0.1


def is_person_name(name: str, kind: str) -> bool:
    """Whether a speaker takes part in matching by name words: a person, or any name that looks like one."""
    return kind == "person" or looks_like_person(display_name(name))


@dataclass(slots=True)
class Speaker:
    id: int
    name: str
    kind: str
    aliases: set[str] = field(default_factory=set)
    # Statements so far: what tells a dominant namesake from a rare one.
    statements: int = 0
    # The forms of the name met in this load, with how often: the display name is the fullest common one.
    forms: dict[str, int] = field(default_factory=dict)

    @property
    def words(self) -> frozenset[str]:
        return name_words(self.name)


class SpeakerDirectory:
    """The speakers known so far, and the rule that says which of them a new name is.

    People are indexed by the words of their names, so matching a new name looks at the people who share
    a word with it rather than at everyone: a load of thousands of speakers stays linear.
    """

    def __init__(self, speakers: Iterable[Speaker] = (), people: Iterable[tuple[str, Iterable[str]]] = ()) -> None:
        self._by_id: dict[int, Speaker] = {}
        self._by_alias: dict[str, int] = {}
        self._words: dict[int, frozenset[str]] = {}
        self._by_word: dict[str, set[int]] = {}
        self._next_id = 1
        self.renamed: set[int] = set()
        # Parts of names ("Zhang") that joined a person, by alias key: see `reconsider_parts`.
        self._part_joins: dict[str, tuple[str, str, int]] = {}
        # Reference data (seeds/people.csv): any name of a known person, by alias key, is that person.
        self._anchors: dict[str, str] = {}
        for canonical, names in people:
            for name in (canonical, *names):
                self._anchors.setdefault(alias_key(name), canonical)
        for speaker in speakers:
            self._add(speaker)

    def __iter__(self) -> Iterator[Speaker]:
        return iter(self._by_id.values())

    def resolve(self, name: str, kind: str) -> Speaker:
        """The speaker `name` refers to, creating (or widening) one when needed; it gains one statement."""
        speaker = self._find(name, kind)
        speaker.statements += 1
        form = display_name(self.canonical(name))
        if not speaker.forms:
            # What it was called before this load counts as often as it was quoted.
            speaker.forms[speaker.name] = max(speaker.statements - 1, 0)
        speaker.forms[form] = speaker.forms.get(form, 0) + 1
        return speaker

    def settle_names(self) -> None:
        """Name each speaker met in this load by the fullest of its common forms, not the last one met.

        "Rip Donald Trump" from a headline is fuller than "Donald Trump" but rare, so it stays an alias.
        """
        for speaker in self._by_id.values():
            if not speaker.forms or not is_person_name(speaker.name, speaker.kind):
                continue
            top = max(speaker.forms.values())
            common = [f for f, n in speaker.forms.items() if n >= max(1.0, COMMON_FORM * top) and name_words(f)]
            if not common:
                continue
            best = max(common, key=lambda f: (len(name_words(f)), speaker.forms[f], f))
            if best != speaker.name:
                speaker.aliases.add(speaker.name)
                speaker.aliases.discard(best)
                speaker.name = best
                self._index(speaker)
                self._by_alias.setdefault(alias_key(best), speaker.id)
                self.renamed.add(speaker.id)

    def canonical(self, name: str) -> str:
        """The people file's name for `name`, or `name` itself."""
        return self._anchors.get(alias_key(name), name)

    def _find(self, name: str, kind: str) -> Speaker:
        key = alias_key(name)
        anchored = self._anchors.get(key)
        if anchored is not None and alias_key(anchored) != key:
            return self._remember(self._find(anchored, "person"), name)
        if key in self._by_alias:
            return self._remember(self._by_id[self._by_alias[key]], name)
        words = name_words(name)
        # A name of titles alone would be a part of every name; it is matched by its alias key only.
        if words and is_person_name(name, kind):
            wider = [self._by_id[i] for i in self._containing(words) if words < self._words[i]]
            narrower = [self._by_id[i] for i in self._sharing(words) if self._words[i] < words]
            if wider and not narrower:
                chosen = wider[0] if len(wider) == 1 else self._dominant(wider)
                if chosen is not None:
                    self._part_joins[key] = (name, kind, chosen.id)
                    return self._remember(chosen, name)
            if len(narrower) == 1 and not wider and self._widest_of_its_words(narrower[0]):
                speaker = narrower[0]
                old_key = alias_key(speaker.name)
                speaker.aliases.add(speaker.name)
                speaker.name = display_name(name)
                self._index(speaker)
                # "Zhang" was this person only while nobody else was called Zhang; from now on it is decided
                # afresh each time it is met, so a later Zhang Ming can make it ambiguous.
                if self._by_alias.get(old_key) == speaker.id:
                    del self._by_alias[old_key]
                self._remember(speaker, name)
                self.renamed.add(speaker.id)
                return speaker
        speaker = Speaker(self._next_id, display_name(name), kind, {name} - {display_name(name)})
        self._add(speaker)
        return speaker

    def reconsider_parts(self) -> dict[str, Speaker]:
        """Parts of names that joined someone before a namesake was met, and whom they mean now.

        "Zhang" met while Zhang Haizhou was the only Zhang joined him; once Zhang Ming is met in the same
        load, "Zhang" fits two people and stays on its own. Returns, by alias key, the speaker each such
        name now means; the load moves those statements there.
        """
        moved: dict[str, Speaker] = {}
        for key, (name, kind, joined) in self._part_joins.items():
            words = name_words(name)
            wider = [self._by_id[i] for i in self._containing(words) if words < self._words[i]]
            chosen = wider[0] if len(wider) == 1 else self._dominant(wider)
            if chosen is not None and chosen.id == joined:
                continue
            before = self._by_id[joined]
            before.aliases = {alias for alias in before.aliases if alias_key(alias) != key}
            if chosen is None:
                chosen = Speaker(self._next_id, display_name(name), kind)
                self._add(chosen)
            moved[key] = chosen
        self._part_joins.clear()
        return moved

    @staticmethod
    def _dominant(people: list[Speaker]) -> Speaker | None:
        ranked = sorted(people, key=lambda p: (-p.statements, p.id))
        rest = sum(p.statements for p in ranked[1:])
        return ranked[0] if ranked[0].statements >= DOMINANCE * max(rest, 1) else None

    def _widest_of_its_words(self, speaker: Speaker) -> bool:
        # "Zhang" must not grow into "Zhang Ming" when "Zhang Haizhou" also exists.
        words = self._words[speaker.id]
        return not any(other != speaker.id and words < self._words[other] for other in self._containing(words))

    def _containing(self, words: frozenset[str]) -> set[int]:
        """People whose names have every one of `words` (at least one word)."""
        postings = sorted((self._by_word.get(word, set()) for word in words), key=len)
        return set(postings[0]).intersection(*postings[1:])

    def _sharing(self, words: frozenset[str]) -> set[int]:
        """People whose names could be a part of `words`: those sharing a word with it."""
        found: set[int] = set()
        for word in words:
            found |= self._by_word.get(word, set())
        return found

    def _index(self, speaker: Speaker) -> None:
        if not is_person_name(speaker.name, speaker.kind):
            return
        old = self._words.get(speaker.id, frozenset())
        words = self._words[speaker.id] = speaker.words
        for word in old - words:
            self._by_word[word].discard(speaker.id)
        for word in words:
            self._by_word.setdefault(word, set()).add(speaker.id)

    def _remember(self, speaker: Speaker, alias: str) -> Speaker:
        if alias != speaker.name:
            speaker.aliases.add(alias)
        if self._binds(speaker, alias):
            self._by_alias[alias_key(alias)] = speaker.id
        return speaker

    def _binds(self, speaker: Speaker, alias: str) -> bool:
        """Whether meeting `alias` again means this speaker outright: not when it is only a part of their
        name (a surname), which could fit someone met later as well."""
        words = name_words(alias)
        return not (words and speaker.id in self._words and words < self._words[speaker.id])

    def _add(self, speaker: Speaker) -> None:
        self._by_id[speaker.id] = speaker
        self._next_id = max(self._next_id, speaker.id + 1)
        self._index(speaker)
        for alias in (speaker.name, *speaker.aliases):
            if self._binds(speaker, alias):
                self._by_alias.setdefault(alias_key(alias), speaker.id)


def alias_key(name: str) -> str:
    """The key under which two spellings of a name are one name: "President Xi" and "xi" share "xi".

    It is the sorted identifying words, so titles, order, case and script do not count. A name made only of
    title words keeps its own whole casefolded text ("the president"), so that it stays one distinct name.
    bot/speaker_terms.py files speakers under these keys, so changing the key means refiling every speaker.
    """
    return " ".join(sorted(name_words(name))) or name.casefold()
