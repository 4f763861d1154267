"""Irish Eircodes are postcodes: alone in a sentence, in a form field and as the last part of an
address block (:data:`veil.pii.recognizers.address_lines.EIRCODE`). Texts invented for the tests."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.address_lines import EIRCODE, EIRCODE_ALONE

T = EntityType
_LETTERS = "ACDEFHKNPRTVWXY"


def locations(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == T.LOCATION]


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Our eircode is T23 K7PX, the gate is green.", "T23 K7PX"),
        ("Eircode: V94X2HC", "V94X2HC"),
        ("Deliver to Unit 4, Kilbarry Enterprise Park, Waterford, X91 F2DY", "X91 F2DY"),
        ("Apartment 9, The Maltings, Dublin 6W, D6W 2R3C", "D6W 2R3C"),
    ],
)
def test_eircodes_are_found(engine: PiiEngine, text: str, code: str) -> None:
    assert any(code in span for span in locations(engine, text)), locations(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Set register A12 to 3456 before the loop.",  # digits only after the key
        "Part F12 DEFA of the catalogue",  # letters only after the key
        "the file X/A65F4E2.bin",  # inside a longer code
        "token A65F4E2Q9 expired",  # longer than an Eircode
    ],
)
def test_look_alikes_are_no_eircodes(engine: PiiEngine, text: str) -> None:
    assert not [m for m in re.finditer(EIRCODE_ALONE, text)]
    assert not any(re.search(EIRCODE, span) for span in locations(engine, text))


@settings(max_examples=80, deadline=None)
@given(
    key=st.sampled_from(_LETTERS),
    digits=st.integers(min_value=0, max_value=99),
    tail=st.text(alphabet=_LETTERS + "0123456789", min_size=4, max_size=4),
    blank=st.booleans(),
)
def test_the_form(key: str, digits: int, tail: str, blank: bool) -> None:
    code = f"{key}{digits:02d}{' ' if blank else ''}{tail}"
    mixed = any(c.isdigit() for c in tail) and any(c.isalpha() for c in tail)
    assert bool(re.fullmatch(EIRCODE, code)) == mixed
    assert bool(re.search(EIRCODE_ALONE, f"code {code}.")) == mixed
