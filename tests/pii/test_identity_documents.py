"""Identity documents' numbers of no known country format, after their label (identity_documents):
generated numbers after passport and identity-card labels in invented sentences, the scores that
let a country recognizer's type win, and the numbers near such labels that are not one.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.identity_documents import (
    any_identity_card,
    any_passport,
    is_identity_document_number,
)
from veil.pii.recognizers.national_ids import is_de_id_card
from veil.pii.recognizers.travel_documents import passport

_SETTINGS = settings(max_examples=60, deadline=None)

_NUMBER = st.one_of(
    st.integers(min_value=10_000, max_value=9_999_999_999).map(str),
    st.tuples(
        st.sampled_from(["AB", "ZS", "KC", "P"]), st.integers(min_value=10_000, max_value=99_999_999)
    ).map(lambda t: f"{t[0]}{t[1]}"),
    st.tuples(st.integers(10, 99), st.integers(1_000_000, 9_999_999)).map(lambda t: f"{t[0]} {t[1]}"),
).filter(is_identity_document_number)


def _found(recognizer: Recognizer, text: str) -> list[str]:
    assert recognizer.finder is not None
    return [text[start:end] for start, end, _ in recognizer.finder(text)]


@_SETTINGS
@given(
    label=st.sampled_from(["passport no.", "internal passport", "passport number", "foreign passport (no."]),
    number=_NUMBER,
)
def test_a_passport_number_after_its_label(label: str, number: str) -> None:
    text = f"The police seized his {label} {number} at the border on 3 May."
    assert _found(any_passport(), text) == [number]
    assert any_passport().entity_type == EntityType.PASSPORT


@_SETTINGS
@given(
    label=st.sampled_from(
        ["identity card no.", "ID card number", "residence permit no.", "identification number"]
    ),
    number=_NUMBER,
)
def test_an_identity_card_number_after_its_label(label: str, number: str) -> None:
    text = f"She showed her {label} {number} to the officer."
    german = ("ID card" in label or "identity card" in label) and is_de_id_card(number)
    # a German card serial after an ID-card label is de_id's (DE_ID), not this fallback's
    assert _found(any_identity_card(), text) == ([] if german else [number])


def test_a_german_card_serial_after_its_label_is_left_to_de_id() -> None:
    for text in ("Personalausweis: LZ6311T47 liegt vor.", "Her ID card no. CF1234567 was checked."):
        assert _found(any_identity_card(), text) == []
    assert _found(any_identity_card(), "Her residence permit no. CF1234567 was checked.") == ["CF1234567"]


def test_a_number_after_a_copula_in_another_language() -> None:
    assert _found(any_passport(), "Mi pasaporte es XK1234567 y caduca pronto.") == ["XK1234567"]
    assert _found(any_identity_card(), "Mein Personalausweis ist 1234567890.") == ["1234567890"]


def test_a_series_and_number_of_an_internal_passport() -> None:
    text = "His internal passport, series 45 03 no. 123456, was kept by the police."
    assert _found(any_passport(), text) == ["45 03 no. 123456"]


def test_a_country_format_keeps_its_type_by_score() -> None:
    # a UK passport's nine digits: travel_documents reports it at 0.8, this fallback at 0.6
    text = "Her passport number 912803456 was renewed."
    ours = [score for _, _, score in any_passport().finder(text)]  # type: ignore[misc]
    theirs = [score for _, _, score in passport().finder(text)]  # type: ignore[misc]
    assert ours and theirs and max(ours) < min(theirs)


@pytest.mark.parametrize(
    "text",
    [
        "His passport was confiscated on 12 May 2003 and returned in 2005.",
        "The identity card expired in 1999; the fee was 2000 roubles.",
        "Passport 0.6.0 adds OAuth strategies to the login page.",
        "The ID card photo was 35 x 45 mm, taken on 01.02.2003.",
        "The passport office processed 11111 applications.",
        "The police returned his passport and 15000 roubles to the applicant.",
        "The identity card scheme reached 12500 people in 2004.",
    ],
)
def test_no_number_of_a_document(text: str) -> None:
    assert _found(any_passport(), text) == []
    assert _found(any_identity_card(), text) == []
