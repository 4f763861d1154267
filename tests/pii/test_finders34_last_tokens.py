"""``address_lines.last_tokens``: the last words of a span read from its end only, the same
tokens as splitting the whole span (hypothesis over texts of words, blanks and long runs), and
linear on hostile text (one endless word, blanks alone, a long sentence)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.address_lines import TOKEN, last_tokens
from veil.pii.recognizers.addresses import AddressFinder

_PIECES = st.sampled_from(["a", "Bb", "12", "x" * 40, " ", "  ", "\t", "\n", ",", "Street", "9" * 30, "é"])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_PIECES, max_size=120).map("".join),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=1, max_value=14),
)
def test_same_tokens_as_splitting_the_whole_span(text: str, cut_start: int, cut_end: int, count: int) -> None:
    start = min(cut_start, len(text))
    end = max(start, len(text) - cut_end)
    expected = [m.span() for m in list(TOKEN.finditer(text, start, end))[-count:]]
    assert [m.span() for m in last_tokens(text, start, end, count)] == expected


def test_reads_the_last_words_of_a_long_sentence() -> None:
    text = "The court held " + "that the applicant was heard " * 200 + "at 12 Harbour Road"
    words = [m.group() for m in last_tokens(text, 0, len(text), 4)]
    assert words == ["at", "12", "Harbour", "Road"]


def test_fewer_words_than_asked() -> None:
    assert [m.group() for m in last_tokens("  one two ", 0, 10, 12)] == ["one", "two"]
    assert last_tokens("    ", 0, 4, 12) == []


def _cpu(function: object, text: str) -> float:
    started = time.process_time()
    function(text)  # type: ignore[operator]
    return time.process_time() - started


@pytest.mark.parametrize("unit", ["x", " ", "ab ", "Street 12, "])
def test_linear_on_hostile_text(unit: str) -> None:
    small, large = unit * (160_000 // len(unit)), unit * (320_000 // len(unit))

    def run(text: str) -> None:
        last_tokens(text, 0, len(text), 12)

    run(small)
    best_small = min(_cpu(run, small) for _ in range(3))
    best_large = min(_cpu(run, large) for _ in range(3))
    assert best_large <= 4 * best_small + 0.01


def test_address_finder_keeps_finding_a_street_after_a_long_lead_in() -> None:
    text = "Please send the papers " + "and the forms " * 30 + "to 14 Quay Street, Dublin 2, Ireland."
    found = list(AddressFinder()(text))
    assert [text[s:e] for s, e, _ in found] == ["14 Quay Street, Dublin 2, Ireland"]
