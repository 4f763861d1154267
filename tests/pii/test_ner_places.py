"""NER spans that name a place in ordinary words are kept: a place named by its kind ("the Royal
Palace", "Creek Turnpike") and a town whose name is a word, typed a place ("Mesa grew")
(veil.pii.ner_places, veil.pii.ner_spans).

Written from the failure class "place recall on travel and news prose": spans that the small
model found and typed were dropped as titles of ordinary words. Every sentence here is invented
for these tests.
"""

from __future__ import annotations

import pytest

from veil.pii.ner_places import (
    compass_region,
    is_place_of_words,
    place_of_words,
    spacy_place_of_words,
    word_town,
)
from veil.pii.ner_spans import TextClues, may_be_a_name


def judged(text: str, fragment: str, label: str) -> bool:
    start = text.index(fragment)
    return may_be_a_name(text, start, start + len(fragment), label, TextClues(text))


@pytest.mark.parametrize(
    ("text", "place", "label"),
    [
        ("The tour ends at the Summer Palace after a long lunch.", "Summer Palace", "ORG"),
        ("Trucks leave the city by Harbour Turnpike every night.", "Harbour Turnpike", "FAC"),
        ("We parked near Market Street and walked to the river.", "Market Street", "FAC"),
        (
            "The school trip stopped at the Northern Science Center for an hour.",
            "Northern Science Center",
            "ORG",
        ),
        ("Traffic on the Outer Ring Road was slow again this morning.", "Outer Ring Road", "ORG"),
        ("New houses spread into Copper Hills within ten years.", "Copper Hills", "GPE"),
    ],
)
def test_a_place_named_by_its_kind_in_ordinary_words_is_a_place(text: str, place: str, label: str) -> None:
    assert judged(text, place, label)


@pytest.mark.parametrize(
    ("text", "title", "label"),
    [
        # a title or a term keeps out: no place's kind at its end
        ("Her review of Silent Water appeared last spring.", "Silent Water", "ORG"),
        ("The talk on Natural Language Processing was full.", "Natural Language Processing", "ORG"),
        # "Center" after one word is a console or a help page as often as a place
        ("Open the Help Center and choose a topic.", "Help Center", "ORG"),
    ],
)
def test_a_title_of_ordinary_words_without_a_place_kind_stays_out(text: str, title: str, label: str) -> None:
    assert not judged(text, title, label)


def test_place_of_words_needs_two_capitalised_words_and_a_head() -> None:
    assert place_of_words(["Royal", "Palace"])
    assert place_of_words(["Great", "Lakes", "Science", "Center"])
    assert not place_of_words(["Palace"])
    assert not place_of_words(["royal", "Palace"])
    assert not place_of_words(["Science", "Center"])
    assert not place_of_words(["House,", "Hudson"])


@pytest.mark.parametrize("label", ["GPE", "LOC", "FAC"])
def test_a_town_named_by_a_word_and_typed_a_place_is_a_place(label: str) -> None:
    text = "Mesa grew quickly once the railway came, and its schools doubled."
    assert word_town("Mesa", label)
    assert judged(text, "Mesa", label)


@pytest.mark.parametrize("label", ["ORG", "PERSON"])
def test_a_town_named_by_a_word_typed_otherwise_stays_a_word(label: str) -> None:
    text = "Phoenix said the rebuild would take a year."
    assert not word_town("Phoenix", label)
    assert not judged(text, "Phoenix", label)


def test_a_word_that_is_no_town_stays_a_word_even_typed_a_place() -> None:
    text = "Harvest grew quickly once the railway came."
    assert not judged(text, "Harvest", "GPE")


@pytest.mark.parametrize(
    ("text", "place"),
    [("Royal Palace", True), ("NTU Hospital Station", True), ("Mill Valley", True), ("John Hall", False)],
)
def test_a_place_of_ordinary_words_typed_otherwise_is_retyped_a_place(text: str, place: bool) -> None:
    # a proper noun in the span keeps NER's type: "John Hall" is a person, not a hall
    assert is_place_of_words(text) is place
    recognizer = spacy_place_of_words()
    assert recognizer.entity_type == "LOCATION" and recognizer.ner_labels == ("ORG",)


@pytest.mark.parametrize(
    ("text", "region", "label"),
    [
        ("Few painters of the North ever saw the sea.", "North", "LOC"),
        ("Water is scarce across much of the Southwest in summer.", "Southwest", "LOC"),
        ("Prices in the Midwest rose more slowly.", "Midwest", "GPE"),
    ],
)
def test_a_compass_point_after_the_typed_a_place_is_a_region(text: str, region: str, label: str) -> None:
    assert judged(text, region, label)


@pytest.mark.parametrize(
    ("text", "word", "label"),
    [
        ("Turn West at the second crossing.", "West", "LOC"),  # no "the": a direction
        ("Lena West won the race.", "West", "LOC"),  # after a name, no "the": a family name
        ("Sales at the West store fell.", "West", "ORG"),  # not typed a place
    ],
)
def test_a_compass_point_is_no_region_without_its_shape(text: str, word: str, label: str) -> None:
    assert not judged(text, word, label)


def test_compass_region_needs_the_and_a_place_label() -> None:
    assert compass_region("Southwest", "LOC", "the")
    assert not compass_region("Southwest", "FAC", "the")
    assert not compass_region("Southwest", "LOC", "in")
    assert not compass_region("Left", "LOC", "the")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Storms battered the Pine Coast again overnight.", "Pine Coast"),
        ("Rice grows well across the Silver Delta plain.", "Silver Delta"),
    ],
)
def test_a_coast_or_a_delta_of_ordinary_words_is_a_place(text: str, place: str) -> None:
    assert judged(text, place, "LOC")
    assert place_of_words(place.split())
