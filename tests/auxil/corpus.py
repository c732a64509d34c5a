"""A small hand-written corpus for tests that need statements but not spaCy."""

from __future__ import annotations

from datetime import date

from bot.corpus.members import MembershipEvent
from bot.corpus.models import Article, Statement
from bot.store import CorpusChange, Store

SOURCE = "https://example.org/sco"


def article(name: str, published: date | None, *paragraphs: str, outlet: str = "Example Wire") -> Article:
    return Article(name, published, "Astana", outlet, paragraphs, f"hash:{name}:{hash(paragraphs)}")


def statement(
    source: Article,
    speaker: str | None,
    text: str,
    *,
    role: str | None = None,
    kind: str = "indirect",
    paragraph: int = 0,
    topics: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
    speaker_type: str = "person",
) -> Statement:
    return Statement(
        doc=source.name,
        date=source.date,
        outlet=source.outlet,
        paragraph=paragraph,
        text=text,
        kind=kind,  # type: ignore[arg-type]
        cue="said",
        speaker=speaker,
        speaker_role=role,
        speaker_type=speaker_type,  # type: ignore[arg-type]
        topics=list(topics),
        countries=list(countries),
    )


def sample_change() -> CorpusChange:
    """Three invented articles: two people called Zhang, one Norov, one Xi, and an organisation."""
    first = article(
        "first.txt",
        date(2021, 12, 21),
        "The secretary general spoke about the bloc's principles of consensus.",
        "Zhang Ming spoke about trade.",
    )
    second = article("second.txt", date(2023, 5, 23), "Zhang Haizhou spoke about new members joining.")
    third = article("third.txt", None, "Xi Jinping spoke about security.")
    return CorpusChange(
        parsed=[
            (
                first,
                [
                    statement(
                        first,
                        "Vladimir Norov",
                        "The bloc takes decisions by consensus",
                        role="SCO Secretary General",
                        kind="direct",
                        topics=("Multipolarity & global governance",),
                    ),
                    statement(
                        first,
                        "Vladimir Norov",
                        "no state imposes its will on the others",
                        role="SCO Secretary General",
                    ),
                    statement(
                        first,
                        "Zhang Ming",
                        "trade in national currencies keeps growing",
                        paragraph=1,
                        topics=("Economy & trade",),
                        countries=("China", "Russia"),
                    ),
                ],
            ),
            (
                second,
                [
                    statement(
                        second,
                        "Zhang Haizhou",
                        "Iran will become a member state this year",
                        role="SCO National Coordinator",
                        topics=("Expansion & membership",),
                        countries=("Iran",),
                    ),
                    statement(
                        second,
                        "Chinese Foreign Ministry",
                        "the organisation is a constructive force",
                        speaker_type="organization",
                        countries=("China",),
                    ),
                ],
            ),
            (third, [statement(third, "Xi Jinping", "security cooperation must deepen", countries=("China",))]),
        ],
        removed=[],
    )


SAMPLE_MEMBERS = [
    MembershipEvent("China", "CN", "member", date(2001, 6, 15), None, SOURCE),
    MembershipEvent("Iran", "IR", "observer", date(2005, 7, 5), date(2023, 7, 4), SOURCE),
    MembershipEvent("Iran", "IR", "member", date(2023, 7, 4), None, SOURCE),
    MembershipEvent("Mongolia", "MN", "observer", date(2004, 6, 17), None, SOURCE),
]
SAMPLE_TOPICS = [
    ("Economy & trade", "Trade and investment", ["trade", "investment"]),
    ("Expansion & membership", "New members", ["member state", "membership"]),
    ("Multipolarity & global governance", "World order", ["consensus", "multipolar"]),
]


async def fill(store: Store) -> None:
    await store.apply(sample_change())
    await store.replace_membership(SAMPLE_MEMBERS)
    await store.replace_topics(SAMPLE_TOPICS)


def make_article(name: str, text: str = "Paragraph one.", published: date | None = date(2024, 7, 4)) -> Article:
    return Article(name, published, "Astana", "Example Wire", (text, "Paragraph two."), f"hash-{name}-{text}")


def make_statement(article: Article, speaker: str | None, text: str, **extra: object) -> Statement:
    fields: dict[str, object] = {
        "doc": article.name,
        "date": article.date,
        "outlet": article.outlet,
        "paragraph": 0,
        "text": text,
        "kind": "indirect",
        "cue": "said",
        "speaker": speaker,
        "speaker_role": None,
        "speaker_type": "person",
    }
    fields.update(extra)
    return Statement(**fields)  # type: ignore[arg-type]
