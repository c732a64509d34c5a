"""One identity per speaker across articles: "Xi", "Xi Jinping" and "President Xi" are one person.

Within an article the extractor already resolves surnames and roles to the fullest name. Across articles
names only differ by how much of them is given, so a person is matched by word sets: a shorter name joins
the one longer name that contains it, and a fuller name takes over the one shorter name it contains.
A name that fits two people ("Zhang" for Zhang Ming and Zhang Haizhou) stays on its own rather than guess.
A name made only of title words ("Mr. President", "the Chairman") says nothing about who is meant, so it
takes no part in this: it is known by its alias key alone, never joins, takes over or blocks anyone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from anyascii import anyascii

_WORD = re.compile(r"[a-z0-9]+")
# Honorifics and titles that can sit in front of a name but never identify anyone.
TITLE_WORDS = frozenset(
    "mr mrs ms miss dr prof sir madam president vice prime minister deputy foreign secretary general "
    "spokesman spokeswoman spokesperson chairman chairwoman ambassador senator rep representative "
    "governor mayor king queen premier chancellor state councilor the".split()
)


def name_words(name: str) -> frozenset[str]:
    """The identifying words of a name: transliterated, folded, without titles."""
    folded = unicodedata.normalize("NFKC", anyascii(name)).lower()
    return frozenset(w for w in _WORD.findall(folded) if w not in TITLE_WORDS)


@dataclass(slots=True)
class Speaker:
    id: int
    name: str
    kind: str
    aliases: set[str] = field(default_factory=set)

    @property
    def words(self) -> frozenset[str]:
        return name_words(self.name)


class SpeakerDirectory:
    """The speakers known so far, and the rule that says which of them a new name is.

    People are indexed by the words of their names, so matching a new name looks at the people who share
    a word with it rather than at everyone: a load of thousands of speakers stays linear.
    """

    def __init__(self, speakers: Iterable[Speaker] = ()) -> None:
        self._by_id: dict[int, Speaker] = {}
        self._by_alias: dict[str, int] = {}
        self._words: dict[int, frozenset[str]] = {}
        self._by_word: dict[str, set[int]] = {}
        self._next_id = 1
        self.renamed: set[int] = set()
        for speaker in speakers:
            self._add(speaker)

    def __iter__(self) -> Iterator[Speaker]:
        return iter(self._by_id.values())

    def resolve(self, name: str, kind: str) -> Speaker:
        """The speaker `name` refers to, creating (or widening) one when needed."""
        key = alias_key(name)
        if key in self._by_alias:
            return self._by_id[self._by_alias[key]]
        words = name_words(name)
        # A name of titles alone would be a part of every name; it is matched by its alias key only.
        if kind == "person" and words:
            wider = [self._by_id[i] for i in self._containing(words) if words < self._words[i]]
            narrower = [self._by_id[i] for i in self._sharing(words) if self._words[i] < words]
            if len(wider) == 1 and not narrower:
                return self._remember(wider[0], name)
            if len(narrower) == 1 and not wider and self._widest_of_its_words(narrower[0]):
                speaker = narrower[0]
                speaker.aliases.add(speaker.name)
                speaker.name = name
                self._index(speaker)
                self._remember(speaker, name)
                self.renamed.add(speaker.id)
                return speaker
        speaker = Speaker(self._next_id, name, kind)
        self._add(speaker)
        return speaker

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
        if speaker.kind != "person":
            return
        old = self._words.get(speaker.id, frozenset())
        words = self._words[speaker.id] = speaker.words
        for word in old - words:
            self._by_word[word].discard(speaker.id)
        for word in words:
            self._by_word.setdefault(word, set()).add(speaker.id)

    def _remember(self, speaker: Speaker, alias: str) -> Speaker:
        speaker.aliases.add(alias)
        self._by_alias[alias_key(alias)] = speaker.id
        return speaker

    def _add(self, speaker: Speaker) -> None:
        self._by_id[speaker.id] = speaker
        self._next_id = max(self._next_id, speaker.id + 1)
        self._index(speaker)
        for alias in (speaker.name, *speaker.aliases):
            self._by_alias.setdefault(alias_key(alias), speaker.id)


def alias_key(name: str) -> str:
    """The key under which two spellings of a name are one name: "President Xi" and "xi" share "xi".

    It is the sorted identifying words, so titles, order, case and script do not count. A name made only of
    title words keeps its own whole casefolded text ("the president"), so that it stays one distinct name.
    bot/speaker_terms.py files speakers under these keys, so changing the key means refiling every speaker.
    """
    return " ".join(sorted(name_words(name))) or name.casefold()
