"""Texts in title case, where capitals are no evidence of a name (:mod:`veil.pii.headlines`), and
what the NER span test keeps there (:func:`veil.pii.ner_spans.names_among`).

Written from the failure class "a headline's capitalised phrase read as an organisation or a
person" ("Idea Lab", "Experts Reveal"); the headlines and names are invented here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from veil.pii.headlines import backed_in_a_headline, is_title_case
from veil.pii.ner_spans import may_be_a_name, names_among

from .invented_names import invented_names


@pytest.mark.parametrize(
    "text",
    [
        "Why Small Farms Struggle With New Water Rules | Field Notes | KXRT",
        "Seven Gardeners Reveal the Secrets to Growing Better Winter Salads !",
        "Check out \u201c Broken Harbours : Tired Workers and the Flooded Valleys ( Trailer ) \u201d",
        "How to Keep Calm While Moving House ( and Not Losing Your Mind )",
    ],
)
def test_headlines_are_title_case(text: str) -> None:
    assert is_title_case(text)


@pytest.mark.parametrize(
    "text",
    [
        "We walked along the river and then had lunch with Quenby Varnow at the market .",
        "Team sheet : Varnowik , Tarlo , Quenby , Selmar , Korvan , Dravik , Anselm",
        "Great Morning",
        "Loved the show last night , thanks for coming everyone , see you soon",
        "",
    ],
)
def test_sentences_and_name_lists_are_not(text: str) -> None:
    assert not is_title_case(text)


def test_one_lower_case_word_in_five_is_still_a_headline() -> None:
    assert is_title_case("Farmers Fear Dry Summer will Threaten Harvest Across Region")
    assert not is_title_case("Farmers fear dry summer will Threaten the harvest across region")


@pytest.mark.parametrize("fragment", ["Jackson Smith", "United Kingdom", "Galway", "KXRT", "Varnowik"])
def test_known_names_places_acronyms_and_a_lone_unknown_word_back_a_span(fragment: str) -> None:
    assert backed_in_a_headline(fragment)


@pytest.mark.parametrize(
    "fragment", ["Idea Lab", "Field Notes", "Experts Reveal", "Varnowik Framework Means"]
)
def test_phrases_of_a_headline_are_not_backed(fragment: str) -> None:
    assert not backed_in_a_headline(fragment)


@given(invented_names())
@settings(max_examples=30, deadline=None)
def test_a_headlines_phrase_is_dropped_and_a_name_kept(word: str) -> None:
    text = f"How Growing Markets Reshape Rural Towns | Field Notes | {word} Says Prices Will Fall"
    spans = [
        (text.index("Field Notes"), text.index("Field Notes") + len("Field Notes"), "ORG"),
        (text.index(word), text.index(word) + len(word), "PERSON"),
    ]
    assert names_among(text, spans) == [False, True]


def test_outside_a_headline_the_same_span_is_judged_as_before() -> None:
    text = "She writes the column Field Notes for our paper , and it is great , read it ."
    start = text.index("Field Notes")
    span = (start, start + len("Field Notes"), "ORG")
    assert not is_title_case(text)
    assert names_among(text, [span]) == [may_be_a_name(text, *span)]


def test_a_list_of_family_names_that_are_words_is_no_headline() -> None:
    assert not is_title_case("Line-up : Baker , Cook , Mason , Fisher , Turner and Varnowik")
