"""locations: German and Dutch street names read from the house numbers back find what a scan of
every word finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers import locations

_BITS = [
    "Laraweg",
    "Zorbachring",
    "Klaus-Groth-Stra\u00dfe",
    "straat",
    " ",
    "  ",
    "\t",
    "\n",
    "5",
    "12",
    "8/3",
]
_BITS += [
    "50a",
    "'",
    "-",
    ".",
    ",",
    "Aa",
    "x",
    "\u00c9cole",
    "a" * 40,
    "Weg",
    "during",
    "12345",
    "Am",
    "l'Ecluse",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=30).map("".join))
def test_word_numbers_are_what_a_whole_scan_finds(text: str) -> None:
    expected = [m.regs for m in locations._WORD_NUMBER.finditer(text)]
    assert [m.regs for m in locations._word_numbers(text)] == expected


def test_a_street_and_its_number() -> None:
    text = "Sie wohnt in der Klaus-Groth-Stra\u00dfe 12 und er am Laraweg 50, seit 1999 in 3 Zimmern."
    found = [text[s:e] for s, e, _ in locations._find_de_nl_streets(text)]
    assert found == ["Klaus-Groth-Stra\u00dfe 12", "Laraweg 50"]


def test_a_long_run_without_blanks_is_read_once() -> None:
    text = ("Aa'" * 5000) + " 12"
    assert list(locations._word_numbers(text)) == list(locations._WORD_NUMBER.finditer(text))
