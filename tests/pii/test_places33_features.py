"""A known place with a feature of the land after it is one name ("the Gaza strip", "tampa bay",
"Taipei City"), and a preposition among the words after another preposition starts its own
look-up ("to see a friend from kiruna")."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.country_codes import country_abbreviations
from veil.pii.recognizers.place_lowercase import lower_case_text_places
from veil.pii.recognizers.place_names import PlaceFinder, with_feature


def _found(text: str) -> dict[str, float]:
    return {text[a:b]: score for a, b, score in PlaceFinder()(text)}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Fighting flared again in the Gaza strip overnight.", "Gaza strip"),
        ("We toured Taipei City by bus.", "Taipei City"),
        ("She swam in the Galway bay all summer.", "Galway bay"),
    ],
)
def test_a_place_with_its_feature_is_one_name(text: str, place: str) -> None:
    assert _found(text)[place] >= 0.7


def test_a_lower_case_place_takes_its_feature_too() -> None:
    text = "any good bars near tampa bay , asking for a friend"
    assert [text[a:b] for a, b, _ in lower_case_text_places(text)] == ["tampa bay"]


def test_a_word_after_an_article_is_still_no_town_without_a_feature() -> None:
    assert "Laplace" not in _found("We fit the Laplace distribution to the data.")


def test_a_feature_must_be_a_whole_word() -> None:
    assert with_feature("Galway bays", 0, 6, 0.45) == (0, 6, 0.45)
    assert with_feature("Galway bay", 0, 6, 0.45) == (0, 10, 0.7)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("nice to see someone from kristiansund doing well", "kristiansund"),
        ("we drove to meet friends in lillehammer last week", "lillehammer"),
    ],
)
def test_a_preposition_inside_the_words_after_another_is_read(text: str, place: str) -> None:
    assert place in _found(text)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(["to ", "from ", "in ", "see ", "kristiansund ", "bay ", "Gaza ", "the "]),
        max_size=20,
    )
)
def test_spans_lie_in_the_text_and_end_at_a_word(pieces: list[str]) -> None:
    text = "".join(pieces)
    for start, end, _ in PlaceFinder()(text):
        assert 0 <= start < end <= len(text)
        assert end == len(text) or not text[end].isalnum()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prices in NZ rose again.", ["NZ"]),
        ("Flights to NYC are cheap in May.", ["NYC"]),
        ("an agreement signed by the NSW ministers", ["NSW"]),
        ("The ANZ bank and the NZD rate", []),
        ("at a cost of NZ $ 26 million", []),
        ("the NZ Government said so", []),
        ("WELCOME TO NYC TODAY", []),
    ],
)
def test_new_zealand_and_new_york_city_by_their_abbreviations(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in country_abbreviations(text)] == expected


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Greetings from Westminster Colorado , all well", "Westminster Colorado"),
        ("Thanks to the pupils in Nenagh Ireland today", "Nenagh Ireland"),
    ],
)
def test_a_town_and_its_region_without_a_comma_are_one_place(text: str, place: str) -> None:
    assert _found(text)[place] >= 0.7


def test_a_region_word_of_a_firm_is_not_joined() -> None:
    assert "Texas Instruments" not in _found("Texas Instruments makes chips")


def test_places_either_side_of_a_full_stop_are_not_joined() -> None:
    found = _found("They lost to England. South Africa are next.")
    assert "England. South Africa" not in found
    assert "South Africa" in found
