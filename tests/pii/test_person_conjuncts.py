"""A given name that no list knows, joined by "and" to a found given and family name, shares the
family name and is a person too (recognizers/person_conjuncts.py: "the appellants Quenby and
Tarla Varnow"). Names invented from syllables, checked against Veil's lists."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.person_conjuncts import conjuncts
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED

from .invented_names import invented_names


def _conjuncts(text: str, found: str) -> list[str]:
    start = text.index(found)
    return [
        text[s:e]
        for s, e, _ in conjuncts(
            text, [(start, start + len(found))], AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED
        )
    ]


@settings(max_examples=40, deadline=None)
@given(
    invented_names(unique=True),
    invented_names(unique=True),
    invented_names(unique=True),
    st.sampled_from(
        ["the appellants {} argue", "The applicants, {}, complained.", "Thanks to {} for dinner."]
    ),
)
def test_an_unknown_given_name_shares_the_found_family_name(
    first: str, second: str, family: str, frame: str
) -> None:
    assume(len({first, second, family}) == 3)
    text = frame.format(f"{first} and {second} {family}")
    assert first in _conjuncts(text, f"{second} {family}")


@pytest.mark.parametrize(
    "text",
    [
        "We thank Acme Widgets and Tarla Varnow for the loan.",  # the end of a firm's name
        "Tables, Quenby, and Tarla Varnow",  # a list's comma: no shared family name
        "It rained in Houston and Tarla Varnow left.",  # a place
        "We saw Water and Tarla Varnow.",  # an ordinary word
        "We saw IBM and Tarla Varnow.",  # no given name's shape
    ],
)
def test_no_shared_family_name_for_a_firm_a_list_a_place_or_a_word(text: str) -> None:
    assert _conjuncts(text, "Tarla Varnow") == []


def test_a_single_found_word_shares_no_family_name() -> None:
    assert _conjuncts("the appellants Quenby and Varnow argue", "Varnow") == []


def _lone_family_names() -> list[str]:
    """Family names of Veil's own list that are no ordinary word, given name or place: a lone
    family name is read only when the list knows it (the rule's list, not a corpus)."""
    from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_list, load_words
    from veil.pii.vocabulary import is_ordinary_word

    first, places = load_words(FIRST_NAMES), known_places()
    return sorted(
        w
        for w in load_list(LAST_NAMES)
        if w.isalpha() and w[0].isupper() and w not in first and w not in places and not is_ordinary_word(w)
    )[:400]


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_a_lone_family_name_listed_with_a_lone_found_one_is_a_person(data: st.DataObject) -> None:
    names = _lone_family_names()
    found = data.draw(st.sampled_from(names))
    other = data.draw(st.sampled_from(names))
    assume(other != found)
    for text in (
        f"Historians such as {found} and {other} disagree.",
        f"The side: {found}, {other}, and two others.",
        f"Starting line-up : {found} , {other} , and the rest",  # a post's tokenised commas
    ):
        assert other in _conjuncts(text, found), text
    # a firm's ampersand, or a longer name after the word, is no lone family name
    assert other not in _conjuncts(f"Shares of {found} & {other} fell.", found)
    assert other not in _conjuncts(f"Talks between {found} and {other} Holdings stalled.", found)


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_a_town_and_its_county_after_a_preposition_is_no_pair_of_family_names(data: st.DataObject) -> None:
    names = _lone_family_names()
    found = data.draw(st.sampled_from(names))
    other = data.draw(st.sampled_from(names))
    assume(other != found)
    assert other not in _conjuncts(f"She was born in {other}, {found} but grew up elsewhere.", found)
