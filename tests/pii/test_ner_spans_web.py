"""NER spans of web text that name no one: a compound's second half split by a tokenizer's space
("Anglo- Saxon"), a planet, a storm or a pet (:mod:`veil.pii.recognizers.nonhuman_names`)."""

from __future__ import annotations

import pytest

from veil.pii.ner_spans import may_be_a_name, names_among


def _judged(text: str, word: str, label: str = "PERSON") -> bool:
    start = text.index(word)
    return may_be_a_name(text, start, start + len(word), label)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("his stock of Anglo- Saxon curses ran out", "Saxon"),
        ("a Franco- Prussian treaty", "Prussian"),
    ],
)
def test_a_split_compounds_second_half_is_no_name(text: str, word: str) -> None:
    assert not _judged(text, word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("you are Tom Ro- Roberts' nephew", "Roberts"),  # a known name: a stammer, not a compound
        ("the Dorvel- Quast link opened; Quast station is new", "Quast"),  # named again on its own
    ],
)
def test_a_known_or_repeated_word_after_a_split_hyphen_is_not_dropped_as_a_compound(
    text: str, word: str
) -> None:
    glued = text.replace("- ", " ", 1)
    start = glued.index(word)
    assert _judged(text, word) == may_be_a_name(glued, start, start + len(word), "PERSON")


def test_planets_storms_and_pets_are_dropped() -> None:
    text = "Natal Saturn meets Venus; Hurricane Tolva hit and Tolva faded. My cat s name is Pixel."
    spans = [
        (text.index(w), text.index(w) + len(w), "PERSON")
        for w in ("Saturn", "Venus", "Hurricane Tolva", "Pixel")
    ]
    assert names_among(text, spans) == [False, False, False, False]
