"""Countries written as abbreviations ("the UK", "U.S. troops") are places; the pronoun in
capitals ("CONTACT US"), locales and codes ("en-US", "USB", "US$") and a body named after its
country ("the US Census Bureau") are not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.country_codes import country_abbreviations


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b in country_abbreviations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Her cousin flew back to the UK after the wedding.", ["UK"]),
        ("Most U.S. carriers cancelled the route.", ["U.S."]),
        ("The trade deal between the USA and the UAE stalled.", ["USA", "UAE"]),
        ("Relations with the USSR thawed; the PRC and the DPRK objected.", ["USSR", "PRC", "DPRK"]),
        ("Prices in the U.K. rose, as in the U.S.A. last winter.", ["U.K.", "U.S.A."]),
        ("The band toured the US.", ["US"]),
        # the last dot dropped, as casual text writes it
        ("My aunt moved to the U.S in 1990 and to the U.K, later.", ["U.S", "U.K"]),
        ("Was it made in the U.S? Or the U.K!", ["U.S", "U.K"]),
    ],
)
def test_abbreviations_of_countries_are_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "CONTACT US for a quote.",
        "Please WRITE TO US soon.",
        "Set the locale to en-US or en_US before running.",
        "Plug the USB stick in; the fee is US$ 40 or 40USD.",
        "It was joined by the US Census Bureau and the U.S. Department of Labor.",
        "Let us know if the UKULELE arrives; thus we wait.",
        "The usual suspects: us, Us, uk.",
        "See U.S.C. 1983 and the file U.Sx; U.K1 is a code.",
    ],
)
def test_pronouns_codes_and_bodies_are_not_countries(text: str) -> None:
    assert _found(text) == []


def test_the_engine_reads_them_as_locations(engine: PiiEngine) -> None:
    text = "After two years in the UK she moved to the US."
    found = [(text[e.start : e.end], e.type) for e in engine.detect(text)]
    assert ("UK", "LOCATION") in found and ("US", "LOCATION") in found


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="USAKPRCDE.$-_ \tabc", max_size=40))
def test_every_span_is_an_abbreviation_with_clean_edges(text: str) -> None:
    for start, end in country_abbreviations(text):
        assert text[start:end].replace(".", "") in {"US", "USA", "UK", "UAE", "USSR", "PRC", "DPRK"}
        assert start == 0 or not (text[start - 1].isalnum() or text[start - 1] in ".-/$_")
        assert end == len(text) or not (text[end].isalnum() or text[end] in "-/$_")
