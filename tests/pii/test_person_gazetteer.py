"""person_gazetteer's comma-anchored search for "Family, Given" finds what a scan of the whole
text finds."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.person_gazetteer import _LAST_FIRST, last_first

# pieces that make and break "Family, Given" in every way the regex reads: particles, capitals
# inside and after words, apostrophes, hyphens, blanks and tabs, commas, accents, long words
_PIECES = st.sampled_from(
    [
        "van ",
        "de ",
        "della ",
        "'t ",
        "von der ",
        "Smith",
        "O'Neil",
        "Mc",
        "Donald",
        "-Jones",
        "Ávila",
        "Łukasz",
        ", ",
        ",\t",
        ",  ",
        ",",
        " ",
        "\t",
        "\n",
        ".",
        "'",
        "-",
        "Jane",
        "x",
        "the",
        "A",
        "B.",
        "Bb" * 30,
        "Zo\u00eb",
        "a",
        "1",
        "\u2019",
        "ȘȚ",
        "ž",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_last_first_finds_what_the_scan_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    want = [(m.span(), m.groups()) for m in _LAST_FIRST.finditer(text)]
    assert [(m.span(), m.groups()) for m in last_first(text)] == want


def test_last_first_reads_names_in_prose() -> None:
    text = "Ward, Martha and van der Berg, Pieter signed; Paris, France; Ohio,\tBob."
    assert [m.group() for m in last_first(text)] == [m.group() for m in _LAST_FIRST.finditer(text)]
    assert "Ward, Martha" in [m.group() for m in last_first(text)]


def test_last_first_is_linear_on_a_run_of_commas_and_capitals() -> None:
    def cost(n: int) -> float:
        text = "Abc, Def " * (n // 9)
        began = time.process_time()
        list(last_first(text))
        return time.process_time() - began

    small, large = min(cost(20_000) for _ in range(3)), min(cost(80_000) for _ in range(3))
    assert large < 8 * max(small, 1e-3)


def test_last_first_after_a_comma_without_a_blank() -> None:
    for text in ("Ab,Cd, Ef", "x,van Berg, Anna", "Ab,Cd,Ef, Gh"):
        assert [m.span() for m in last_first(text)] == [m.span() for m in _LAST_FIRST.finditer(text)]
        assert [m.span() for m in last_first(text)]
