"""A body whose name starts with its nation's abbreviation ("the U.S. Army", "the U.K. Supreme
Court", "US Marines") is one organisation, the abbreviation included; the abbreviation before a
word that is no body's head ("the US English locale") stays a place or nothing."""

from __future__ import annotations

import re
import time

import pytest

from veil.pii import PiiEngine
from veil.pii.recognizers.organizations import public_body


def _bodies(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.recognizer == "organization_public_body"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He spent three years in the U.S. Army before college.", "U.S. Army"),
        ("The appeal went to the U.K. Supreme Court last spring.", "U.K. Supreme Court"),
        ("US Marines moved into the town on Wednesday.", "US Marines"),
        ("The EU Commission for Tarvel Affairs met in June.", "EU Commission for Tarvel Affairs"),
    ],
)
def test_the_abbreviation_is_part_of_the_body(rules_engine: PiiEngine, text: str, expected: str) -> None:
    assert expected in _bodies(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    ["We use the US English locale by default.", "Prices in US dollars rose.", "The UK team won."],
)
def test_no_body_without_a_head(rules_engine: PiiEngine, text: str) -> None:
    assert _bodies(rules_engine, text) == []


@pytest.mark.parametrize("unit", ["U.S. Aaa Bbb ", "U.S. U.K. ", "Army of the U.S. and U.K. "])
def test_linear_on_repeated_abbreviations(unit: str) -> None:
    regexes = [re.compile(p.regex) for p in public_body().patterns]
    times = []
    for size in (6_000, 24_000):
        text = (unit * (size // len(unit) + 1))[:size]
        start = time.process_time()
        for regex in regexes:
            list(regex.finditer(text))
        times.append(time.process_time() - start)
    assert times[1] <= 8 * times[0] + 0.05
