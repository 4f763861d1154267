"""A life's work after a lone family name makes it a person's (person_verbs.PERSON_VERBS and
OWNED_BY_PEOPLE, read by person_context): "X starred in", "X enrolled at", "X was nominated",
"X suffered a defeat", "X's feats". Ordinary words before the same verbs stay words.

Names are invented from syllables (tests/pii/invented_names.py); every sentence is invented.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from veil.pii.recognizers.person_context import PersonContextFinder

from .invented_names import invented_names

_CONTEXT = PersonContextFinder()


def _found(text: str) -> set[str]:
    return {text[s:e] for s, e, _ in _CONTEXT(text)}


@settings(max_examples=25, deadline=None)
@given(invented_names())
def test_a_life_s_work_after_a_lone_name_makes_it_a_person(name: str) -> None:
    for text in (
        f"The following spring, {name} starred in a comedy about sailors.",
        f"Deciding on law, {name} enrolled at a college in the north.",
        f"In 1911, {name} was nominated for the prize.",
        f"After the final, {name} suffered a long injury.",
        f"Few soldiers matched it: {name}'s feats became legend.",
        f"In 1990, {name} toured the coast twice.",
    ):
        assert name in _found(text), text


@pytest.mark.parametrize(
    "text",
    [
        "In the end, Harvest suffered a poor year.",  # an ordinary word
        "The town was sent a new mayor. Nobody enrolled at once.",
    ],
)
def test_ordinary_words_before_the_verbs_stay_words(text: str) -> None:
    assert _found(text) == set()
