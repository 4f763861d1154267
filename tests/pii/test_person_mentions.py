"""Further mentions of a found person: whole words, a bare apostrophe after an "s", and no
common noun spread through a text from one wrong span.

Written from two failure classes of real prose: a possessive written with a bare apostrophe
("Quilis' types") was no mention; one wrong PERSON span of a common noun (a caption's "Image",
a role's "Tsar") made every later mention of that noun a person. The names and sentences are
invented for these tests; none comes from a corpus.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.person_mentions import name_words, occurrences, spreading
from veil.pii.recognizers.persons import is_plausible_ner_person


def persons(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PERSON]


@pytest.mark.parametrize(
    ("text", "word", "starts"),
    [
        ("Ask Tobias. Tobias' notes and Tobias\u2019 plans.", "Tobias", [4, 12, 30]),
        ("Horvat's card and Horvat\u2019s pen.", "Horvat", [0, 18]),
        ("Tobias'x is no mention, nor Tobiasz.", "Tobias", []),
        ("Marek' after a name without an s is no possessive.", "Marek", []),
    ],
)
def test_occurrences(text: str, word: str, starts: list[int]) -> None:
    assert list(occurrences(text, word)) == starts


@pytest.mark.parametrize(
    ("text", "names", "families", "kept"),
    [
        # an ordinary word found alone: not spread
        ("Image: a float. The image was sharp.", ["Image"], frozenset(), []),
        ("The Tsar wrote. Later the Tsar left.", ["Tsar"], frozenset(), []),
        # a word of a longer found name, never written in lower case: spread
        (
            "Wenna Marbles posts daily. Marbles said so.",
            ["Marbles", "Wenna Marbles"],
            frozenset({"Wenna", "Marbles"}),
            ["Marbles", "Wenna Marbles"],
        ),
        # ... but not when the text writes it in lower case too
        ("Wenna Marbles bought marbles. Marbles said so.", ["Marbles"], frozenset({"Marbles"}), []),
        # a known family name that is also a word: spread
        ("Mr Baker came. Baker said no.", ["Baker"], frozenset(), ["Baker"]),
        # no ordinary word: always
        ("Okonjo came. Okonjo said no.", ["Okonjo"], frozenset(), ["Okonjo"]),
    ],
)
def test_spreading(text: str, names: list[str], families: frozenset[str], kept: list[str]) -> None:
    assert spreading(text, names, families) == kept


@pytest.mark.parametrize("span", ["pro-Valdoria", "ants die", "LEDs", "Using GPUs", "anti-Brandt"])
def test_ner_phrases_and_acronym_plurals_are_no_persons(span: str) -> None:
    assert not is_plausible_ner_person(span)


@pytest.mark.parametrize(
    "span", ["van Gogh", "d'Alembert", "ex-Zombie Ryhanen", "de la Cruz", "\u0160t\u011bp\u00e1n Hora"]
)
def test_particles_prefixes_and_accented_capitals_stay_names(span: str) -> None:
    assert is_plausible_ner_person(span)


def test_the_engine_finds_a_possessive_with_a_bare_apostrophe(pii_engine: PiiEngine) -> None:
    text = "The model of Osric Tobias was revised later. Tobias' second model kept the same terms."
    found = persons(pii_engine, text)
    assert "Tobias" in found


@pytest.mark.parametrize(
    ("words", "kept"),
    [
        (["Tsar", "Oleksiy"], ["Oleksiy"]),
        (["Emperor", "Ruvald"], ["Ruvald"]),
        (["Martin", "Okafor", "King"], ["Martin", "Okafor", "King"]),  # a rank at the end is a name
        (["Tsar"], ["Tsar"]),
    ],
)
def test_a_rank_before_a_name_is_no_name_word(words: list[str], kept: list[str]) -> None:
    assert name_words(words) == kept


def test_a_rank_is_not_spread_through_the_text(pii_engine: PiiEngine) -> None:
    text = "Gordon served Tsar Oleksiy Branov for years. Later the Tsar gave him land."
    assert "Tsar" not in persons(pii_engine, text)
