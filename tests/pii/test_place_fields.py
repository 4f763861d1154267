"""Place fields of forms pasted as text ("City: ...", "PIN: ...", "Zip Code: ...") are
LOCATION whatever the town (:mod:`veil.pii.recognizers.place_fields`). Texts invented here."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.place_fields import place_fields

T = EntityType


def values(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in place_fields(text)]


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine()


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        (
            "Name: Lakshmi Menon\nCity: Thrikkakara\nPIN: 682021",
            ["Thrikkakara", "682021"],
        ),
        ("town/city: wodonga\npostcode: 3690", ["wodonga", "3690"]),
        ("> Suburb: Moonee Ponds\n> Post code: 3039", ["Moonee Ponds", "3039"]),
        ("* Place of birth: Kisumu", ["Kisumu"]),
        ("Zip Code: 97204-1123", ["97204-1123"]),
        ("City: Bath", ["Bath"]),
    ],
)
def test_field_values_are_found(text: str, wanted: list[str]) -> None:
    assert values(text) == wanted


@pytest.mark.parametrize(
    "text",
    [
        "City: N/A\nPostcode: none",
        "city: str\ntown: string\ncity: The city name of the user",
        "PIN: 4821",  # a card's PIN
        "Address: 0x7ffd1c2a",
        "city = settings.get('city')",
        "Postcode: TBD",
        "Cap: 500 mg",
        "The city: where it all began",
    ],
)
def test_empty_typed_and_prose_values_are_not(text: str) -> None:
    assert values(text) == []


def test_the_engine_reports_them(engine: PiiEngine) -> None:
    text = "Delivery details\nCity: Tirunelveli\nPIN: 627002\n"
    found = [text[e.start : e.end] for e in engine.detect(text) if e.type == T.LOCATION]
    assert "Tirunelveli" in found and "627002" in found


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="City: \nPIN0123456789abcXYZ/-", max_size=200))
def test_values_are_inside_their_line(text: str) -> None:
    for s, e, score in place_fields(text):
        assert 0 <= s < e <= len(text) and "\n" not in text[s:e] and score == 0.85
