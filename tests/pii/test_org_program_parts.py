"""A legal form's word before the kind of a program's part names a class in code, not a firm
("the Holdings class", "a Group object"); the same word with a firm's name before it and no such
kind after it is still a firm."""

from __future__ import annotations

import re

import pytest

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.legal_forms import NOT_A_PROGRAM_PART


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _orgs(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == "ORGANIZATION"]


@pytest.mark.parametrize(
    "text",
    [
        "In Quillon's Group class the members are kept in order of insertion.",
        "Each Ravenna Holdings object caches its rows until it is closed.",
        "The Pellwick Trust instance is built lazily by the loader.",
        "Subclass the Ostery Partners type to add a field.",
    ],
)
def test_a_form_before_a_program_part_is_no_firm(engine: PiiEngine, text: str) -> None:
    assert _orgs(engine, text) == []


@pytest.mark.parametrize(
    ("text", "firm"),
    [
        ("She moved to Quillon Group in the spring.", "Quillon Group"),
        ("Ravenna Holdings Ltd classified the shares as debt.", "Ravenna Holdings Ltd"),
        ("The Pellwick Trust instructed its lawyers on Monday.", "Pellwick Trust"),
    ],
)
def test_a_firm_with_a_form_is_still_found(engine: PiiEngine, text: str, firm: str) -> None:
    assert firm in _orgs(engine, text)


def test_the_guard_reads_whole_words_only() -> None:
    guard = re.compile(NOT_A_PROGRAM_PART)
    for after in (" class", " classes", "\tobject", " instances", " method", " types"):
        assert guard.match(after) is None, after
    for after in (" classified", " typesetting", " objective", "", " of Paris", "-class"):
        assert guard.match(after) is not None, after
