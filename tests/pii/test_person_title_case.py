"""Title Case prose and counted things are no names: a candidate opening with a preposition or an
article in Title Case ("Thanks For A Great Job") is implausible (name_plausibility), and one word
right after a number ("5 Euros") is a thing counted (person_context); initials ("A. Roe") and
known names after a number ("to 3 Marias") stay names."""

from __future__ import annotations

import pytest

from veil.pii.recognizers.name_plausibility import is_plausible_name
from veil.pii.recognizers.person_context import PersonContextFinder

_CONTEXT = PersonContextFinder()


@pytest.mark.parametrize(
    "text", ["For A Great Job", "The Prompt Service", "With Love Always", "At Home Today"]
)
def test_title_case_particles_open_no_name(text: str) -> None:
    assert not is_plausible_name(text)


@pytest.mark.parametrize("text", ["A. Roe", "Anna Roe", "De La Cruz", "An Nguyen", "To Lan"])
def test_initials_and_particles_of_names_stay(text: str) -> None:
    assert is_plausible_name(text)


def test_a_word_after_a_number_is_counted() -> None:
    text = "Lunch costs 5 Zlotars, said the waiter; Quenby said it was 7,5 Zlotars."
    found = {text[s:e] for s, e, _ in _CONTEXT(text)}
    assert "Zlotars" not in found
    assert "Quenby" in found
