"""A found name is lengthened over the particles and the family names they join.

Written from the failure class "full names of Arabic, Hebrew, Iberian and Irish form": a finder
read "Given bin Father" and left the "al-Family" after it out, read "Yosef" without the "David ben"
before it, stopped a Spanish double family name at "y" and a Portuguese one at "e", and found no
name at all around a capitalised Irish "Nic". The people and sentences are invented for these
tests; none comes from a corpus.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.name_particles import with_particles
from veil.pii.recognizers.name_shapes import InitialNameFinder

NOT_NAMES = frozenset({"Monday", "Street"})


def persons(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PERSON]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My name is Ahmed bin Rashid al-Qasimi.", "Ahmed bin Rashid al-Qasimi"),
        ("The deed names Fatima bint Khalid as the owner.", "Fatima bint Khalid"),
        ("A letter from David ben Yosef arrived today.", "David ben Yosef"),
        ("The form was signed by Maria José García y Pérez in March.", "Maria José García y Pérez"),
        ("Witness: João Pedro da Silva e Costa, resident of Braga.", "João Pedro da Silva e Costa"),
    ],
)
def test_the_whole_name_is_one_person(pii_engine: PiiEngine, text: str, name: str) -> None:
    assert name in persons(pii_engine, text)


@pytest.mark.parametrize(
    ("text", "found", "lengthened"),
    [
        ("Omar bin Said al-Harithi called", "Omar bin Said", "Omar bin Said al-Harithi"),
        ("Ana Lopes e Costa signed", "Ana Lopes", "Ana Lopes e Costa"),
        ("Carmen Ruiz y Ortega signed", "Carmen Ruiz", "Carmen Ruiz y Ortega"),
        ("Nadia bint Hamad wrote", "Nadia", "Nadia bint Hamad"),
        ("Sheikh Rashid bin Hamdan Al Qasimi", "Rashid bin Hamdan", "Rashid bin Hamdan Al Qasimi"),
        ("David ben Yosef wrote", "Yosef", "David ben Yosef"),
        ("Maria Luisa Fernández y Soto", "Luisa Fernández y Soto", "Maria Luisa Fernández y Soto"),
    ],
)
def test_a_found_name_is_lengthened(text: str, found: str, lengthened: str) -> None:
    start = text.index(found)
    out = list(with_particles(text, [(start, start + len(found), 0.8)], NOT_NAMES))
    assert [(text[s:e], score) for s, e, score in out] == [(lengthened, 0.8)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Juan Pérez y María López", "Juan Pérez"),  # two people
        ("Lucas y Marta", "Lucas"),  # one word before "y": a list
        ("Pedro Alves de Madrid", "Pedro Alves"),  # a place after the particle
        ("Rui Alves de Almada", "Rui Alves"),  # a town
        ("Ana Souza de Street", "Ana Souza"),
        ("Tomás Rivera and Company", "Tomás Rivera"),
        ("Karim Haddad, of the Foundation", "Karim Haddad"),
        ("Paulo Mendes e Monday", "Paulo Mendes"),
        ("Nadia Farouk visited the bin Laden compound", "Nadia Farouk"),
    ],
)
def test_no_other_word_joins_the_name(text: str, found: str) -> None:
    start = text.index(found)
    assert list(with_particles(text, [(start, start + len(found), 0.8)], NOT_NAMES)) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Please contact Siobhán Nic Aodha about the grant.", "Siobhán Nic Aodha"),
        ("The report by Seán Ó Briain was late.", "Seán Ó Briain"),
        ("Máire Ní Dhomhnaill chaired the session.", "Máire Ní Dhomhnaill"),
    ],
)
def test_irish_particles_join_a_name(text: str, name: str) -> None:
    finder = InitialNameFinder()
    assert name in [text[s:e] for s, e, _ in finder(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The Rust Book explains ownership.",
        "Open the Settings Nic Panel",  # not a name word before it
        "Apple Ó Tables",
    ],
)
def test_irish_particles_need_name_words(text: str) -> None:
    finder = InitialNameFinder()
    assert [text[s:e] for s, e, _ in finder(text) if "Nic" in text[s:e] or "Ó" in text[s:e]] == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab yeilnMAG-", max_size=60))
def test_lengthened_spans_contain_the_found_one(tail: str) -> None:
    text = "Omar Haddad" + tail
    for start, end, _ in with_particles(text, [(0, 11, 0.7)], NOT_NAMES):
        assert start <= 0 and end >= 11 and end <= len(text)


def test_a_long_chain_of_particles_stays_linear() -> None:
    def cost(n: int) -> float:
        text = "Omar bin Said " * n
        people = [(i * 14, i * 14 + 13, 0.8) for i in range(n)]
        began = time.process_time()
        list(with_particles(text, people, NOT_NAMES))
        return time.process_time() - began

    small, large = cost(4000), cost(8000)
    assert large < 4 * small + 0.05


def test_two_given_names_before_a_particle(pii_engine: PiiEngine) -> None:
    text = "The board thanked Ana Paula dos Santos Ferreira for her service."
    assert "Ana Paula dos Santos Ferreira" in persons(pii_engine, text)


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Juan Pérez y Marta López firmaron.", ["Juan Pérez", "Marta López"]),
        ("Tomás y Lucía llegaron tarde.", ["Tomás", "Lucía"]),
    ],
)
def test_y_between_two_people_keeps_them_apart(rules_engine: PiiEngine, text: str, people: list[str]) -> None:
    found = persons(rules_engine, text)
    assert not any(" y " in name for name in found)
    assert set(found) <= set(people)
