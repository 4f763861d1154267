"""Which words in capitals NER reads (veil.pii.focus_acronyms): an acronym the words around it
treat as a body's name, not a term, a modifier or a line in capitals.

Sentences written for these tests.
"""

from __future__ import annotations

import re

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.focus import NerFocus, ner_view
from veil.pii.focus_acronyms import body_acronym


def _read(text: str, word: str) -> bool:
    """``word`` is in the text NER reads (whole, at its first place)."""
    at = text.index(word)
    return ner_view(text, [], NerFocus())[at : at + len(word)] == word


def _tokens(line: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", line)]


@pytest.mark.parametrize(
    ("text", "acronym"),
    [
        ("investors fled after the nationalisation of PDVSA by the government.", "PDVSA"),
        ("she made her debut in 2004 with RTE's drama series.", "RTE"),
        ("the series is now in its third season on the CW.", "CW"),
        ("our crew had a contract out at UCLA, so we drove there.", "UCLA"),
        ("after the vote, SWAPO said the count was fair.", "SWAPO"),
        ("a spokesman for the KMT denied the report.", "KMT"),
        ("the figures were published by the INE last week.", "INE"),
    ],
)
def test_an_acronym_treated_as_a_body_is_read_by_ner(text: str, acronym: str) -> None:
    assert _read(text, acronym)


@pytest.mark.parametrize(
    ("text", "acronym"),
    [
        ("the result is sorted according to the LOF score of each row.", "LOF"),
        ("send the request with HTTP headers set to plain text.", "HTTP"),
        ("we tuned it for SQL queries over large tables.", "SQL"),
        ("students enrolled at the University of KAROO DRIFT last spring.", "KAROO"),
        ("payment received: CARD PAYMENT of the monthly fee.", "CARD"),
        ("the device draws its power from a USB port.", "USB"),
    ],
)
def test_an_acronym_as_a_term_modifier_or_shouted_is_context_only(text: str, acronym: str) -> None:
    assert not _read(text, acronym)


def test_an_acronym_a_capitalised_name_defines_is_read() -> None:
    line = "delegates of the Movimento Democratico Lusitano (MDL) voted"
    tokens = _tokens(line)
    i = next(k for k, (_, _, t) in enumerate(tokens) if t == "(MDL)")
    assert body_acronym(tokens, i, line)


def test_only_acronyms_are_asked() -> None:
    line = "the nationalisation of Pdvsa by the state"
    tokens = _tokens(line)
    assert not body_acronym(tokens, 3, line)  # not in capitals: the usual rules decide


def test_an_acronym_in_technical_prose_stays_no_organisation(pii_engine: PiiEngine) -> None:
    text = "Call the API with the token, then parse the JSON returned by the SDK. The CLI prints it."
    found = {text[e.start : e.end] for e in pii_engine.detect(text) if e.type == EntityType.ORGANIZATION}
    assert found == set()
