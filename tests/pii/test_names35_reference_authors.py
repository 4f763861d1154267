"""A reference list's authors, family name first with initials after it, before the year.

Written from the failure class "bibliographies in APA and Harvard style": "Okafor, J. and
Lindqvist, K. (2019)" found no person (and a firm "J. and Lindqvist"). The names are invented.
"""

from __future__ import annotations

import time

import pytest

from veil.pii.recognizers.person_citations import CitationFinder

FINDER = CitationFinder()


def found(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in FINDER(text)]


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("Okafor, J. and Lindqvist, K. (2019) reported it.", ["Okafor, J.", "Lindqvist, K."]),
        (
            "Okafor, J., Lindqvist, K. L., & Brandt, M. (2019). A study. Journal, 4, 1-9.",
            ["Okafor, J.", "Lindqvist, K. L.", "Brandt, M."],
        ),
        ("Weber, M.-L. and Tanaka, H. 2021. Title.", ["Weber, M.-L.", "Tanaka, H."]),
        ("Bird, A., & Cole, B. (2004). Notes.", ["Bird, A.", "Cole, B."]),  # words, in a list
        ("See Nakashima, R. (2018).", ["Nakashima, R."]),
    ],
)
def test_reference_authors(text: str, authors: list[str]) -> None:
    assert [a for a in found(text) if "," in a] == authors


@pytest.mark.parametrize(
    "text",
    [
        "See Table, A. (2019)",  # one ordinary word alone
        "Monday, J. 2019",  # a common capitalised word
        "Okafor, J. wrote to us.",  # no year
        "The total, 5. 2019 was a good year.",
    ],
)
def test_no_reference_author(text: str) -> None:
    assert [a for a in found(text) if "," in a] == []


def test_a_long_run_of_initials_stays_linear() -> None:
    def cost(n: int) -> float:
        text = "Aa, B. C., Aa, B., & " * n
        began = time.process_time()
        list(FINDER(text))
        return time.process_time() - began

    small, large = cost(7600), cost(15200)  # 160k and 320k characters
    assert large < 4 * small + 0.05
