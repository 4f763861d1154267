"""Firms, outlets and parties that a program's prose also names ("Google", "CNN", "Labour") are
organisations in ordinary prose, and not in a program's prose, before a product's or a term's
name, after an article, or where the text writes the acronym in lower case."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.pii.recognizers.known_organizations import (
    PLAIN_TEXT_ORGANIZATIONS,
    known_organizations,
    plain_text_organizations,
)
from veil.pii.recognizers.program_prose import is_program_prose


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _score in plain_text_organizations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rumours say Google will buy the start-up; Microsoft declined to comment.", ["Google", "Microsoft"]),
        ("My aunt left IBM for Intel in the nineties.", ["IBM", "Intel"]),
        ("Is Yahoo! still bigger than AOL?", ["Yahoo!", "AOL"]),
        ("The journal moved from Elsevier to a society press.", ["Elsevier"]),
        ("She told CNN that the festival would go on; RTE's cameras stayed.", ["CNN", "RTE"]),
        ("Labour's candidate won the seat, and Labor lost two in Perth.", ["Labour", "Labor"]),
        ("The volunteers joined Mozilla after the launch.", ["Mozilla"]),
        ("She wrote for The Onion; The Guardian praised her.", ["Onion", "Guardian"]),
    ],
)
def test_plain_text_organizations_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Link against Intel MKL and run the Google Test suite.",  # products
        "We trained a CNN on the images and compared CNN models.",  # a term
        "Labour costs rose while Labor Day sales fell.",  # work, a holiday
        "The Department of Labor and the fight against Child Labor.",
        'The "collections.abc.Sequence" ABC is provided for sequences.',  # an abstract base class
        "Call `fetch()` to query Google for the parameters and the kwargs.",  # a program's prose
        "The maps were drawn by Googleplex staff and Microsofty fans.",  # inside longer words
        "Chop the onion; the guardian of the gate waits.",  # words
    ],
)
def test_plain_text_organizations_not_found(text: str) -> None:
    assert _found(text) == []


@given(st.sampled_from(PLAIN_TEXT_ORGANIZATIONS))
def test_no_plain_text_name_in_program_prose(name: str) -> None:
    text = f"Pass the iterator and the callback to {name} before the parser runs."
    assert is_program_prose(text)
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We stopped at Burger King, then Taco Bell.", ["Burger King", "Taco Bell"]),
        ("Wikinews spoke to the author; Random House published it.", ["Wikinews", "Random House"]),
        ("He flew British Airways and shipped the box with FedEx.", ["British Airways", "FedEx"]),
    ],
)
def test_known_chains_and_carriers(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b, _s in known_organizations(text)] == expected


def test_an_acronym_mentioned_many_times_is_looked_up_in_lower_case_once() -> None:
    # each mention of "ABC" scanned the whole text for "abc": 320k characters of "Alpha Beta Council
    # (ABC) ABC ABC WHO ABC " took 72 s in the engine (a 16th of it at 80k); now 10 s, 4x per 4x
    def seconds(n: int) -> float:
        text = ("Alpha Beta Council (ABC) ABC ABC WHO ABC " * (n // 41 + 1))[:n]
        started = time.process_time()
        found = list(plain_text_organizations(text))
        assert found  # every "ABC" is the network
        return time.process_time() - started

    seconds(1_000)
    small, large = seconds(20_000), seconds(80_000)
    assert large < 8 * small + 0.2, (small, large)
