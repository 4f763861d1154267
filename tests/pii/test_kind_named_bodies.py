"""Institutions that English names by their kind and capitalised ordinary words ("the Liberal
Party", "the Royal Society") are organisations; the same heads in common noun phrases ("a Third
Party library") and the other weak heads without a proper noun ("the Web Service") are not, and
newspapers are named by a proper noun and a press head ("the Leeds Gazette")."""

from __future__ import annotations

import pytest

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.body_heads import KIND_HEADS, is_public_body


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _orgs(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == "ORGANIZATION"]


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("She stood for the Green Party twice and lost both times.", "Green Party"),
        ("He was made a fellow of the Royal Society at forty.", "Royal Society"),
        ("The Western Rowing Association published its rules.", "Western Rowing Association"),
        ("They joined the Society for Coastal Archaeology last year.", "Society for Coastal Archaeology"),
        ("The Salvation Army ran the shelter for a decade.", "Salvation Army"),
        ("An Orthodox Church stood on the square.", "Orthodox Church"),
        ("He wrote a column for the Leeds Gazette.", "Leeds Gazette"),
        ("After college she taught in Ghana with the Peace Corps.", "Peace Corps"),
        ("Her grandfather was a surgeon in the Royal Army Medical Corps.", "Royal Army Medical Corps"),
    ],
)
def test_institutions_named_by_their_kind_are_organisations(engine: PiiEngine, text: str, body: str) -> None:
    assert body in _orgs(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Any Third Party code must be listed in the notice.",
        "Call the Web Service and wait for the Help Center to answer.",
        "A Search Party went out at dawn.",
        "The Tagged Union holds one of its variants.",
        "Press Enter to continue.",
    ],
)
def test_common_noun_phrases_are_not(engine: PiiEngine, text: str) -> None:
    assert _orgs(engine, text) == []


def test_the_kind_heads_need_capitalised_words_around_them() -> None:
    assert is_public_body("Royal Society") and is_public_body("Society for Coastal Archaeology")
    assert not is_public_body("Society") and not is_public_body("Third Party")
    assert not is_public_body("Royal society")
    assert "Party" in KIND_HEADS and "Service" not in KIND_HEADS and "Union" not in KIND_HEADS
