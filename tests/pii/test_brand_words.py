"""Brands, apps and voice assistants that a post speaks to or thanks as it would a friend ("Hey
Siri, you ...", "thanks Uber for the ride", "i love heinz") are no person for the social-cue and
lower-case name rules; brands that are also common given names ("Tiffany", "Alexa") stay names
there.

Written from the failure class "a vocative to a product read as a person"; the sentences are
invented here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.data import FIRST_NAMES, load_words
from veil.pii.recognizers.brand_words import _BRANDS, is_brand
from veil.pii.recognizers.first_names import FirstNameFinder
from veil.pii.recognizers.person_address import addressed_names, is_addressed
from veil.pii.recognizers.person_lowercase import lower_case_text_names
from veil.pii.recognizers.person_ner import is_ner_person

_CUES = ["thanks", "hey", "Thank you", "rip", "congrats", "love you", "shoutout to"]


def _known_lower(word: str) -> bool:
    return FirstNameFinder()._known_lower(word)


@pytest.mark.parametrize("word", ["Siri", "UBER", "tesla", "Netflix's", "heinz", "Ferrari\u2019s"])
def test_brands_in_any_case_and_with_a_possessive(word: str) -> None:
    assert is_brand(word)


@pytest.mark.parametrize("word", ["Tiffany", "Alexa", "Wendy", "Mercedes", "Priya"])
def test_brands_that_are_common_given_names_are_left_out(word: str) -> None:
    assert not is_brand(word)


@given(st.sampled_from(sorted(_BRANDS)), st.sampled_from(_CUES), st.sampled_from(["lower", "title"]))
@settings(max_examples=120, deadline=None)
def test_a_brand_after_a_social_cue_is_never_addressed(brand: str, cue: str, case: str) -> None:
    word = getattr(brand, case)()
    text = f"{cue} {word} for the update"
    start = len(cue) + 1
    assert not is_addressed(text, start, start + len(word))
    assert not [s for s in addressed_names(text, _known_lower) if text[s[0] : s[1]].lower() == brand]


@pytest.mark.parametrize(
    "text",
    ["Hey Siri, you never understand me", "thanks Uber for the ride home", "congrats Tesla on the launch"],
)
def test_products_spoken_to_are_not_addressed(text: str) -> None:
    assert list(addressed_names(text, _known_lower)) == []
    word = text.split()[1].strip(",")
    start = text.index(word)
    assert not is_addressed(text, start, start + len(word))


def test_a_person_spoken_to_is_still_addressed() -> None:
    text = "happy birthday Tiffany, have a great one"
    start = text.index("Tiffany")
    assert is_addressed(text, start, start + len("Tiffany"))


@pytest.mark.parametrize("text", ["i love heinz ketchup so much", "my ferrari poster fell off the wall"])
def test_a_lower_case_brand_is_no_name_in_a_text_without_capitals(text: str) -> None:
    assert list(lower_case_text_names(text, _known_lower)) == []


@pytest.mark.parametrize("name", ["orlaith", "siobhan", "ingrid"])
def test_a_lower_case_given_name_is_still_one(name: str) -> None:
    assert name.capitalize() in load_words(FIRST_NAMES)
    text = f"went to the match with {name} and it was great"
    assert [text[s:e] for s, e, _ in lower_case_text_names(text, _known_lower)] == [name]


@pytest.mark.parametrize("span", ["Vimeo", "Netflix", "YouTube", "Spotify's"])
def test_a_brand_alone_is_no_ner_person(span: str) -> None:
    assert not is_ner_person(span)


@pytest.mark.parametrize("span", ["Alexa", "Tiffany", "Quenby Varnow", "Tesla Varnow"])
def test_given_names_and_names_holding_a_brand_stay_ner_persons(span: str) -> None:
    assert is_ner_person(span)
