"""A number before a street-type word is a house number only when nothing says it counts,
measures or numbers something else (:mod:`veil.pii.recognizers.house_numbers`).

Every sentence here is written for these tests: clinical notes, shopping and recipe lines,
document headings and model names that have the shape "<number> <words> <street-type word>",
and real street lines of the same shape that must still be found.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.addresses import AddressFinder
from veil.pii.recognizers.house_numbers import (
    MEASURE_UNITS,
    NOT_NUMBERED,
    NUMBERING_WORDS,
    counts_something,
    is_measure_unit,
    is_numbering_word,
    is_sentence_word,
)
from veil.pii.recognizers.locations import is_street

T = EntityType


def locations(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == T.LOCATION]


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine()


CLEAN = [
    # clinical notes: an age, a title after "by"/"to", a count of days
    "52 YEAR OLD FEMALE REFERRED BY DR FOR DIZZINESS",
    "PT IS A 71 YO M SEEN BY DR ON WARD ROUND",
    "38 Year Old Male Referred To Dr For Review",
    "Discharged 4 Days Post Op Dr review booked.",
    # measurements and model names
    "Order the 4 TB Hard Drive and a spare cable.",
    "It needs a 24 Volt Brushless Drive for the conveyor.",
    "The 870 Pro Drive came back from warranty.",
    # a number that a numbering word owns
    "Chapter 7 Bankruptcy Court hearings were delayed.",
    "Step 3 Network Drive Setup is described below.",
    "Lesson 8 Place Value and Rounding",
    "See Fig. 4 Lane markings in the appendix.",
    "SECTION 14 COURT FEES",
    "Article 9 Final Provisions. 2 Parties agree to the above.",
    "PLAN: F/U WITH DR IN 3 WEEKS.",
    "Exit 12 Park & Ride; Junction 9 Ring Road closed.",
    "4 Bed Terrace, Close To Shops.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_counts_titles_and_headings_are_no_addresses(engine: PiiEngine, text: str) -> None:
    assert locations(engine, text) == []


STREETS = [
    ("Meet me at 17 Larchwood Drive tonight.", "17 Larchwood Drive"),
    ("Ship to 8 Mile Road, Ferndale, MI 48220", "8 Mile Road"),
    ("Office: 500 G Street NW, Washington, DC 20001", "500 G Street"),
    ("She lives at 41 Second Avenue, Brooklyn.", "41 Second Avenue"),
    ("Level 3, 50 Bridge St, Sydney NSW 2000", "50 Bridge St"),
    ("Lot 7 Wattle Road, Gympie QLD 4570", "Wattle Road"),
    ("Anschrift: Hauptstr. 5, 10115 Berlin", "Hauptstr. 5"),
    ("Levél: Király u. 15, 1061 Budapest", "Király u. 15"),
    ("Address Line 1: 22/4 MG Road", "22/4 MG Road"),
    ("Postfach 20 31 44, 50667 Köln", "Postfach 20 31 44"),
]


@pytest.mark.parametrize(("text", "street"), STREETS)
def test_real_street_lines_are_still_found(engine: PiiEngine, text: str, street: str) -> None:
    found = locations(engine, text)
    assert any(street in span for span in found), found


def test_the_word_lists() -> None:
    assert is_measure_unit("YEAR") and is_measure_unit("mg") and is_measure_unit("TB,")
    # streets that start with such words after their number stay streets
    assert not any(is_measure_unit(w) for w in ("Mile", "Second", "G", "W", "Point", "Acre"))
    assert is_numbering_word("Chapter") and is_numbering_word("fig.") and is_numbering_word("STEP")
    # the words that number an address's own parts are no numbering words
    assert not any(is_numbering_word(w) for w in ("Flat", "Unit", "Lot", "Block", "Level", "Phase", "No."))
    assert is_sentence_word("BY") and is_sentence_word("To") and not is_sentence_word("upon")
    assert counts_something("Section", "Court") and counts_something(None, "Pro")
    assert not counts_something("Flat", "Baker")


def test_is_street_refuses_counts_and_sentences() -> None:
    assert is_street("14 Fernhill Road")
    assert not is_street("12 Volt Motor Drive")
    assert not is_street("3 Days Post Op Dr")
    assert not is_street("9 Patients Referred By Dr")


@settings(max_examples=60, deadline=None)
@given(
    word=st.sampled_from(sorted(NUMBERING_WORDS)),
    number=st.integers(min_value=1, max_value=999),
    case=st.sampled_from([str.lower, str.upper, str.capitalize]),
)
def test_a_numbering_word_owns_the_number_after_it(word: str, number: int, case: object) -> None:
    spelled = case(word)  # type: ignore[operator]
    text = f"{spelled} {number} Harbour Court"
    assert re.compile(rf"\d{NOT_NUMBERED}").match(text, len(spelled) + 1) is None
    assert not [s for s in AddressFinder()(text) if text[s[0] : s[1]].startswith(str(number))]


@settings(max_examples=60, deadline=None)
@given(unit=st.sampled_from(sorted(MEASURE_UNITS)), number=st.integers(min_value=1, max_value=9999))
def test_a_unit_after_the_number_makes_no_street(unit: str, number: int) -> None:
    finder = AddressFinder()
    assert finder.kind(f"{number} {unit.capitalize()} Hard Drive") != "street"
