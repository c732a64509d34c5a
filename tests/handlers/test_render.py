from __future__ import annotations

import pytest

from handlers.render import CALLBACK_DATA_LIMIT, balance_quotes, callback, clip, fit_lines


def test_an_unclosed_quotation_in_a_statement_is_closed_on_its_card() -> None:
    assert balance_quotes('leaders said "they will come') == 'leaders said "they will come"'
    assert balance_quotes("a “partial quote") == "a “partial quote”"
    assert balance_quotes('a "balanced" one') == 'a "balanced" one'


def test_callback_data_over_telegrams_limit_is_refused_here_not_by_telegram() -> None:
    assert callback("q", "s:1", 0) == "q|s:1|0"
    with pytest.raises(ValueError):
        callback("q", "x" * CALLBACK_DATA_LIMIT, 0)


def test_long_lists_are_cut_to_fit_one_message() -> None:
    text = fit_lines("header", ["line " * 50] * 100, "footer")
    assert len(text) <= 4096 and text.startswith("header") and text.endswith("footer") and "…" in text
    assert clip("abcdef", 4) == "abc…"
