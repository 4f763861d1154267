"""A word that names a people, a faith or a movement is no person, even when it is also a given
name ("Christian", "Roman"): the NER filter, the gazetteer and the first-name finder refuse it as
an adjective ("Christian moral life", "before Roman times", "the Danish coast", "a Roman
Catholic"); the same word as a person's given name before a family name, or greeted, stays.

Written from the failure class "nationality and religion words typed PERSON" (NER's NORP spans
retyped by the first-name gazetteer); the sentences are invented here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.name_plausibility import is_plausible_name, is_plausible_ner_person
from veil.pii.recognizers.people_words import GROUP_WORDS, names_a_group

T = EntityType
_ADJECTIVES = ["Christian", "Roman", "Danish", "Catholic", "Nazi", "Greek"]


def _people(engine: PiiEngine, text: str) -> set[str]:
    return {text[e.start : e.end] for e in engine.detect(text) if e.type == T.PERSON}


@pytest.mark.parametrize(
    "text",
    [
        "The abbey kept its Christian customs long after the war.",
        "Walls like these date back to Roman times.",
        "The ferry leaves from the Danish coast every morning.",
        "She was raised in a devout Catholic household.",
        "The archive covers the Nazi occupation of the town.",
        "He converted and became a Roman Catholic in later life.",
        "They met a converted Jew on the road to the coast.",
    ],
)
def test_a_people_or_a_faith_in_prose_is_no_person(pii_engine: PiiEngine, text: str) -> None:
    assert _people(pii_engine, text) == set()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Christian Ostervald signed the lease on Monday.", "Christian Ostervald"),
        ("Roman Kaczmarek will chair the session.", "Roman Kaczmarek"),
        ("Dear Christian, thanks for the invoice.", "Christian"),
    ],
)
def test_the_same_word_as_a_given_name_stays_a_person(pii_engine: PiiEngine, text: str, name: str) -> None:
    assert any(name in found for found in _people(pii_engine, text))


@given(st.lists(st.sampled_from(sorted(GROUP_WORDS)), min_size=1, max_size=3))
@settings(max_examples=60, deadline=None)
def test_spans_of_group_words_only_are_no_ner_persons(parts: list[str]) -> None:
    text = " ".join(parts)
    assert names_a_group(text)
    assert not is_plausible_ner_person(text)
    if len(parts) > 1:
        assert not is_plausible_name(text)


@pytest.mark.parametrize("word", _ADJECTIVES)
def test_a_group_word_beside_a_name_does_not_make_it_a_group(word: str) -> None:
    assert not names_a_group(f"{word} Ostervald")
    assert is_plausible_ner_person(f"{word} Ostervald")
