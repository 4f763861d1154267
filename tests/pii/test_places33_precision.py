"""Places the engine should not report: one capitalised ordinary word the NER types a place
("at International level"), and a street read back from its type word that starts words after
the number before it ("3 months later I walk down")."""

from __future__ import annotations

import pytest

from veil.pii.recognizers.addresses import AddressFinder
from veil.pii.recognizers.locations import is_plausible_place


@pytest.mark.parametrize("word", ["International", "Epic", "Linguistics", "Government", "Medieval"])
def test_one_ordinary_word_is_no_plausible_place(word: str) -> None:
    assert not is_plausible_place(word)


@pytest.mark.parametrize(
    "word", ["Pacific", "Phoenix", "Reading", "Paris", "West", "Victoria", "Midland", "Dingle"]
)
def test_places_named_by_words_stay_plausible(word: str) -> None:
    assert is_plausible_place(word)


def _streets(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in AddressFinder()(text)]


def test_a_number_that_counts_something_else_starts_no_street() -> None:
    assert _streets("Two days later I walk past the old mill and 3 weeks later I walk home.") == []


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("The parcel went to 1 Kaka Street today", "1 Kaka Street"),
        ("she lives at 12 Rose Walk now", "12 Rose Walk"),
    ],
)
def test_a_house_number_before_its_street_still_makes_one(text: str, street: str) -> None:
    assert _streets(text) == [street]
