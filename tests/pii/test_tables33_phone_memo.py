"""The phone finder remembers each candidate's verdict (tables repeat phone numbers row after row).

The promise: remembering changes nothing. A finder that has already seen a number (in another
text, at another offset, alone or in a sentence) reports exactly what a fresh finder reports,
and the memo stays bounded.
"""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.contact import PhoneFinder

NUMBERS = [
    "212-555-0147",
    "+44 20 7946 0958",
    "(0116) 496 0399",
    "030 12345678",
    "2025550143",
    "+33 1 23 45 67 89",
    "555 123 4567 x12",
    "0049 30 1234567",
    "03/05/2016",
    "123-45-6789",
]
LEADS = ["", "Call ", "tel: ", "order ", "total $", "n <= ", "ring me on ", "  "]
TAILS = ["", ".", " today", ", thanks", " or 212-555-0100", "  "]


def _fresh(text: str) -> list[tuple[int, int, float]]:
    return list(PhoneFinder()(text))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(LEADS), st.sampled_from(NUMBERS), st.sampled_from(TAILS)), max_size=12)
)
def test_a_remembered_verdict_is_the_fresh_one(texts: list[tuple[str, str, str]]) -> None:
    finder = PhoneFinder()
    for lead, number, tail in [*texts, *texts]:  # every text twice: the second time from the memo
        text = lead + number + tail
        assert list(finder(text)) == _fresh(text)


def test_the_same_number_alone_and_in_a_sentence_differ_as_without_memo() -> None:
    finder = PhoneFinder()
    alone, in_text = "2025550143", "order 2025550143 shipped"
    assert list(finder(alone)) == _fresh(alone)
    assert list(finder(in_text)) == _fresh(in_text)
    # a bare run of digits is taken as written alone, weak in running text: the memo keeps both
    assert list(finder(alone)) == [(0, 10, 0.75)]
    assert list(finder(in_text)) == [(6, 16, 0.4)]


def test_the_memo_is_bounded_and_not_pickled() -> None:
    finder = PhoneFinder()
    finder.MEMO_SIZE = 5
    for i in range(12):
        assert list(finder(f"Call 212-555-01{i:02d} now")) == [(5, 17, 0.75)]
        assert len(finder._memo) <= 5
    assert all(
        isinstance(digest, bytes) and len(digest) == 16 for digest, _ in finder._memo
    )  # no number kept
    clone = pickle.loads(pickle.dumps(finder))
    assert clone._memo == {}
    assert list(clone("Call 212-555-0100 now")) == [(5, 17, 0.75)]
