"""The compiled attribute_ruler sets exactly what spaCy's sets: on real text, on made-up docs, and by rule."""

from __future__ import annotations

import pickle
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from bot.corpus.evaluation import articles_dir
from bot.corpus.fast_attributes import FastAttributeRuler, use_fast_attribute_ruler
from bot.corpus.nlp import DEFAULT_MODEL
from bot.corpus.reader import read_articles
from tests.auxil.report import ReportLine
from tests.conftest import SEEDS_DIR

Row = tuple[Any, ...]
# Text where the model's rarer rules fire: contractions, multi-token rules, whitespace tokens, an empty doc.
ODD_TEXTS = [
    "",
    "   ",
    "I ain't gonna say it, and y'all gotta let's see. C'mon, there is nothin' 'nuff.",
    "He said: \"It's 'em, not us.\"\n\n  She'd've known; we'll see, doin' fine, goin' home, ol' pal.",
    "There are\tthree.  There were, there was, there's;  it is what it is.\n \n",
    "Y' all wo n't sha n't ca n't do it -- can you? Being been had did does.",
]


def rows(doc: Doc) -> list[Row]:
    """Everything a token carries that any pipe sets."""
    return [
        (t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_, t.is_sent_start)
        for t in doc
    ]


@pytest.fixture(scope="module")
def reference() -> Language:
    """The model as shipped, with spaCy's own attribute_ruler."""
    return spacy.load(DEFAULT_MODEL)


def compare(reference: Language, nlp: Language, texts: Iterable[str]) -> int:
    """Assert both pipelines give every token the same attributes; the number of tokens compared."""
    tokens = 0
    texts = list(texts)
    for number, (want, got) in enumerate(zip(reference.pipe(texts), nlp.pipe(texts), strict=True)):
        wanted, found = rows(want), rows(got)
        assert found == wanted, f"text {number}: first differing token {_first_difference(wanted, found)}"
        tokens += len(wanted)
    return tokens


def _first_difference(wanted: list[Row], found: list[Row]) -> tuple[Row, Row] | None:
    return next(((a, b) for a, b in zip(wanted, found, strict=False) if a != b), None)


def test_the_loaded_model_uses_the_compiled_ruler(nlp: Language) -> None:
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, FastAttributeRuler)
    assert ruler.compiles()
    assert not use_fast_attribute_ruler(nlp), "swapping twice must leave the pipeline alone"


def test_seeds_and_odd_text_parse_identically(reference: Language, nlp: Language, report_line: ReportLine) -> None:
    texts = [path.read_text() for path in sorted(SEEDS_DIR.glob("*.txt"))] + ODD_TEXTS
    tokens = compare(reference, nlp, texts)
    assert tokens > 1000
    report_line("fast attribute_ruler: seeds and odd text", f"{tokens} tokens identical")


def test_gold_articles_parse_identically(
    reference: Language, nlp: Language, shared_eval: Path, report_line: ReportLine
) -> None:
    # Every SCO article, and a quarter of the US political ones: both pipelines parse everything they are
    # given, and the whole of polnear-dev would add half a minute to the suite for no new kind of text.
    for name, every in (("sco-dev", 1), ("polnear-dev", 4)):
        articles, _ = read_articles([articles_dir(shared_eval, name)])
        articles = articles[::every]
        tokens = compare(reference, nlp, (article.text for article in articles))
        report_line(f"fast attribute_ruler: {name}", f"{len(articles)} articles, {tokens} tokens identical")


def made_up_docs(nlp: Language, count: int, seed: int) -> Iterator[Doc]:
    """Docs with any tags and dependency labels, as no parser would produce them, where half the tokens are
    runs built to fit one of the model's patterns: so that every rule fires, and rules overlap."""
    rng = random.Random(seed)
    alternatives = [alt for pattern in nlp.get_pipe("attribute_ruler").patterns for alt in pattern["patterns"]]
    words = ["economy", "Minister", "nothin'", "nuthin'", "n't", "nt", "y'", "y", "  ", "\n", "\t"]
    tags = [*nlp.get_pipe("tagger").labels, ""]
    deps = [*nlp.get_pipe("parser").labels, "ROOT", "dep", ""]

    def pick(spec: dict[str, Any], key: str, anything: list[str]) -> str:
        value = spec.get(key)
        if isinstance(value, dict) and "IN" in value:
            value = rng.choice(value["IN"])
        return value if isinstance(value, str) else rng.choice(anything)

    for _ in range(count):
        specs: list[dict[str, Any]] = []
        while len(specs) < 10:
            specs += rng.choice(alternatives) if rng.random() < 0.5 else [{}]
        made = [(pick(spec, "LOWER", words), pick(spec, "TAG", tags), pick(spec, "DEP", deps)) for spec in specs]
        doc = Doc(
            nlp.vocab,
            words=[word.upper() if rng.random() < 0.1 else word for word, _, _ in made],
            spaces=[rng.random() < 0.7 for _ in made],
            tags=[tag for _, tag, _ in made],
        )
        for token, (_, _, dep) in zip(doc, made, strict=True):
            token.dep_ = dep  # labels without heads: the ruler reads DEP alone, and a tree would constrain them
        yield doc


def test_made_up_docs_get_what_spacy_gives_them(nlp: Language, report_line: ReportLine) -> None:
    fast = nlp.get_pipe("attribute_ruler")
    slow = AttributeRuler(nlp.vocab)
    slow.add_patterns(fast.patterns)
    tokens = 0
    for doc in made_up_docs(nlp, 2000, seed=7):
        want, got = slow(doc.copy()), fast(doc.copy())
        assert rows(got) == rows(want)
        tokens += len(doc)
    report_line("fast attribute_ruler: made-up docs", f"{tokens} tokens identical")


def both(patterns: list[dict[str, Any]]) -> tuple[AttributeRuler, FastAttributeRuler]:
    vocab = spacy.blank("en").vocab
    slow, fast = AttributeRuler(vocab), FastAttributeRuler(vocab)
    slow.add_patterns(patterns)
    fast.add_patterns(patterns)
    return slow, fast


def tagged(vocab: Any, text: str) -> Doc:
    """A doc from "word/TAG/dep" items."""
    words, tags, deps = zip(*(item.split("/") for item in text.split()), strict=True)
    doc = Doc(vocab, words=list(words), tags=list(tags))
    for token, dep in zip(doc, deps, strict=True):
        token.dep_ = dep
    return doc


def assert_same(patterns: list[dict[str, Any]], text: str, compiled: bool = True) -> list[Row]:
    slow, fast = both(patterns)
    assert fast.compiles() is compiled
    doc = tagged(slow.vocab, text)
    want, got = rows(slow(doc.copy())), rows(fast(doc.copy()))
    assert got == want
    return got


def test_later_rules_win_attribute_by_attribute() -> None:
    patterns = [
        {"patterns": [[{"TAG": "VBZ"}]], "attrs": {"POS": "VERB", "MORPH": "Number=Sing", "LEMMA": "x"}},
        {"patterns": [[{"LOWER": "is", "TAG": "VBZ"}]], "attrs": {"POS": "AUX"}},
        {"patterns": [[{"LOWER": {"REGEX": "^i"}}]], "attrs": {"LEMMA": "be"}},
    ]
    [is_, runs] = assert_same(patterns, "Is/VBZ/ROOT runs/VBZ/conj")
    assert (is_[1], is_[3], is_[4]) == ("AUX", "Number=Sing", "be")
    assert (runs[1], runs[4]) == ("VERB", "x")


def test_multi_token_rules_write_the_indexed_token() -> None:
    patterns = [
        {"patterns": [[{"TAG": "VBZ"}]], "attrs": {"POS": "VERB"}},
        {"patterns": [[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "are"]}}]], "attrs": {"POS": "AUX"}, "index": 1},
        {"patterns": [[{"LOWER": "a"}, {}, {"LOWER": "a"}]], "attrs": {"LEMMA": "mid"}, "index": -2},
        {"patterns": [[{"LOWER": "is"}, {"LOWER": {"NOT_IN": ["x"]}}]], "attrs": {"TAG": "NN", "DEP": "dep"}},
    ]
    got = assert_same(patterns, "There/EX/expl is/VBZ/ROOT a/DT/det a/DT/det a/DT/det a/DT/det is/VBZ/ROOT")
    assert [row[1] for row in got][:2] == ["", "AUX"]
    assert [row[4] for row in got][2:6] == ["", "mid", "mid", ""]


def test_patterns_the_compiler_does_not_express_go_to_a_matcher() -> None:
    patterns = [
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}},
        {"patterns": [[{"TAG": "JJ", "OP": "+"}, {"TAG": "NN"}]], "attrs": {"POS": "ADJ"}, "index": -1},
        {"patterns": [[{"LENGTH": {">=": 5}}]], "attrs": {"LEMMA": "long"}},
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"MORPH": "Number=Sing"}},
    ]
    got = assert_same(patterns, "big/JJ/amod red/JJ/amod houses/NN/ROOT house/NN/dobj")
    assert [row[1] for row in got] == ["", "", "ADJ", "NOUN"]


def test_rules_writing_other_attributes_run_spacys_own_code() -> None:
    patterns = [{"patterns": [[{"TAG": "NN"}]], "attrs": {"NORM": "thing", "POS": "NOUN"}}]
    assert_same(patterns, "house/NN/ROOT", compiled=False)
    assert not use_fast_attribute_ruler(spacy.blank("en")), "no attribute_ruler, nothing to swap"


def test_the_pipeline_pickles_and_saves_with_its_ruler(nlp: Language, reference: Language, tmp_path: Path) -> None:
    texts = ODD_TEXTS[2:4]
    copied = pickle.loads(pickle.dumps(nlp))
    assert isinstance(copied.get_pipe("attribute_ruler"), FastAttributeRuler)
    compare(reference, copied, texts)
    nlp.to_disk(tmp_path / "model")
    compare(reference, spacy.load(tmp_path / "model"), texts)
