"""People's names: lists of people, weak cues, span boundaries at possessives and titles.

Sentences written for these tests, with names from many cultures; the property tests draw
names from a list that no gazetteer of Veil holds (checked in the test).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.data import FIRST_NAMES, LAST_NAMES, PLACES, load_words

T = EntityType


def people(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == T.PERSON]


def typed(engine: PiiEngine, text: str) -> set[tuple[str, str]]:
    return {(e.type, text[e.start : e.end]) for e in engine.detect(text)}


# -- lists of people -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Please thank Yerlan, Chiamaka, Søren and Itzel for the slides.",
            ["Yerlan", "Chiamaka", "Søren", "Itzel"],
        ),
        ("The rota: Ingrid, Tariq, Paulo and Mei are on call.", ["Ingrid", "Tariq", "Paulo", "Mei"]),
        ("Yesterday Anneliese, Kofi and Rashida moved house.", ["Anneliese", "Kofi", "Rashida"]),
        ("Lucía and Mateo signed the lease.", ["Lucía", "Mateo"]),
        (
            "We invited Olusegun Bello, Hana Kobayashi and Rafael Quispe.",
            ["Olusegun Bello", "Hana Kobayashi", "Rafael Quispe"],
        ),
    ],
)
def test_each_person_of_a_list_is_a_person(pii_engine: PiiEngine, text: str, names: list[str]) -> None:
    found = typed(pii_engine, text)
    for name in names:
        assert (T.PERSON, name) in found, (name, found)
    assert not any(kind == T.ORGANIZATION for kind, _ in found)


def test_a_partnership_with_a_legal_form_stays_a_firm(pii_engine: PiiEngine) -> None:
    text = "The claim was filed by Ashworth, Pemberton and Clarke LLP last week."
    assert (T.ORGANIZATION, "Ashworth, Pemberton and Clarke LLP") in typed(pii_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "We toured Lisbon, Porto and Braga in May.",
        "Use Python, Excel and Word for the report.",
        "Open on Monday, Tuesday and Friday.",
    ],
)
def test_lists_of_places_tools_and_days_are_not_people(pii_engine: PiiEngine, text: str) -> None:
    assert people(pii_engine, text) == []


# -- single names with weak cues -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my granddaughter Nkechi starts school in autumn", "Nkechi"),
        ("Our neighbour Wiremu fixed the fence.", "Wiremu"),
        ("I asked my kid Florence to tidy up.", "Florence"),
        ("a baby boy named Tiago was born at 6am", "Tiago"),
        ("my landlord, Dariusz, raised the rent", "Dariusz"),
    ],
)
def test_a_name_after_a_kinship_or_role_word(pii_engine: PiiEngine, text: str, name: str) -> None:
    assert name in people(pii_engine, text)


def test_speakers_of_a_transcript(pii_engine: PiiEngine) -> None:
    text = "Zoë: are we still on for Friday?\nOkeke: yes, after lunch\nZoë: great"
    found = people(pii_engine, text)
    assert found.count("Zoë") == 2 and "Okeke" in found


def test_lower_case_full_names(pii_engine: PiiEngine) -> None:
    text = "spoke with priya sharma about the refund"
    assert "priya sharma" in people(pii_engine, text)


def test_lower_case_common_words_are_not_names(rules_engine: PiiEngine) -> None:
    text = "the long summer was great and we will mark the best days"
    assert people(rules_engine, text) == []


# -- boundaries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ms. Keiko Tanabe's visa was approved.", "Keiko Tanabe"),
        ("Prof. Emeka Obi\u2019s lecture is moved.", "Emeka Obi"),
        ("Dr. Ananya Krishnan's PAN card is attached.", "Ananya Krishnan"),
        ("Mr. May will join us.", "May"),
        ("Mrs. March called twice.", "March"),
    ],
)
def test_a_titled_name_ends_at_the_name(pii_engine: PiiEngine, text: str, name: str) -> None:
    assert name in people(pii_engine, text)


def test_mr_president_is_no_name(rules_engine: PiiEngine) -> None:
    assert people(rules_engine, "Thank you, Mr. President.") == []


# -- generated lists of unknown names ----------------------------------------------------------------

# Names from many cultures that no gazetteer of Veil holds (checked below).
_UNKNOWN = [
    "Tsetseg",
    "Bolat",
    "Nalesoni",
    "Kawika",
    "Ayelet",
    "Quilla",
    "Teuila",
    "Mbali",
    "Siosaia",
    "Yerzhan",
    "Oyelaran",
    "Tahmina",
    "Hinemoa",
    "Keoni",
    "Ikaika",
    "Tupaq",
    "Nomvula",
    "Ngaio",
    "Koorine",
    "Sefa",
]


def test_the_generated_names_are_unknown_to_the_gazetteers() -> None:
    known = load_words(FIRST_NAMES) | load_words(LAST_NAMES) | load_words(PLACES)
    assert not set(_UNKNOWN) & known


_CUES = [
    "We invited {}.",
    "Thanks to {} for the help.",
    "{} joined the call late.",
    "Last night {} were on call.",
    "The volunteers were {}.",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(st.sampled_from(_UNKNOWN), min_size=3, max_size=6, unique=True),
    frame=st.sampled_from(_CUES),
    serial=st.booleans(),
)
def test_generated_lists_of_unknown_names_are_people(
    rules_engine: PiiEngine, names: list[str], frame: str, serial: bool
) -> None:
    listed = ", ".join(names[:-1]) + ("," if serial else "") + " and " + names[-1]
    text = frame.format(listed)
    found = typed(rules_engine, text)
    for name in names:
        assert (T.PERSON, name) in found, (text, found)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.sampled_from(_UNKNOWN), min_size=3, max_size=5, unique=True))
def test_generated_lists_with_a_known_first_name_are_people_with_ner(
    pii_engine: PiiEngine, names: list[str]
) -> None:
    listed = ", ".join(["Fatima", *names[:-1]]) + " and " + names[-1]
    text = f"After the meeting {listed} went home."
    found = typed(pii_engine, text)
    for name in ["Fatima", *names]:
        assert (T.PERSON, name) in found, (text, found)
