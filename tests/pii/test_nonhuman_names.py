"""Planets in a horoscope, named storms and pets are named like people, and are none."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.pii import PiiEngine
from veil.pii.entity import EntityType
from veil.pii.recognizers.nonhuman_names import PLANETS, names_no_human, pet_names, storm_names


def _judged(text: str, fragment: str) -> bool:
    start = text.index(fragment)
    return names_no_human(text, start, start + len(fragment))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("This month natal Jupiter squares Neptune in your fifth house.", "Jupiter"),
        ("This month natal Jupiter squares Neptune in your fifth house.", "Neptune"),
        ("Ketu and Mars sit together, so Ketu rules the week.", "Ketu"),
        ("Cyclone Wanda reached land on Friday; Wanda then weakened.", "Wanda"),
        ("Cyclone Wanda reached land on Friday; Wanda then weakened.", "Cyclone Wanda"),
        ("Tropical Storm Orvel drifted north.", "Orvel"),
        ("Our puppy s name is Biscuit and he barks.", "Biscuit"),
        ("I have a hamster named Nugget.", "Nugget"),
        ("My dog that is called Bramble sleeps all day. Bramble snores.", "Bramble"),
        ("a kitten s Called Pilot because it flies", "Called Pilot"),
    ],
)
def test_nonhuman_names(text: str, fragment: str) -> None:
    assert _judged(text, fragment)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Mars told the board he would resign.", "Mars"),  # one planet: maybe a family name
        ("Dana Venus and her brother met Saturn Ives.", "Dana Venus"),
        ("Hurricane Gwen is coming, said Orla to her neighbour.", "Orla"),
        ("My dog is called Bramble; Bramble Hayes walks him.", "Bramble Hayes"),
        ("Her cat was fed by Pilar every day.", "Pilar"),
        ("the storm was mild, said jonas", "jonas"),
    ],
)
def test_people_stay(text: str, fragment: str) -> None:
    assert not _judged(text, fragment)


def test_lists() -> None:
    assert storm_names("Typhoon Kesa and Hurricane Lumo") == {"Kesa", "Lumo"}
    assert pet_names("my cat's name is Tuppence") == {"Tuppence"}
    assert pet_names("a cat named after her aunt") == frozenset()


@given(st.sampled_from(sorted(PLANETS)), st.sampled_from(sorted(PLANETS)))
def test_a_planet_needs_another(first: str, second: str) -> None:
    text = f"Tonight {first} meets {second}."
    assert _judged(text, first) == (first != second)


def test_engine_reads_no_person(pii_engine: PiiEngine) -> None:
    text = (
        "Hi, I am writing about my cat. My cat's name is Tuppence. Transit Saturn and natal Venus "
        "are conjunct this week, and Hurricane Dorla reached the coast; Dorla was strong. "
        "Thanks, Marisa Quental"
    )
    people = [text[e.start : e.end] for e in pii_engine.detect(text) if e.type == EntityType.PERSON]
    assert "Marisa Quental" in people
    assert not {"Tuppence", "Saturn", "Venus", "Dorla", "Hurricane Dorla"} & set(people)
