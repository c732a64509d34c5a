"""A fixed mix of 1,000 queries people type: surnames, full names, typos, topics, countries, Cyrillic, words.

The mix is drawn from the corpus itself with a fixed seed, so every scale answers the same kinds of
questions and a rerun asks exactly the same ones.
"""

from __future__ import annotations

import random

from bot.store import NamedCount, SpeakerNames

QUERIES = 1000
# Latin to Cyrillic, letter by letter, the way a Russian speaker writes a foreign surname.
_CYRILLIC = dict(
    zip(
        "abvgdezijklmnoprstufhcy",
        "абвгдезийклмнопрстуфхцы",
        strict=True,
    )
)
_CYRILLIC_PAIRS = {"sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "yu": "ю", "ya": "я", "ts": "ц"}
_TOPIC_WORDS = [
    "security cooperation",
    "terrorism",
    "trade",
    "energy",
    "sanctions",
    "nuclear",
    "oil prices",
    "economy",
    "Afghanistan peace",
    "regional stability",
    "multipolar world",
    "investment",
    "Belt and Road",
    "extremism",
    "drug trafficking",
]


def to_cyrillic(word: str) -> str:
    out: list[str] = []
    lower = word.lower()
    i = 0
    while i < len(lower):
        pair = lower[i : i + 2]
        if pair in _CYRILLIC_PAIRS:
            out.append(_CYRILLIC_PAIRS[pair])
            i += 2
            continue
        out.append(_CYRILLIC.get(lower[i], lower[i]))
        i += 1
    text = "".join(out)
    return text[:1].upper() + text[1:]


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # a letter dropped
    if kind == 1:
        return word[:i] + word[i] + word[i:]  # a letter doubled
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped


def query_mix(
    speakers: list[SpeakerNames],
    topics: list[NamedCount],
    countries: list[str],
    texts: list[str],
    seed: int = 6,
) -> list[str]:
    """QUERIES queries in a fixed proportion of kinds; popular speakers come up more often."""
    rng = random.Random(seed)
    people = [s for s in speakers if s.kind == "person" and len(s.name.split()) >= 2][:500] or speakers[:500]
    surnames = [p.name.split()[-1] for p in people] or ["Norov"]
    names = [p.name for p in people] or ["Vladimir Norov"]
    words = [w for text in texts[:2000] for w in text.split() if w.isalpha() and len(w) > 6][:5000] or ["security"]
    topic_names = [t.name for t in topics] or ["Security"]

    def pick(items: list[str]) -> str:
        # Zipf-like: the head of each list (most statements first) is asked about most.
        return items[min(int(rng.paretovariate(1.2)) - 1, len(items) - 1)]

    makers = [
        (25, lambda: pick(surnames)),
        (10, lambda: pick(names)),
        (15, lambda: typo(pick(surnames), rng)),
        (10, lambda: rng.choice(topic_names)),
        (8, lambda: rng.choice(_TOPIC_WORDS)),
        (12, lambda: rng.choice(countries)),
        (10, lambda: to_cyrillic(pick(surnames))),
        (5, lambda: str(rng.randrange(2001, 2026))),
        (5, lambda: rng.choice(words)),
    ]
    weights = [w for w, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(QUERIES)]
