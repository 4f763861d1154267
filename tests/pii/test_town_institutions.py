"""A local institution named by its town and a lower-case head ("the Varnok prison", "the
Teslin court") is an organisation; a kind of institution named by ordinary words ("the Supreme
court") and a head without "the" before the name are not read so."""

from __future__ import annotations

import pytest

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.town_institutions import town_institutions


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in town_institutions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He was held in the Varnok prison until May.", ["Varnok prison"]),
        ("The Teslin court adjourned the hearing twice.", ["Teslin court"]),
        ("On 3 May the Ordubek public prosecutor appealed.", ["Ordubek public prosecutor"]),
        ("She was taken to the Bilsworth Lane police station.", ["Bilsworth Lane police station"]),
        ("A letter from the Kelvik governor\u2019s office arrived.", ["Kelvik governor\u2019s office"]),
    ],
)
def test_a_town_and_a_lower_case_head_are_an_institution(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Supreme court ruled on the Criminal court's appeal.",
        "Teslin court records were sealed.",
        "The prison and the court are both closed.",
        "Bathe Varnok prison",
    ],
)
def test_kinds_of_institution_and_names_without_the_are_not(text: str) -> None:
    assert _found(text) == []


def test_the_engine_types_them_as_organisations_over_the_towns_person_reading() -> None:
    engine = PiiEngine(PiiConfig(ner=False))
    text = "The applicant was detained in the Varnok prison."
    found = {(text[e.start : e.end], e.type) for e in engine.detect(text)}
    assert ("Varnok prison", "ORGANIZATION") in found
