"""A bare name addressed at the head of a message's sentence is a person's name; a discourse word,
a filler or a place in that position is not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.pii import PiiEngine
from veil.pii.entity import EntityType
from veil.pii.recognizers.person_vocatives import vocative_names


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in vocative_names(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks for the notes. Quillan, What you say is fair.", ["Quillan"]),
        ("See you soon. P.S. Tom, Please call the office.", ["Tom"]),
        ("Hello all.\nOrla Fenwick, Could you send the draft?", ["Orla Fenwick"]),
        ("Tamsin, I was away last week.", ["Tamsin"]),
    ],
)
def test_addressed_names_are_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "However, I still disagree.",
        "Well, I know. Yes, I am sure. Now, I would argue otherwise.",
        "Uh, I went there. Um, I think so. Okay, I see.",
        "London, I love you.",
        "We met Quillan, who left early.",  # not a sentence's head, no opener
        "Quillan, Varga and Orla came.",
    ],
)
def test_no_vocative(text: str) -> None:
    assert _found(text) == []


@given(st.sampled_from(["However", "Still", "Anyway", "Honestly", "Sadly", "Frankly"]))
def test_a_discourse_word_is_no_name(word: str) -> None:
    assert _found(f"It rained. {word}, I stayed in.") == []


def test_engine_finds_the_addressed_name(pii_engine: PiiEngine) -> None:
    text = "Thanks for the link. Quillan, What you say makes sense to me."
    people = [text[e.start : e.end] for e in pii_engine.detect(text) if e.type == EntityType.PERSON]
    assert "Quillan" in people
