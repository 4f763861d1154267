"""A leader's family name before the government named after them is a person's name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.pii import PiiEngine
from veil.pii.entity import EntityType
from veil.pii.recognizers.person_administrations import administration_names


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in administration_names(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Critics of the Bush administration kept quiet.", ["Bush"]),
        ("Under the first Ostrova presidency the port grew.", ["Ostrova"]),
        ("The new Varga administration cut the budget.", ["Varga"]),
        ("Aides said the Ford administration had signed it.", ["Ford"]),
        ("the Kovalenko-Marsh administration", ["Kovalenko-Marsh"]),
    ],
)
def test_leaders_are_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Labour administration raised taxes.",
        "The Afghan administration and the Kabul administration met.",
        "The Hospital administration and the University administration replied.",
        "The Brush administration is no leader's: brush is a word no family list holds.",
        "the Varga Administration, with a capital, is a body's name",
        "Varga administration without an article",
        "Use `the Varga administration` in `conf.py` with `import os` and `def main()` to run it.",
    ],
)
def test_not_leaders(text: str) -> None:
    assert _found(text) == []


@given(st.text(alphabet="abcdefghij Tthe\n.,", max_size=60))
def test_nothing_without_the_noun(text: str) -> None:
    assert _found(text) == []


def test_engine_finds_the_leader(pii_engine: PiiEngine) -> None:
    text = "Reporters asked whether the Bush administration would name a new chief."
    people = [text[e.start : e.end] for e in pii_engine.detect(text) if e.type == EntityType.PERSON]
    assert "Bush" in people
