"""Plain data that flows from the corpus reader, through extraction, into the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

StatementKind = Literal["direct", "indirect", "mixed"]
SpeakerType = Literal["person", "organization", "country", "document", "unknown"]


@dataclass(frozen=True, slots=True)
class Article:
    """One seed file, read and split; nothing here needs spaCy."""

    name: str
    date: date | None
    place: str | None
    outlet: str | None
    paragraphs: tuple[str, ...]
    content_hash: str

    @property
    def text(self) -> str:
        """The article body as the extractor sees it: paragraphs joined by a blank line."""
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)

    def paragraph_at(self, offset: int) -> int:
        """The index of the paragraph that holds character `offset` of `text`."""
        position = 0
        for index, paragraph in enumerate(self.paragraphs):
            position += len(paragraph) + len(PARAGRAPH_SEPARATOR)
            if offset < position:
                return index
        return max(len(self.paragraphs) - 1, 0)


PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class SkippedFile:
    name: str
    reason: str


@dataclass(slots=True)
class Attribution:
    """What the extractor finds in one article's parse: a statement and who made it.

    `speaker` is the fullest name the article gives (titles removed), or None when the source is
    anonymous. `start`/`end` are character offsets of the statement text in `Article.text`.
    """

    text: str
    kind: StatementKind
    cue: str
    speaker: str | None
    speaker_role: str | None
    speaker_type: SpeakerType
    start: int
    end: int


@dataclass(slots=True)
class Statement:
    """An attribution placed in its article and tagged: the unit the store keeps."""

    doc: str
    date: date | None
    outlet: str | None
    paragraph: int
    text: str
    kind: StatementKind
    cue: str
    speaker: str | None
    speaker_role: str | None
    speaker_type: SpeakerType
    topics: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The `scobot parse --json` contract; its field names are a public interface."""
        return {
            "doc": self.doc,
            "date": self.date.isoformat() if self.date else None,
            "speaker": self.speaker,
            "speaker_role": self.speaker_role,
            "kind": self.kind,
            "cue": self.cue,
            "text": self.text,
            "topics": self.topics,
            "countries": self.countries,
        }
