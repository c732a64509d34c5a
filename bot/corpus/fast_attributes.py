"""spaCy's attribute_ruler, compiled: the same token attributes as spaCy sets, in a fraction of the time.

spaCy's AttributeRuler runs a Matcher over the doc, then builds a Span and sets attributes from Python for
each match. The English models' rules match every token (a tag map) and some again (pronouns, auxiliaries),
so that costs as much as the dependency parser. Nearly all those rules test one token's TAG, LOWER, DEP or
IS_SPACE, so what they write on a token depends on those few values alone: it is worked out once per
distinct combination, cached, and written for the whole doc with one `Doc.from_array`.

What spaCy does (spacy/pipeline/attributeruler.py), and so what this does too:
- every rule is matched against the doc as the earlier pipes left it, before any rule writes;
- matches are applied in rule order, each setting its attributes, so for every attribute of a token the
  highest-numbered matching rule that sets it wins;
- `index` picks the token of the match to write, from the end when negative.
Patterns of other shapes (quantifiers, extensions, other predicates) go to a spaCy Matcher of their own.
Rules writing attributes that `Doc.from_array` cannot set plainly leave the component on spaCy's own code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
from spacy.attrs import DEP, IDS, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.pipeline.attributeruler import attribute_ruler_score
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

log = logging.getLogger(__name__)

FACTORY = "scobot_fast_attribute_ruler"
# Token-only attributes: `Doc.from_array` assigns them exactly as spaCy's set_token_attrs does (which also
# offers them to the lexeme, where they are ignored).
_WRITABLE = (POS, TAG, DEP, LEMMA, MORPH)
_STRING_ATTRS = frozenset(
    IDS[name] for name in ("ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LEMMA", "POS", "TAG", "DEP")
)
# Attributes `Doc.to_array` reads exactly as the Matcher does, strings and lexeme flags alike; not SENT_START
# (the Matcher makes it a bool), ENT_IOB (it maps strings to indices) or MORPH (IN normalises analyses).
_READABLE = _STRING_ATTRS | frozenset(value for name, value in IDS.items() if 0 < value < 64 and name.isupper())
# Caches of values seen are emptied past this size, so that a long-running process stays bounded.
_CACHE_LIMIT = 500_000

Test = tuple[int, str, Any]  # (attribute, operator, operand): one condition on one token
Write = tuple[int, int]  # (column of the written attributes, value)
Hit = tuple[int, int, tuple[Write, ...]]  # (rule, token it writes, what it writes)


class _Unsupported(Exception):
    """The rules need spaCy's own AttributeRuler code."""


def _token_tests(spec: object, vocab: Vocab) -> list[Test] | None:
    """The conditions of one token of a Matcher pattern, valued as spaCy's Matcher values them; None when
    the spec uses anything but plain values, IN, NOT_IN and REGEX on attributes read alike everywhere."""
    if not isinstance(spec, dict):
        return None
    tests: list[Test] = []
    for key, value in spec.items():
        if isinstance(key, str):
            name = key.upper()
            attr = IDS.get("ORTH" if name == "TEXT" else name)
        else:
            attr = key
        if attr not in _READABLE:
            return None
        if isinstance(value, str):
            tests.append((attr, "==", vocab.strings.add(value)))
        elif isinstance(value, (bool, int)):
            tests.append((attr, "==", int(value)))
        elif isinstance(value, dict) and value:
            for operator, operand in value.items():
                operator = operator.upper() if isinstance(operator, str) else operator
                if operator in ("IN", "NOT_IN") and isinstance(operand, (list, tuple)):
                    if not all(isinstance(item, (str, int)) for item in operand):
                        return None
                    tests.append((attr, operator, frozenset(get_string_id(item) for item in operand)))
                elif operator == "REGEX" and isinstance(operand, str) and attr in _STRING_ATTRS:
                    tests.append((attr, operator, re.compile(operand)))
                else:
                    return None
        else:
            return None
    return tests


@dataclass(frozen=True, slots=True)
class _Single:
    rule: int
    tests: tuple[Test, ...]
    writes: tuple[Write, ...]


@dataclass(frozen=True, slots=True)
class _Sequence:
    rule: int
    positions: tuple[tuple[Test, ...], ...]
    target: int  # the token written, counted from the match's start
    writes: tuple[Write, ...]


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What the single-token rules write on a token with given values, and which sequence steps it fits."""

    values: tuple[int, ...]
    ranks: tuple[int, ...]  # the rule that wrote each value, -1 for none
    opens: tuple[int, ...]  # the sequences whose first token it can be
    steps: frozenset[tuple[int, int]]  # (sequence, position) pairs it fits past the first


class _Canonical(dict[int, Any]):
    """One column's values as the rules see them: a value no rule names becomes the tuple of what each
    regex says of it, so that the word "minister" and the word "economy" share their cache entries."""

    def __init__(self, named: frozenset[int], regexes: tuple[re.Pattern[str], ...], strings: StringStore) -> None:
        super().__init__()
        self.named = named
        self.regexes = regexes
        self.strings = strings

    def __missing__(self, value: int) -> Any:
        if len(self) > _CACHE_LIMIT:
            self.clear()
        if value in self.named:
            found: Any = value
        else:
            text = self.strings[value] if self.regexes else ""
            found = tuple(regex.search(text) is not None for regex in self.regexes)
        self[value] = found
        return found


class _Rules:
    """The rules of an AttributeRuler, compiled; raises _Unsupported when they cannot be."""

    def __init__(self, ruler: AttributeRuler) -> None:
        vocab = ruler.vocab
        self.strings = vocab.strings
        written = {attr for attrs in ruler.attrs for attr in attrs}
        if not written or not written <= set(_WRITABLE):
            raise _Unsupported(f"rules write {sorted(map(str, written - set(_WRITABLE)))}")
        self.writable = [attr for attr in _WRITABLE if attr in written]
        column = {attr: number for number, attr in enumerate(self.writable)}
        singles: list[_Single] = []
        self.sequences: list[_Sequence] = []
        self.leftover = Matcher(vocab, validate=ruler.validate)
        self.leftover_rule: dict[int, int] = {}
        self.indices = list(ruler.indices)
        self.writes = [tuple((column[attr], value) for attr, value in attrs.items()) for attrs in ruler.attrs]
        for rule, pattern in enumerate(ruler.patterns):
            writes, index = self.writes[rule], self.indices[rule]
            for alternative in pattern["patterns"]:
                compiled = [_token_tests(spec, vocab) for spec in alternative]
                # spaCy raises when a match has no token at `index`: the leftover Matcher's path does too.
                fits = bool(alternative) and -len(alternative) <= index < len(alternative)
                if not fits or any(tests is None for tests in compiled):
                    self.leftover.add(str(rule), [alternative])
                    self.leftover_rule[vocab.strings.add(str(rule))] = rule
                elif len(compiled) == 1:
                    singles.append(_Single(rule, tuple(compiled[0] or ()), writes))
                else:
                    positions = tuple(tuple(tests or ()) for tests in compiled)
                    self.sequences.append(_Sequence(rule, positions, index % len(positions), writes))
        every_test = [test for single in singles for test in single.tests]
        every_test += [test for sequence in self.sequences for step in sequence.positions for test in step]
        self.columns = sorted({attr for attr, _, _ in every_test})
        self.position = {attr: number for number, attr in enumerate(self.columns)}
        self.canonical = [self._canonical(attr, every_test) for attr in self.columns]
        self.by_value, self.unindexed = self._index(singles)
        self.ids = _Ids(self._describe)
        self.outcomes: dict[_Outcome, int] = {}
        self.tables: tuple[np.ndarray, np.ndarray, np.ndarray, list[_Outcome]] | None = None

    def _canonical(self, attr: int, tests: list[Test]) -> _Canonical:
        named: set[int] = set()
        regexes: list[re.Pattern[str]] = []
        for test_attr, operator, operand in tests:
            if test_attr != attr:
                continue
            if operator == "REGEX":
                regexes.append(operand)
            else:
                named |= {operand} if operator == "==" else operand
        return _Canonical(frozenset(named), tuple(regexes), self.strings)

    def _index(self, singles: list[_Single]) -> tuple[dict[tuple[int, int], list[_Single]], list[_Single]]:
        """Each rule under one value it requires, so that a new combination of values tries only its own."""
        by_value: dict[tuple[int, int], list[_Single]] = {}
        unindexed: list[_Single] = []
        for single in singles:
            required = [(attr, operand) for attr, operator, operand in single.tests if operator == "=="]
            if required:
                by_value.setdefault(required[0], []).append(single)
            else:
                unindexed.append(single)
        return by_value, unindexed

    def _holds(self, test: Test, value: Any) -> bool:
        attr, operator, operand = test
        if isinstance(value, tuple):  # a value no rule names: only NOT_IN and regexes can hold
            if operator == "REGEX":
                return value[self.canonical[self.position[attr]].regexes.index(operand)]
            return operator == "NOT_IN"
        if operator == "==":
            return value == operand
        if operator == "IN":
            return value in operand
        if operator == "NOT_IN":
            return value not in operand
        return operand.search(self.strings[value]) is not None

    def _fits(self, tests: Iterable[Test], key: tuple[Any, ...]) -> bool:
        return all(self._holds(test, key[self.position[test[0]]]) for test in tests)

    def _describe(self, key: tuple[Any, ...]) -> int:
        candidates = list(self.unindexed)
        for attr, value in zip(self.columns, key, strict=True):
            candidates += self.by_value.get((attr, value), ())
        values = [0] * len(self.writable)
        ranks = [-1] * len(self.writable)
        for single in sorted(candidates, key=lambda single: single.rule):
            if self._fits(single.tests, key):
                for column, value in single.writes:
                    values[column], ranks[column] = value, single.rule
        opens = tuple(number for number, seq in enumerate(self.sequences) if self._fits(seq.positions[0], key))
        steps = frozenset(
            (number, position)
            for number, seq in enumerate(self.sequences)
            for position in range(1, len(seq.positions))
            if self._fits(seq.positions[position], key)
        )
        outcome = _Outcome(tuple(values), tuple(ranks), opens, steps)
        if outcome not in self.outcomes:
            self.outcomes[outcome] = len(self.outcomes)
            self.tables = None
        return self.outcomes[outcome]

    def _tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[_Outcome]]:
        if self.tables is None:
            outcomes = list(self.outcomes)
            width = len(self.writable)
            values = np.array([outcome.values for outcome in outcomes], dtype=np.uint64).reshape(-1, width)
            ranks = np.array([outcome.ranks for outcome in outcomes], dtype=np.int64).reshape(-1, width)
            opens = np.array([bool(outcome.opens) for outcome in outcomes], dtype=bool)
            self.tables = (values, ranks, opens, outcomes)
        return self.tables

    def apply(self, doc: Doc) -> None:
        """Set on `doc` what spaCy's AttributeRuler would."""
        length = len(doc)
        if length == 0:
            return
        width = len(self.columns)
        table = doc.to_array([*self.columns, *self.writable]).reshape(length, -1)
        if self.columns:
            read = table[:, :width].T.tolist()
            canonical = [list(map(c.__getitem__, values)) for c, values in zip(self.canonical, read, strict=True)]
            keys: Iterable[tuple[Any, ...]] = zip(*canonical, strict=True)
        else:
            keys = repeat((), length)
        ids = np.fromiter(map(self.ids.__getitem__, keys), dtype=np.intp, count=length)
        if len(self.ids) > _CACHE_LIMIT:
            self.ids.clear()
        values, ranks, opens, outcomes = self._tables()
        current = table[:, width:]
        chosen = ranks[ids]
        written = np.where(chosen >= 0, values[ids], current)
        hits = sorted([*self._sequence_hits(ids, opens, outcomes), *self._leftover_hits(doc)], key=lambda hit: hit[0])
        for rule, token, writes in hits:
            for column, value in writes:
                if rule >= chosen[token, column]:
                    written[token, column], chosen[token, column] = value, rule
        # Only the columns some token changes: the MORPH column costs a table look-up per token.
        changed = np.flatnonzero((written != current).any(axis=0)).tolist()
        if changed:
            doc.from_array([self.writable[column] for column in changed], written[:, changed])

    def _sequence_hits(self, ids: np.ndarray, opens: np.ndarray, outcomes: list[_Outcome]) -> Iterator[Hit]:
        """Each multi-token rule matched: (rule, token written, writes)."""
        if not self.sequences:
            return
        length = len(ids)
        for start in np.flatnonzero(opens[ids]).tolist():
            for number in outcomes[ids[start]].opens:
                sequence = self.sequences[number]
                end = start + len(sequence.positions)
                if end <= length and all(
                    (number, position) in outcomes[ids[start + position]].steps
                    for position in range(1, len(sequence.positions))
                ):
                    yield sequence.rule, start + sequence.target, sequence.writes

    def _leftover_hits(self, doc: Doc) -> Iterator[Hit]:
        if len(self.leftover) == 0:
            return
        for match_id, start, end in self.leftover(doc, allow_missing=True):
            rule = self.leftover_rule[match_id]
            index = self.indices[rule]
            if not -(end - start) <= index < end - start:
                # spaCy raises here too (E1001): the rule's index is outside its match.
                raise ValueError(f"attribute_ruler rule {rule}: index {index} is outside match {start}:{end}")
            yield rule, (start if index >= 0 else end) + index, self.writes[rule]


class _Ids(dict[tuple[Any, ...], int]):
    """Canonical token values to the id of their outcome, described on first sight."""

    def __init__(self, describe: Callable[[tuple[Any, ...]], int]) -> None:
        super().__init__()
        self.describe = describe

    def __missing__(self, key: tuple[Any, ...]) -> int:
        found = self[key] = self.describe(key)
        return found


class FastAttributeRuler(AttributeRuler):
    """spaCy's AttributeRuler with the same patterns, serialisation and scores, and a compiled `__call__`."""

    def __init__(
        self,
        vocab: Vocab,
        name: str = "attribute_ruler",
        *,
        validate: bool = False,
        scorer: Callable[..., Any] | None = attribute_ruler_score,
    ) -> None:
        super().__init__(vocab, name, validate=validate, scorer=scorer)
        self._rules: _Rules | None = None
        self._unsupported = False

    def clear(self) -> None:
        super().clear()
        self._stale()

    def add(self, patterns: Iterable[Any], attrs: dict[Any, Any], index: int = 0) -> None:
        super().add(patterns, attrs, index)
        self._stale()

    def _stale(self) -> None:
        self._rules = None
        self._unsupported = False

    def compiles(self) -> bool:
        """True when the patterns compile, False when this runs spaCy's own code."""
        if self._rules is None and not self._unsupported:
            try:
                self._rules = _Rules(self)
            except Exception as exc:  # whatever the cause, spaCy's own code gives the right answer
                log.warning("attribute_ruler %r runs spaCy's own code: %s", self.name, exc)
                self._unsupported = True
        return self._rules is not None

    def __call__(self, doc: Doc) -> Doc:
        if not self.compiles():
            return super().__call__(doc)
        assert self._rules is not None
        try:
            self._rules.apply(doc)
            return doc
        except Exception as exc:
            return self.get_error_handler()(self.name, self, [doc], exc)

    def __getstate__(self) -> dict[str, Any]:
        # The compiled rules and their caches are rebuilt where the ruler is unpickled.
        state = dict(self.__dict__)
        state["_rules"] = None
        state["_unsupported"] = False
        return state


@Language.factory(
    FACTORY, default_config={"validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}}
)
def make_fast_attribute_ruler(
    nlp: Language, name: str, validate: bool, scorer: Callable[..., Any] | None
) -> FastAttributeRuler:
    return FastAttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)


def use_fast_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Swap the pipe `name`, a spaCy AttributeRuler, for a FastAttributeRuler with its patterns; False, with
    the pipeline left alone, when there is no such pipe or its patterns do not compile."""
    if name not in nlp.pipe_names or type(nlp.get_pipe(name)) is not AttributeRuler:
        return False
    original: AttributeRuler = nlp.get_pipe(name)
    fast = FastAttributeRuler(nlp.vocab, name, validate=original.validate, scorer=original.scorer)
    fast.add_patterns(original.patterns)
    if not fast.compiles():
        return False
    nlp.replace_pipe(name, FACTORY, config={"validate": original.validate})
    nlp.get_pipe(name).add_patterns(original.patterns)
    return True
