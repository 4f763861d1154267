"""A state's or province's code after a town ("Tulsa, OK") and a region's abbreviation after a
preposition of place ("living in NZ") are places; a degree after a person's name ("Jane Roe, MD"),
a reply ("Fine, OK"), capitals throughout and technical prose ("in CA", "in DC") are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.region_codes import REGION_ABBREVIATIONS, region_codes


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _score in region_codes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We meet monthly near the Chillicothe, OH library.", ["OH"]),
        ("She drove up from Bartlesville, OK, on Sunday.", ["OK"]),
        ("Our cousins moved to Wichita, KS last spring.", ["KS"]),
        ("The office in Fremantle, WA opens at nine.", ["WA"]),
        ("He worked for years in Washington, D.C. before retiring.", ["D.C."]),
        ("Police in B.C. are asking for witnesses.", ["B.C."]),
        ("Rents in NZ keep climbing.", ["NZ"]),
        ("I hold a nursing licence in the state of NY but want to move.", ["NY"]),
        ("Any good tacos in SF? Back from NSW next week.", ["SF", "NSW"]),
        ("SALEM, Ore. - The governor signed it.", ["Ore."]),
        ("A farm near Wardsville , Mo . and a mill in Shawville , Que .", ["Mo", "Que"]),
        ("It is hot in Tulsa, Okla. this week.", ["Okla."]),
    ],
)
def test_region_codes_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fine, OK. See you later.",  # a reply, no town
        "Signed by Jane Roe, MD, and Tom Lee, MA.",  # degrees after a name
        "Yes, IN the box, please.",
        "WE ALL LIVE IN NY NOW",  # shouted
        "The issuer in CA signs each certificate.",  # a certificate authority
        "Measure the voltage in DC mode and in AC mode.",
        "Call parse() in NZ mode: the function returns a string and the class keeps the value.",
        "The codes CA-1234 and NY2 are batch labels.",
        "Use Smith, OK/Cancel buttons.",
        "Thanks, Miss. Goodnight, Pa. See you, Ma.",  # words, no town
    ],
)
def test_region_codes_not_found(text: str) -> None:
    assert _found(text) == []


@given(st.sampled_from(sorted(REGION_ABBREVIATIONS)), st.sampled_from(["in", "from", "near", "to"]))
def test_abbreviation_after_a_preposition_is_a_place(code: str, preposition: str) -> None:
    text = f"My sister lives {preposition} {code} these days."
    assert _found(text) == [code]


@given(st.sampled_from(sorted(REGION_ABBREVIATIONS)))
def test_abbreviation_glued_to_a_word_is_not(code: str) -> None:
    assert _found(f"The part number is X{code} or {code}9.") == []


def test_engine_reads_the_code_as_a_location() -> None:
    engine = PiiEngine(PiiConfig(ner=False))
    text = "Our store in Springfield, IL is closed."
    found = {(text[e.start : e.end], str(e.type)) for e in engine.detect(text)}
    assert ("IL", "LOCATION") in found
