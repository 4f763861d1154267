"""A found place or organisation is found again wherever the text names it the same way
(veil.pii.recognizers.name_repeats: the post-processors place_repeats and body_repeats).

Written from the failure class "a name found once, missed at its other mentions": a later
mention at a sentence's start or without a cue around it was left to the small NER model,
which missed it. Every sentence here is invented for these tests.
"""

from __future__ import annotations

import pytest

from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate
from veil.pii.recognizers.name_repeats import (
    MENTION_SCORE,
    body_repeats,
    place_repeats,
    repeated_mentions,
)

LOC, ORG, PER = EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.PERSON


def found(text: str, value: str, kind: str, score: float = 0.85, nth: int = 0) -> Candidate:
    start = -1
    for _ in range(nth + 1):
        start = text.index(value, start + 1)
    return (start, start + len(value), kind, score, "test")


def mentions(kind: str, text: str, resolved: list[Candidate]) -> list[str]:
    return [text[s:e] for s, e, _ in repeated_mentions(kind, text, resolved)]


def test_an_acronym_found_once_is_found_at_every_mention() -> None:
    text = "The lecture at KRU was full. KRU later put it online, and KRU's library keeps a copy."
    got = list(repeated_mentions(ORG, text, [found(text, "KRU", ORG)]))
    assert [text[s:e] for s, e, _ in got] == ["KRU", "KRU", "KRU"]
    assert all(score == MENTION_SCORE for _, _, score in got)


def test_a_place_found_once_is_found_again_at_a_sentence_start() -> None:
    text = "She moved to Kralupy in May. Kralupy has two bridges and a small harbour."
    assert mentions(LOC, text, [found(text, "Kralupy", LOC)]) == ["Kralupy", "Kralupy"]


def test_a_town_named_by_a_word_spreads_but_other_ordinary_words_do_not() -> None:
    text = "We flew to Mesa on Friday. Mesa was hot. The Court sat late; the Court rose at six."
    assert mentions(LOC, text, [found(text, "Mesa", LOC)]) == ["Mesa", "Mesa"]
    assert mentions(ORG, text, [found(text, "Court", ORG)]) == []


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("Paralympic", ORG),  # an adjective: "Paralympic sport"
        ("Iranian", LOC),
        ("Maori", LOC),  # a people
        ("Pro-Kralupy", LOC),  # a prefix glued to a name
        ("Kralupy 12", LOC),  # a number: an address's part
    ],
)
def test_adjectives_peoples_prefixed_names_and_numbers_do_not_spread(value: str, kind: str) -> None:
    text = f"{value} came first. Later {value} came again, and {value} once more."
    assert mentions(kind, text, [found(text, value, kind)]) == []


def test_a_copy_does_not_cut_a_longer_span_or_take_another_types_span() -> None:
    text = "Holt is a small town. Brock Holt played there, and Holt was proud of him."
    resolved = [found(text, "Holt", ORG), found(text, "Brock Holt", PER), found(text, "Holt", PER, nth=2)]
    assert mentions(ORG, text, resolved) == ["Holt"]  # the first only: its own span


def test_a_known_place_takes_a_mention_read_as_a_person() -> None:
    text = "She grew up in York. York was a Roman fortress."
    resolved = [found(text, "York", LOC), found(text, "York", PER, score=0.55, nth=1)]
    assert mentions(LOC, text, resolved) == ["York", "York"]


def test_the_post_processors_run_on_resolved_spans() -> None:
    assert place_repeats().stage == "resolved" and place_repeats().entity_type == LOC
    assert body_repeats().stage == "resolved" and body_repeats().entity_type == ORG
