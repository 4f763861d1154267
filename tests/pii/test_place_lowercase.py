"""Known places in lower case where the writer capitalises no name ("we moved to new york last
year", "back to korea"): a place of one word must be no English or ordinary word ("nice",
"reading") and no given name ("sofia"); nothing in a text that capitalises names.

Written from the failure class "lower-case places in comments and chat"; the sentences are
invented here.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType
from veil.pii.recognizers.place_lowercase import is_lower_case_place, lower_case_text_places, place_lowercase


def _places(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in lower_case_text_places(text)]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("we moved to new york last year", ["new york"]),
        ("honestly i miss amsterdam so much", ["amsterdam"]),
        ("flights from bosnia and herzegovina to south africa", ["bosnia and herzegovina", "south africa"]),
        ("Cant wait to go back to korea. Best trip ever", ["korea"]),
        ("LOL this happened in australia too", ["australia"]),
    ],
)
def test_a_known_place_in_lower_case(text: str, places: list[str]) -> None:
    assert _places(text) == places


@pytest.mark.parametrize(
    "text",
    [
        "nice bath in reading after work",  # English words that are towns too
        "did sofia call you back",  # a given name
        "I went to Berlin and amsterdam",  # a capital mid-sentence: the writer capitalises places
        "mail london.office@example.com for the form",  # inside an address
        "see /srv/data/amsterdam for the files",  # inside a path
    ],
)
def test_no_place(text: str) -> None:
    assert _places(text) == []


def test_a_place_of_words_may_hold_english_words() -> None:
    assert is_lower_case_place("new mexico")
    assert not is_lower_case_place("new")
    assert not is_lower_case_place("sofia")


def test_the_recognizer() -> None:
    recognizer = place_lowercase()
    assert recognizer.entity_type == EntityType.LOCATION
    assert recognizer.finder is not None
    assert list(recognizer.finder("back to korea soon")) == [(8, 13, 0.6)]


@pytest.mark.parametrize(
    "text",
    [
        "please contact me via my email , quenby @parliament . uk",
        "rsvp to tarlo @varnowik . org . uk or call",
        "mail me at selmar@example.co . uk thanks",
    ],
)
def test_a_domains_end_spaced_out_is_no_place(text: str) -> None:
    assert [text[s:e] for s, e, _ in lower_case_text_places(text)] == []


def test_a_place_after_a_sentences_full_stop_stays() -> None:
    text = "we had fun . uk is next on the list"
    assert [text[s:e] for s, e, _ in lower_case_text_places(text)] == ["uk"]
