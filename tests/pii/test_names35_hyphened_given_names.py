"""A compound given name joined by a hyphen starts a name when its first part is a known given
name: "Jean-Baptiste", "Hans-Jürgen", "Anne-Élise" (French and German write them so, and the
first-name list holds only some of them). Written from the failure class "compound given names":
"Jean-Baptiste <Family>" was read as an organisation. The names are invented for these tests.
"""

from __future__ import annotations

import pytest

from veil.pii.recognizers.person_gazetteer import NameFinder

FINDER = NameFinder()


def found(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in FINDER(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The file was reviewed by Jean-Baptiste Vauquelin-Roux.", "Jean-Baptiste Vauquelin-Roux"),
        ("Hans-Jürgen Vogt called twice.", "Hans-Jürgen Vogt"),
        ("Anne-Élise Martin wrote the note.", "Anne-Élise Martin"),
    ],
)
def test_a_compound_given_name_starts_a_name(text: str, name: str) -> None:
    assert name in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "We stayed at the Marie-London Hotel.",  # a place after the hyphen
        "A Pre-Release Build is out.",  # no given name before the hyphen
        "Maria-Table Settings",  # an English word after the hyphen
        "Will-Power Drills",  # a given name that is also a word
    ],
)
def test_other_hyphened_words_start_no_name(text: str) -> None:
    assert [n for n in found(text) if "-" in n] == []
