"""Lower-case passages of a text that capitalises elsewhere: a forum question in lower case above
a capitalised answer, quick lower-case notes in an e-mail thread with a formal signature.

Written from the failure class "lower-case names and places in web text whose other parts are
capitalised"; the sentences are invented here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.lower_case_passages import (
    has_no_capital,
    is_sentence_cased,
    lower_case_passages,
    writes_in_lower_case,
)
from veil.pii.recognizers.person_context import PersonContextFinder
from veil.pii.recognizers.person_lowercase import lower_case_text_names
from veil.pii.recognizers.place_lowercase import lower_case_text_places

_FINDER = PersonContextFinder()


def _names(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in lower_case_text_names(text, _FINDER._known_lower)]


def _places(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in lower_case_text_places(text)]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        (
            "any good hostels near the station? i am flying into amsterdam next week. "
            "The Lodge on Damrak Street is cheap and clean, Ask for a Canal View Room.",
            ["amsterdam"],
        ),
        (
            "where do i buy real tamales in chicago? Try the Saturday market by Marlow Street, "
            "Sold Out By Noon usually.",
            ["chicago"],
        ),
        ("moving to new york? i hope so. The Guide From Our Office Says Otherwise.", ["new york"]),
    ],
)
def test_a_lower_case_question_above_a_capitalised_answer_keeps_its_places(
    text: str, places: list[str]
) -> None:
    assert _places(text) == places


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "hey, are you coming tonight? i think natalie and i will be late. "
            "Regards, Quenby Tarlo, Senior Analyst, Northwind Trading",
            ["natalie"],
        ),
        ("so i told marcus to wait. Quenby Tarlo Senior Analyst Northwind", ["marcus"]),
    ],
)
def test_lower_case_notes_above_a_formal_signature_keep_their_given_names(
    text: str, names: list[str]
) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        # no sign of a writer who does not capitalise: documentation that opens a sentence with code
        "len() returns the size of london_rates. The Python Tutorial Covers It.",
        # a capital mid-sentence: the writer capitalises places, so amsterdam is meant as a word
        "i flew to Berlin and amsterdam. Then Home Again To The Office.",
        # a family name alone in a passage is as often a word of another language
        "i only remember the chorus, de lunde bar. The Band Played Loud All Night.",
    ],
)
def test_nothing_where_the_text_or_the_sentence_capitalises(text: str) -> None:
    assert _places(text) == [] and _names(text) == []


def test_the_signs_of_a_writer_who_does_not_capitalise() -> None:
    assert writes_in_lower_case("sure, i am in")
    assert writes_in_lower_case("well i 'm not sure")
    assert writes_in_lower_case("Really? no way")
    assert not writes_in_lower_case("for i in range(10): total += i")
    assert not writes_in_lower_case("I am here. See e.g. the notes.")


def test_passages_are_the_whole_text_or_its_sentences_written_in_lower_case() -> None:
    assert lower_case_passages("no capital here at all") == [(0, 22, True)]
    assert lower_case_passages("Only sentence starts. Here too") == [(0, 30, False)]
    text = "i like it. The Big Shop Sells It. so do i."
    assert [(text[s:e], no_capital) for s, e, no_capital in lower_case_passages(text)] == [
        ("i like it.", True),
        (" so do i.", True),
    ]
    assert lower_case_passages("Names Like Quenby Tarlo. the end") == []  # no sign of lower-case habit


def test_a_sentence_does_not_end_inside_an_address_or_a_number() -> None:
    text = "i wrote to info@example.co.uk about 3.5 pounds. Then The Reply Came."
    spans = [(s, e) for s, e, _ in lower_case_passages(text)]
    assert spans == [(0, text.index("Then") - 1)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aiI .?!\nLondn,", max_size=60))
def test_passages_lie_inside_the_text_in_order_and_qualify(text: str) -> None:
    last = 0
    for start, end, no_capital in lower_case_passages(text):
        assert last <= start < end <= len(text)
        passage = text[start:end]
        assert has_no_capital(passage) if no_capital else is_sentence_cased(passage)
        last = end
